package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.ReadFailure;
import dev.neuronfit.report.Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code neuronfit check}: the fit report of each model at or under the given paths. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check how well each model fits AWS Inferentia and Trainium.",
      "A PATH is a model folder or file, or a folder searched for models."
    },
    sortOptions = false)
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PATH",
      arity = "1..*",
      description = "Model folders or files, or folders holding models.")
  List<Path> paths;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.text;

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      description = "Exit 1 when a finding or verdict reaches LEVEL: " + FailOn.VALUES + ".",
      converter = Converters.FailOnValue.class)
  FailOn failOn;

  @Option(
      names = "--brief",
      description =
          "Text format: per model only the verdict, the target table and the findings' titles,"
              + " then the summary (the default for several models on a terminal).")
  boolean brief;

  @Option(
      names = "--full",
      description = "Text format: the whole report of every model, also on a terminal.")
  boolean full;

  @Mixin FitOptions fitOptions;

  @Mixin CommonOptions common;

  /** {@code --brief}, or several models written to a terminal without {@code --full}. */
  static boolean brief(boolean brief, boolean full, int models, boolean terminal) {
    return brief || (!full && models > 1 && terminal);
  }

  @Override
  public Integer call() throws Exception {
    if (brief && full) {
      throw new ParameterException(spec.commandLine(), "--brief and --full exclude each other");
    }
    KnowledgeBase kb = KnowledgeBase.load();
    FitOptions.Chosen fit = fitOptions.resolve(kb);
    Optional<FailOn> threshold = Optional.ofNullable(failOn);
    Inspector inspector = new Inspector(kb, ReadLimits.DEFAULT);
    PrintWriter err = spec.commandLine().getErr();
    List<Report> reports = new ArrayList<>();
    List<ReadFailure> failures = new ArrayList<>();
    for (Path path : paths) {
      List<ModelLocator.Located> models;
      try {
        models = inspector.locate(path);
      } catch (IOException e) {
        Errors.report(err, e, common.verbose);
        failures.add(new ReadFailure(path.toString(), Errors.oneLine(Errors.describe(e))));
        continue;
      }
      for (ModelLocator.Located m : models) {
        try {
          reports.add(
              inspector.inspect(m, fit.edition(), fit.selection(), fit.workload(), fit.hardware()));
        } catch (IOException e) {
          Errors.report(err, e, common.verbose);
          failures.add(new ReadFailure(m.path().toString(), Errors.oneLine(Errors.describe(e))));
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    Format.Settings settings =
        new Format.Settings(
            AnsiStyle.forOutput(common.noColor),
            brief(brief, full, reports.size(), System.console() != null),
            fit.edition(),
            failures);
    format.renderer(settings, reports.size()).ifPresent(r -> r.reports(reports, out));
    if (!failures.isEmpty()) {
      return ExitCodes.BAD_INPUT;
    }
    boolean failed = threshold.isPresent() && reports.stream().anyMatch(threshold.get()::fails);
    return failed ? ExitCodes.FAIL_ON : ExitCodes.OK;
  }
}
