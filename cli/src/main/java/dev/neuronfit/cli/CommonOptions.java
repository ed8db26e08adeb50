package dev.neuronfit.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes. */
final class CommonOptions {
  @Option(names = "--verbose", description = "On errors, print the full stack trace.")
  boolean verbose;

  @Option(
      names = "--no-color",
      description = "Never colour the text output (NO_COLOR is honoured too).")
  boolean noColor;
}
