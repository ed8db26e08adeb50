/**
 * The neuronfit command line: one picocli {@code Callable} per subcommand, shared options as
 * mixins, exit codes in {@link dev.neuronfit.cli.ExitCodes}, and one place that turns exceptions
 * into one-line messages.
 */
package dev.neuronfit.cli;
