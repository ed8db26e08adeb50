package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.report.HtmlRenderer;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.MarkdownRenderer;
import dev.neuronfit.report.ReadFailure;
import dev.neuronfit.report.ReportRenderer;
import dev.neuronfit.report.SarifRenderer;
import dev.neuronfit.report.Style;
import dev.neuronfit.report.TextRenderer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Output formats of check, each with the way its renderer is made: a new format is one constant
 * here. The matrix has its own formats, {@link MatrixFormat}, and scan its own, {@link ScanFormat}.
 */
enum Format {
  text(NoModels.WRITE_NOTHING, Format::text),
  json(NoModels.RENDER, settings -> new JsonRenderer()),
  md(NoModels.WRITE_NOTHING, settings -> new MarkdownRenderer()),
  html(NoModels.WRITE_NOTHING, settings -> new HtmlRenderer()),
  sarif(
      NoModels.RENDER,
      settings ->
          new SarifRenderer(
              settings.edition(), Inspector.version(), Path.of(""), settings.failures()));

  /**
   * What the command's options say about rendering, whatever the format.
   *
   * @param brief whether text is brief (verdicts, targets and finding titles only)
   * @param edition the edition the models were checked against
   * @param failures the models and paths that could not be read (SARIF lists them)
   */
  record Settings(Style style, boolean brief, Edition edition, List<ReadFailure> failures) {
    Settings {
      failures = List.copyOf(failures);
    }
  }

  private static ReportRenderer text(Settings settings) {
    TextRenderer text = new TextRenderer(settings.style());
    return settings.brief() ? text::brief : text;
  }

  /** What is written when no model could be checked. */
  enum NoModels {
    /** Nothing: the errors on stderr say it all. */
    WRITE_NOTHING,
    /** The renderer's output for an empty list, so the output stays a valid document. */
    RENDER
  }

  private final NoModels noModels;
  private final Function<Settings, ReportRenderer> renderer;

  Format(NoModels noModels, Function<Settings, ReportRenderer> renderer) {
    this.noModels = noModels;
    this.renderer = renderer;
  }

  /** The renderer of this format, or empty when there are no reports and nothing is written. */
  Optional<ReportRenderer> renderer(Settings settings, int reports) {
    return reports == 0 && noModels == NoModels.WRITE_NOTHING
        ? Optional.empty()
        : Optional.of(renderer.apply(settings));
  }
}
