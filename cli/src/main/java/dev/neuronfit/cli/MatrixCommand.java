package dev.neuronfit.cli;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.HtmlRenderer;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.MarkdownRenderer;
import dev.neuronfit.report.NowMatrix;
import dev.neuronfit.report.TextRenderer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neuronfit matrix}: the guideline tables of an edition. */
@Command(
    name = "matrix",
    mixinStandardHelpOptions = true,
    description = "Print the guideline tables: fit and package support per family and target.",
    sortOptions = false)
final class MatrixCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  MatrixFormat format = MatrixFormat.text;

  @Option(
      names = "--now",
      description =
          "Print the support-now layer instead: software stacks against targets, with each"
              + " stack's current status.")
  boolean now;

  @Mixin EditionOptions editionOptions;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    KnowledgeBase kb = KnowledgeBase.load();
    Edition edition = editionOptions.resolve(kb);
    PrintWriter out = spec.commandLine().getOut();
    if (now) {
      var ids =
          kb.supportNow().targetIds().stream()
              .filter(t -> editionOptions.targets.isEmpty() || editionOptions.targets.contains(t))
              .toList();
      switch (format) {
        case json -> NowMatrix.json(kb.supportNow(), ids, out);
        case html -> NowMatrix.html(kb.supportNow(), ids, out);
        case md, text -> new NowMatrix(format == MatrixFormat.md).render(kb.supportNow(), ids, out);
      }
      return ExitCodes.OK;
    }
    var targets = editionOptions.selectedTargets(edition);
    if (targets.isEmpty()) {
      out.println(
          "No guideline edition rates "
              + String.join(", ", editionOptions.targets)
              + "; `neuronfit matrix --now` shows the stacks that serve models there today.");
      out.flush();
      return ExitCodes.OK;
    }
    switch (format) {
      case json -> new JsonRenderer().matrix(edition, targets, out);
      case md -> new MarkdownRenderer().matrix(edition, targets, out);
      case html -> new HtmlRenderer().matrix(edition, targets, out);
      case text ->
          new TextRenderer(AnsiStyle.forOutput(common.noColor)).matrix(edition, targets, out);
    }
    return ExitCodes.OK;
  }
}
