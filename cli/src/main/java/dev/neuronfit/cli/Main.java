package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.report.Safe;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/** The neuronfit command line. Exit codes are in {@link ExitCodes}. */
@Command(
    name = "neuronfit",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "How well does a model's architecture fit AWS Inferentia (inf1) and Trainium or"
          + " Inferentia2 (trn1, inf2)? neuronfit reads Hugging Face model folders without loading"
          + " weights and answers from the Neuron \"Model Architecture Fit Guidelines\".",
      "",
      "Examples:",
      "  neuronfit check examples",
      "  neuronfit check --format json --target inf2 path/to/model",
      "  neuronfit check --fail-on not-a-good-fit --target inf1 path/to/model",
      "  neuronfit scan --format csv --output models.csv ~/.cache/huggingface/hub",
      "  neuronfit matrix --edition 2.5.0"
    },
    subcommands = {
      CheckCommand.class,
      ScanCommand.class,
      MatrixCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done, nothing reached --fail-on",
      "1:a finding or verdict reached --fail-on",
      "2:usage error",
      "3:an input could not be read (missing, malformed, unsupported)",
      "4:internal error (a bug: please report it)"
    })
public final class Main implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "a command is required: check, scan or matrix");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns the exit code. Errors that escape picocli's exception handler
   * (a {@link LinkageError} from a broken jar, an {@link OutOfMemoryError}) still end as one line
   * and exit code 4.
   */
  public static int run(String... args) {
    try {
      return commandLine().execute(args);
    } catch (Throwable e) {
      System.err.println("neuronfit: internal error: " + e);
      if (Boolean.getBoolean("neuronfit.verbose")
          || java.util.Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace();
      }
      return ExitCodes.INTERNAL;
    }
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.INTERNAL);
    return cl;
  }

  private static int handle(Exception e, CommandLine cmd, ParseResult parsed) {
    boolean verbose = verbose(parsed);
    if (e instanceof ModelFormatException) {
      Errors.report(cmd.getErr(), e, verbose);
      return ExitCodes.BAD_INPUT;
    }
    if (e instanceof IOException) {
      Errors.report(cmd.getErr(), e, verbose);
      return ExitCodes.BAD_INPUT;
    }
    cmd.getErr()
        .println(
            "neuronfit: internal error: "
                + Safe.escapeControls(Errors.oneLine(String.valueOf(e)))
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
    if (verbose) {
      e.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return ExitCodes.INTERNAL;
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The version from the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"neuronfit " + Inspector.version()};
    }
  }
}
