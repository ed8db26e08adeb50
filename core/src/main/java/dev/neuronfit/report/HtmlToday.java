package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.verdict.Today;
import dev.neuronfit.verdict.TodayPath;
import java.util.Optional;

/**
 * The support-now parts of the HTML report: a "today" line on each guideline card, and a card for
 * each target no guideline edition rates (trn2, trn3). Everything from the model is escaped.
 */
final class HtmlToday {
  private HtmlToday() {}

  /** The {@code <dt>Today</dt>} entry of a card, when the report has a path for the target. */
  static void entry(Optional<Today> today, String target, StringBuilder sb) {
    today.flatMap(t -> t.path(target)).ifPresent(p -> entry(p, sb));
  }

  private static void entry(TodayPath p, StringBuilder sb) {
    sb.append("<dt>Today</dt><dd>");
    if (p.best().isPresent()) {
      TodayPath.Path b = p.best().get();
      sb.append("<strong>")
          .append(escape(b.stackName()))
          .append("</strong> ")
          .append(escape(b.statusValue().label()))
          .append(" <span class=\"note\">")
          .append(escape(b.evidence()))
          .append(" (")
          .append(Html.link(b.source().url(), b.source().date()))
          .append(")</span>");
    } else {
      sb.append("no stack that still takes new work serves this model here");
    }
    sb.append("</dd>");
    p.quantization()
        .ifPresent(q -> sb.append("<dt>Quantization</dt><dd>").append(escape(q)).append("</dd>"));
  }

  /** A card for a target no guideline edition rates. */
  static void card(TodayPath p, TargetEstimate estimate, Today t, StringBuilder sb) {
    sb.append("<div class=\"card fit-unknown\">\n<div class=\"card-head\"><span class=\"target\">")
        .append(escape(p.target()))
        .append("</span><span class=\"chip\">NeuronCore-")
        .append(escape(p.neuronCore()))
        .append("</span></div>\n<p class=\"note\">No guideline edition rates ")
        .append(escape(p.target()))
        .append("; support snapshot ")
        .append(escape(t.snapshot().date()))
        .append(" (Neuron ")
        .append(escape(t.snapshot().neuron()))
        .append(").</p>\n<dl>");
    entry(p, sb);
    if (estimate != null) {
      sb.append("<dt>Sizing</dt><dd>")
          .append(escape(TodayText.sizing(estimate, p)))
          .append("</dd>");
    }
    sb.append("</dl>\n</div>\n");
  }
}
