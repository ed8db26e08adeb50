package dev.neuronfit.report;

import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.model.Quantities;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A roofline chart as inline SVG: log-log axes of arithmetic intensity (FLOP per byte) against
 * attainable FLOP/s per chip, one roof per chip figure (the memory slope up to the ridge point,
 * then the compute ceiling) and each phase of the workload placed on every roof at its intensity.
 * The peaks and bandwidths are the ones the estimates used, so the chart and the tables agree.
 * Targets with identical figures share one roof.
 */
final class RooflineSvg {
  private static final double W = 880;
  private static final double H = 460;
  private static final double LEFT = 78;
  private static final double RIGHT = 128;
  private static final double TOP = 52;
  private static final double BOTTOM = 58;
  private static final double PLOT_W = W - LEFT - RIGHT;
  private static final double PLOT_H = H - TOP - BOTTOM;

  /** Colours that stay apart for the common colour-vision deficiencies (Okabe and Ito). */
  private static final String[] COLOURS = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"
  };

  /** Dash patterns, so roofs differ without colour too. */
  private static final String[] DASHES = {"", "9 5", "2 4", "12 4 3 4"};

  /**
   * One roof: the targets that share a chip's peak and bandwidth.
   *
   * @param targets target ids, in report order
   * @param chip the chip's name
   * @param peak FLOP/s per chip
   * @param bandwidth bytes per second per chip
   */
  record Roof(List<String> targets, String chip, double peak, double bandwidth) {
    double ridge() {
      return peak / bandwidth;
    }

    double attainable(double intensity) {
      return Math.min(peak, intensity * bandwidth);
    }

    String label() {
      return String.join(", ", targets);
    }
  }

  private RooflineSvg() {}

  /**
   * The roofs of the estimates, merged where the figures are the same; unusable figures skipped.
   */
  static List<Roof> roofs(Map<String, TargetEstimate> estimates) {
    Map<String, List<TargetEstimate>> byFigures = new LinkedHashMap<>();
    for (TargetEstimate e : estimates.values()) {
      if (usable(e.peakFlopsPerChip()) && usable(e.bandwidthPerChip())) {
        byFigures
            .computeIfAbsent(
                e.peakFlopsPerChip() + "/" + e.bandwidthPerChip(), k -> new ArrayList<>())
            .add(e);
      }
    }
    List<Roof> roofs = new ArrayList<>();
    for (List<TargetEstimate> group : byFigures.values()) {
      TargetEstimate first = group.get(0);
      List<String> chips = group.stream().map(TargetEstimate::chip).distinct().toList();
      roofs.add(
          new Roof(
              group.stream().map(TargetEstimate::target).toList(),
              String.join(" / ", chips),
              first.peakFlopsPerChip(),
              first.bandwidthPerChip()));
    }
    return roofs;
  }

  /** Phases that can be placed on a log axis: some FLOPs and some bytes. */
  static List<Phase> placeable(List<Phase> phases) {
    return phases.stream().filter(p -> usable(p.arithmeticIntensity())).toList();
  }

  static String colour(int roof) {
    return COLOURS[roof % COLOURS.length];
  }

  static String dash(int roof) {
    return DASHES[roof % DASHES.length];
  }

  /**
   * The chart.
   *
   * @param phases the phases to place (see {@link #placeable})
   * @param roofs at least one roof
   * @param id a prefix for element ids, unique within the page
   */
  static String svg(List<Phase> phases, List<Roof> roofs, String id) {
    Axis x = xAxis(phases, roofs);
    Axis y = yAxis(phases, roofs);
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(f(W))
        .append(' ')
        .append(f(H))
        .append("\" role=\"img\" aria-labelledby=\"")
        .append(id)
        .append("-title\" font-family=\"inherit\">\n<title id=\"")
        .append(id)
        .append("-title\">Roofline: attainable FLOP/s per chip against arithmetic intensity, ")
        .append(phases.size() == 1 ? "one phase" : phases.size() + " phases")
        .append(" on ")
        .append(roofs.size() == 1 ? "one roof" : roofs.size() + " roofs")
        .append("</title>\n");
    grid(sb, x, y);
    for (int i = 0; i < roofs.size(); i++) {
      roof(sb, roofs.get(i), i, x, y);
    }
    roofLabels(sb, roofs, y);
    phaseGuides(sb, phases, x, y);
    for (int i = 0; i < roofs.size(); i++) {
      Roof r = roofs.get(i);
      for (Phase p : phases) {
        double ai = p.arithmeticIntensity();
        double att = r.attainable(ai);
        sb.append("<circle cx=\"")
            .append(f(x.px(ai)))
            .append("\" cy=\"")
            .append(f(y.px(att)))
            .append("\" r=\"5.5\" fill=\"")
            .append(colour(i))
            .append("\" stroke=\"#fff\" stroke-width=\"1.5\"><title>")
            .append(Html.escape(p.name() + " on " + r.label() + ": "))
            .append(Html.escape(EstimatesText.number(ai) + " FLOP/byte, at most "))
            .append(Html.escape(flopRate(att) + ", " + (ai >= r.ridge() ? "compute" : "memory")))
            .append("-bound</title></circle>\n");
      }
    }
    sb.append("</svg>");
    return sb.toString();
  }

  /** An HTML legend for the roofs: swatch, targets, chip, peak, bandwidth and ridge point. */
  static String legend(List<Roof> roofs) {
    StringBuilder sb = new StringBuilder("<ul class=\"legend\">");
    for (int i = 0; i < roofs.size(); i++) {
      Roof r = roofs.get(i);
      sb.append("<li>")
          .append(swatch(i))
          .append("<strong>")
          .append(Html.escape(r.label()))
          .append("</strong> ")
          .append(Html.escape(r.chip()))
          .append(": ")
          .append(Html.escape(flopRate(r.peak())))
          .append(", ")
          .append(Html.escape(Quantities.bytes((long) r.bandwidth())))
          .append("/s, ridge at ")
          .append(Html.escape(EstimatesText.number(r.ridge())))
          .append(" FLOP/byte</li>");
    }
    sb.append("</ul>");
    return sb.toString();
  }

  private static String swatch(int i) {
    return "<svg width=\"34\" height=\"12\" aria-hidden=\"true\"><line x1=\"1\" y1=\"6\" x2=\"33\""
        + " y2=\"6\" stroke=\""
        + colour(i)
        + "\" stroke-width=\"3\""
        + (dash(i).isEmpty() ? "" : " stroke-dasharray=\"" + dash(i) + "\"")
        + "/></svg>";
  }

  private static void grid(StringBuilder sb, Axis x, Axis y) {
    sb.append("<g>\n");
    for (int k = x.lo; k <= x.hi; k++) {
      double px = x.px(Math.pow(10, k));
      sb.append(line(px, TOP, px, TOP + PLOT_H, "grid"));
      if ((k - x.lo) % x.labelStep == 0) {
        sb.append(text(px, TOP + PLOT_H + 18, "middle", "tick", decade(k, false)));
      }
    }
    for (int k = y.lo; k <= y.hi; k++) {
      double py = y.px(Math.pow(10, k));
      sb.append(line(LEFT, py, LEFT + PLOT_W, py, "grid"));
      if ((k - y.lo) % y.labelStep == 0) {
        sb.append(text(LEFT - 8, py + 4, "end", "tick", decade(k, true)));
      }
    }
    sb.append(line(LEFT, TOP + PLOT_H, LEFT + PLOT_W, TOP + PLOT_H, "axis"));
    sb.append(line(LEFT, TOP, LEFT, TOP + PLOT_H, "axis"));
    sb.append(
        text(
            LEFT + PLOT_W / 2,
            H - 12,
            "middle",
            "axis-title",
            "arithmetic intensity: FLOP per byte moved (log scale)"));
    sb.append("<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(18 ")
        .append(f(TOP + PLOT_H / 2))
        .append(") rotate(-90)\">attainable FLOP/s per chip (log scale)</text>\n");
    sb.append("</g>\n");
  }

  private static void roof(StringBuilder sb, Roof r, int i, Axis x, Axis y) {
    double xMax = Math.pow(10, x.hi);
    double yMin = Math.pow(10, y.lo);
    double start = Math.max(Math.pow(10, x.lo), yMin / r.bandwidth());
    start = Math.min(start, r.ridge());
    sb.append("<polyline fill=\"none\" stroke=\"")
        .append(colour(i))
        .append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\"")
        .append(dash(i).isEmpty() ? "" : " stroke-dasharray=\"" + dash(i) + "\"")
        .append(" points=\"")
        .append(f(x.px(start)))
        .append(',')
        .append(f(y.px(r.attainable(start))))
        .append(' ')
        .append(f(x.px(r.ridge())))
        .append(',')
        .append(f(y.px(r.peak())))
        .append(' ')
        .append(f(x.px(xMax)))
        .append(',')
        .append(f(y.px(r.peak())))
        .append("\"/>\n");
    sb.append("<circle class=\"ridge\" cx=\"")
        .append(f(x.px(r.ridge())))
        .append("\" cy=\"")
        .append(f(y.px(r.peak())))
        .append("\" r=\"4\" stroke=\"")
        .append(colour(i))
        .append("\"><title>")
        .append(Html.escape(r.label() + " ridge point: " + EstimatesText.number(r.ridge())))
        .append(" FLOP/byte</title></circle>\n");
  }

  /**
   * Each roof's targets and peak beside the right end of its ceiling, outside the plot so no marker
   * can sit under them; labels that would overlap are moved down.
   */
  private static void roofLabels(StringBuilder sb, List<Roof> roofs, Axis y) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < roofs.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble(i -> y.px(roofs.get(i).peak())));
    double previous = Double.NEGATIVE_INFINITY;
    for (int i : order) {
      Roof r = roofs.get(i);
      double at = Math.max(y.px(r.peak()) + 4, previous + 30);
      previous = at;
      double x = LEFT + PLOT_W + 8;
      sb.append("<text class=\"roof-label\" fill=\"")
          .append(colour(i))
          .append("\" x=\"")
          .append(f(x))
          .append("\" y=\"")
          .append(f(at))
          .append("\">")
          .append(Html.escape(r.label()))
          .append(" <tspan class=\"roof-peak\" x=\"")
          .append(f(x))
          .append("\" dy=\"15\">")
          .append(Html.escape(flopRate(r.peak())))
          .append("</tspan></text>\n");
    }
  }

  /** A dotted vertical line at each phase's intensity, named above the plot. */
  private static void phaseGuides(StringBuilder sb, List<Phase> phases, Axis x, Axis y) {
    List<Double> placed = new ArrayList<>();
    for (Phase p : phases) {
      double px = x.px(p.arithmeticIntensity());
      sb.append(line(px, TOP, px, TOP + PLOT_H, "phase-line"));
      int row = 0;
      for (double q : placed) {
        if (Math.abs(q - px) < 170) {
          row++;
        }
      }
      placed.add(px);
      String anchor = px < LEFT + 90 ? "start" : px > LEFT + PLOT_W - 90 ? "end" : "middle";
      double tx = anchor.equals("start") ? px - 4 : anchor.equals("end") ? px + 4 : px;
      sb.append(
          text(
              tx,
              TOP - 10 - 16 * (row % 2),
              anchor,
              "phase-label",
              p.name() + " · " + EstimatesText.number(p.arithmeticIntensity()) + " FLOP/byte"));
    }
  }

  /** e.g. {@code 64.0 TFLOP/s}. */
  static String flopRate(double v) {
    String flops = EstimatesText.flops(v);
    return flops.substring(0, flops.length() - 1) + "/s";
  }

  /** A tick label for 10^k: {@code 0.01}, {@code 1}, {@code 100}, {@code 10k}, or with SI units. */
  static String decade(int k, boolean si) {
    if (k < 0) {
      return k >= -3 ? "0." + "0".repeat(-k - 1) + "1" : "1e" + k;
    }
    String[] prefixes = si ? new String[] {"", " k", " M", " G", " T", " P", " E"} : PLAIN;
    int group = Math.min(k / 3, prefixes.length - 1);
    long mantissa = (long) Math.pow(10, k - 3 * group);
    return mantissa + prefixes[group];
  }

  private static final String[] PLAIN = {"", "k", "M", "G", "T", "P", "E"};

  /** A log axis over whole decades {@code [10^lo, 10^hi]}, mapped onto the plot. */
  private record Axis(int lo, int hi, boolean vertical, int labelStep) {
    double px(double v) {
      double t = (Math.log10(v) - lo) / (hi - lo);
      t = Math.max(0, Math.min(1, t));
      return vertical ? TOP + PLOT_H - t * PLOT_H : LEFT + t * PLOT_W;
    }

    static Axis of(double min, double max, boolean vertical, int maxDecades) {
      int lo = (int) Math.floor(Math.log10(min));
      int hi = (int) Math.ceil(Math.log10(max));
      if (hi - lo < 2) {
        hi = lo + 2;
      }
      if (hi - lo > maxDecades) {
        lo = hi - maxDecades;
      }
      return new Axis(lo, hi, vertical, hi - lo > 8 ? 2 : 1);
    }
  }

  private static Axis xAxis(List<Phase> phases, List<Roof> roofs) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Phase p : phases) {
      min = Math.min(min, p.arithmeticIntensity());
      max = Math.max(max, p.arithmeticIntensity());
    }
    for (Roof r : roofs) {
      min = Math.min(min, r.ridge());
      max = Math.max(max, r.ridge());
    }
    return Axis.of(min / 3, max * 3, false, 12);
  }

  private static Axis yAxis(List<Phase> phases, List<Roof> roofs) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Roof r : roofs) {
      max = Math.max(max, r.peak());
      min = Math.min(min, r.peak());
      for (Phase p : phases) {
        min = Math.min(min, r.attainable(p.arithmeticIntensity()));
      }
    }
    return Axis.of(min / 3, max * 2, true, 10);
  }

  private static String line(double x1, double y1, double x2, double y2, String cls) {
    return "<line class=\""
        + cls
        + "\" x1=\""
        + f(x1)
        + "\" y1=\""
        + f(y1)
        + "\" x2=\""
        + f(x2)
        + "\" y2=\""
        + f(y2)
        + "\"/>\n";
  }

  private static String text(double x, double y, String anchor, String cls, String content) {
    return "<text class=\""
        + cls
        + "\" text-anchor=\""
        + anchor
        + "\" x=\""
        + f(x)
        + "\" y=\""
        + f(y)
        + "\">"
        + Html.escape(content)
        + "</text>\n";
  }

  private static boolean usable(double v) {
    return v > 0 && Double.isFinite(v);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
