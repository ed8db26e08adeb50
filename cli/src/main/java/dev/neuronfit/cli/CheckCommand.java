package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Framework;
import dev.neuronfit.report.HtmlRenderer;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.MarkdownRenderer;
import dev.neuronfit.report.Report;
import dev.neuronfit.report.TextRenderer;
import dev.neuronfit.verdict.Selection;
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

  @Mixin EditionOptions editionOptions;

  @Option(
      names = "--framework",
      paramLabel = "F",
      description = "Only packages for this framework: pytorch or tensorflow.",
      converter = Converters.FrameworkValue.class)
  Framework framework;

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

  @Mixin EstimateOptions estimateOptions;

  @Mixin CommonOptions common;

  /** Targets a user's hardware file adds (its built-in targets are the edition's). */
  private List<String> hardwareFileTargets(Hardware hardware) {
    return estimateOptions.hardwareFile == null ? List.of() : hardware.targetIds();
  }

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
    Hardware hardware = estimateOptions.hardware(kb);
    Edition edition = editionOptions.resolve(kb, hardwareFileTargets(hardware));
    WorkloadOptions workload = estimateOptions.workload();
    Optional<FailOn> threshold = Optional.ofNullable(failOn);
    Selection selection = new Selection(editionOptions.targets, Optional.ofNullable(framework));
    Inspector inspector = new Inspector(kb, ReadLimits.DEFAULT);
    PrintWriter err = spec.commandLine().getErr();
    List<Report> reports = new ArrayList<>();
    boolean badInput = false;
    for (Path path : paths) {
      List<ModelLocator.Located> models;
      try {
        models = inspector.locate(path);
      } catch (IOException e) {
        Errors.report(err, e, common.verbose);
        badInput = true;
        continue;
      }
      for (ModelLocator.Located m : models) {
        try {
          reports.add(inspector.inspect(m, edition, selection, workload, hardware));
        } catch (IOException e) {
          Errors.report(err, e, common.verbose);
          badInput = true;
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!reports.isEmpty() || format == Format.json) {
      switch (format) {
        case json -> new JsonRenderer().reports(reports, out);
        case md -> new MarkdownRenderer().reports(reports, out);
        case html -> new HtmlRenderer().reports(reports, out);
        case text -> {
          TextRenderer text = new TextRenderer(AnsiStyle.forOutput(common.noColor));
          if (brief(brief, full, reports.size(), System.console() != null)) {
            text.brief(reports, out);
          } else {
            text.reports(reports, out);
          }
        }
      }
    }
    if (badInput) {
      return ExitCodes.BAD_INPUT;
    }
    boolean failed = threshold.isPresent() && reports.stream().anyMatch(threshold.get()::fails);
    return failed ? ExitCodes.FAIL_ON : ExitCodes.OK;
  }
}
