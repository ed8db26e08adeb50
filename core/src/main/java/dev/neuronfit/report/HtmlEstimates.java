package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.PhaseBound;
import dev.neuronfit.estimate.Sizing;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.model.Quantities;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The estimates section of the HTML report: the workload per phase, the bounds and sizing per
 * target, and the roofline chart that places the phases on each target's roof.
 */
final class HtmlEstimates {
  private HtmlEstimates() {}

  /**
   * Appends the section.
   *
   * @param id a prefix for element ids, unique within the page
   */
  static void append(
      Workload w, Map<String, TargetEstimate> estimates, String id, StringBuilder sb) {
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Workload and estimates</h3>\n")
        .append("<p class=\"note\">Analytic bounds from the model's structure and the chips'")
        .append(" published peaks, not measurements; FLOPs at ")
        .append(escape(Workload.FLOPS_CONVENTION))
        .append(". Input: <strong>")
        .append(escape(EstimatesText.input(w)))
        .append("</strong>.</p>\n<div class=\"figures\">\n");
    for (Phase p : w.phases()) {
      figure(
          sb,
          EstimatesText.title(p),
          EstimatesText.flops(p.flops()) + (p.name().equals("decode") ? " per token" : ""),
          Quantities.bytes((long) p.bytesMoved())
              + " moved · "
              + EstimatesText.number(p.arithmeticIntensity())
              + " FLOP/byte");
    }
    figure(sb, "weights", Quantities.bytes(w.weightBytes()), w.weightsHeld());
    if (w.kvCacheBytes() > 0) {
      figure(sb, "KV cache", Quantities.bytes(w.kvCacheBytes()), "at the full context");
    }
    sb.append("</div>\n");
    if (!w.costUnknownOps().isEmpty()) {
      sb.append("<p class=\"note\">Cost unknown, left out of the FLOPs: ")
          .append(
              escape(
                  new TreeMap<>(w.costUnknownOps())
                      .entrySet().stream()
                          .map(e -> e.getKey() + " ×" + e.getValue())
                          .collect(Collectors.joining(", "))))
          .append("</p>\n");
    }
    if (!estimates.isEmpty()) {
      table(estimates, sb);
      roofline(w, estimates, id, sb);
    }
    sb.append("<ul class=\"assumptions\">");
    sb.append("<li>").append(escape(w.method())).append("</li>");
    for (String a : w.assumptions()) {
      sb.append("<li>assumes ").append(escape(a)).append("</li>");
    }
    sb.append("</ul>\n</section>\n");
  }

  private static void figure(StringBuilder sb, String label, String value, String sub) {
    sb.append("<div class=\"figure\"><div class=\"label\">")
        .append(escape(label))
        .append("</div><div class=\"value\">")
        .append(escape(value))
        .append("</div><div class=\"sub\">")
        .append(escape(sub))
        .append("</div></div>\n");
  }

  private static void table(Map<String, TargetEstimate> estimates, StringBuilder sb) {
    sb.append("<div class=\"table-wrap\"><table class=\"bounds\">\n<thead><tr><th>Target</th>")
        .append("<th>Phase</th><th>Bound</th><th class=\"num\">Latency ≥</th>")
        .append("<th class=\"num\">Throughput ≤</th><th class=\"num\">Per instance ≤</th>")
        .append("<th>Smallest instance</th></tr></thead>\n<tbody>\n");
    for (TargetEstimate e : estimates.values()) {
      List<PhaseBound> phases = e.phases();
      for (int i = 0; i < phases.size(); i++) {
        PhaseBound b = phases.get(i);
        sb.append(i == 0 ? "<tr class=\"group-start\">" : "<tr>");
        if (i == 0) {
          sb.append("<td class=\"group\" rowspan=\"")
              .append(phases.size())
              .append("\">")
              .append(escape(e.target()))
              .append("<div class=\"note\">")
              .append(escape(e.chip()))
              .append("</div></td>");
        }
        sb.append("<td>")
            .append(escape(b.phase()))
            .append("<div class=\"note\">")
            .append(escape(EstimatesText.placement(b)))
            .append("</div></td><td>")
            .append(escape(b.bound()))
            .append("</td><td class=\"num\">")
            .append(escape(EstimatesText.seconds(b.latencyLowerBoundSeconds())))
            .append("</td><td class=\"num\">")
            .append(escape(EstimatesText.rate(b)))
            .append("</td><td class=\"num\">")
            .append(
                b.instance().isPresent()
                    ? escape(
                        EstimatesText.number(b.throughputPerInstanceUpperBound())
                            + (b.phase().equals("decode") ? " tokens/s" : " /s"))
                    : "—")
            .append("</td>");
        if (i == 0) {
          sb.append("<td rowspan=\"").append(phases.size()).append("\">");
          sizing(e.sizing(), sb);
          sb.append("</td>");
        }
        sb.append("</tr>\n");
      }
    }
    sb.append("</tbody></table></div>\n");
  }

  private static void sizing(Sizing s, StringBuilder sb) {
    sb.append(s.instance().map(Html::escape).orElse("none holds the model"))
        .append("<div class=\"note\">")
        .append(escape(cores(s)))
        .append(" · needs ")
        .append(escape(Quantities.bytes(s.deviceMemoryBytesNeeded())))
        .append(
            s.pipelineCores()
                .map(p -> " · pipeline rule of thumb: " + p + (p == 1 ? " core" : " cores"))
                .map(Html::escape)
                .orElse(""))
        .append("</div>");
  }

  /** e.g. {@code 8 NeuronCores, TP 8}. */
  static String cores(Sizing s) {
    int n = s.neuronCores();
    String c = n + " NeuronCore" + (n == 1 ? "" : "s");
    return s.tensorParallelDegree().map(tp -> c + ", TP " + tp).orElse(c);
  }

  private static void roofline(
      Workload w, Map<String, TargetEstimate> estimates, String id, StringBuilder sb) {
    List<RooflineSvg.Roof> roofs = RooflineSvg.roofs(estimates);
    List<Phase> phases = RooflineSvg.placeable(w.phases());
    if (roofs.isEmpty() || phases.isEmpty()) {
      sb.append("<p class=\"note\">No roofline chart: ")
          .append(roofs.isEmpty() ? "no target has a peak and a bandwidth" : "no phase has FLOPs")
          .append(".</p>\n");
      return;
    }
    sb.append("<figure class=\"roofline\">\n")
        .append(RooflineSvg.svg(phases, roofs, id + "-roofline"))
        .append('\n')
        .append(RooflineSvg.legend(roofs))
        .append("\n<figcaption>Roofline per chip: below a roof's ridge point a phase is limited by")
        .append(" memory bandwidth, above it by peak compute. Each dot is a phase placed at its")
        .append(" arithmetic intensity on a target's roof; its height is the most FLOP/s one chip")
        .append(" can reach there.</figcaption>\n</figure>\n");
  }
}
