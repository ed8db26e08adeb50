package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.KnowledgeSnapshot;
import dev.neuronfit.report.Safe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The neuronfit command line. Exit codes are in {@link ExitCodes}. */
@Command(
    name = "neuronfit",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    // the first paragraph, about what this build reads and knows, is added by about()
    description = {
      "",
      "Examples:",
      "  neuronfit check examples",
      "  neuronfit check --format json --target inf2 path/to/model",
      "  neuronfit check --fail-on not-a-good-fit --target inf1 path/to/model",
      "  neuronfit scan --format csv --output models.csv ~/.cache/huggingface/hub",
      "  neuronfit matrix --edition 2.5.0",
      "  neuronfit serve --port 8080 --models /srv/models"
    },
    subcommands = {
      CheckCommand.class,
      ScanCommand.class,
      PlanCommand.class,
      MatrixCommand.class,
      SchemaCommand.class,
      dev.neuronfit.cli.serve.ServeCommand.class,
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
  @Spec CommandSpec spec;

  @Override
  public void run() {
    // the command line that runs, so the message and usage go to its writers with its help
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: check, scan, matrix or schema");
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
    // rendered only when help is shown, so other commands do not load every edition
    CommandLine.IHelpSectionRenderer description =
        cl.getHelpSectionMap().get(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION);
    cl.getHelpSectionMap()
        .put(
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
            help -> {
              CommandLine.Help.TextTable about =
                  CommandLine.Help.TextTable.forColumns(
                      help.colorScheme(),
                      new CommandLine.Help.Column(
                          help.commandSpec().usageMessage().width(),
                          0,
                          CommandLine.Help.Column.Overflow.WRAP));
              about.indentWrappedLines = 0;
              about.addRowValues(about());
              return about.toString() + description.render(help);
            });
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

  /** What neuronfit does, reads and knows, from the knowledge base of this build. */
  static String about() {
    KnowledgeSnapshot k = KnowledgeSnapshot.of(KnowledgeBase.load());
    return "How well does a model's architecture fit AWS Inferentia (inf1) and Trainium or"
        + " Inferentia2 (trn1, inf2)? neuronfit reads "
        + KnowledgeSnapshot.formats()
        + " without loading weights, and answers from the Neuron \"Model Architecture Fit"
        + " Guidelines\" ("
        + k.guidelineName()
        + "), editions "
        + k.editionsLine()
        + ", with Neuron operator lists as of "
        + k.asOf()
        + " at the newest.";
  }

  /** The version from the build, then what it reads and which knowledge it carries. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      List<String> lines = new ArrayList<>();
      lines.add("neuronfit " + Inspector.version());
      lines.addAll(KnowledgeSnapshot.of(KnowledgeBase.load()).lines());
      return lines.toArray(String[]::new);
    }
  }
}
