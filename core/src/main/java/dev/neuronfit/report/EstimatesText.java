package dev.neuronfit.report;

import static dev.neuronfit.report.Text.pad;

import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.PhaseBound;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.model.Quantities;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The estimates section of text and Markdown reports: the workload, then a table per target. */
final class EstimatesText {
  private EstimatesText() {}

  /** e.g. {@code batch 1 · 128 tokens · BF16}, {@code batch 1 · 1500 audio frames · BF16}. */
  static String input(Workload w) {
    List<String> parts = new ArrayList<>();
    parts.add("batch " + w.batch());
    Phase.InputUnit unit =
        w.phases().stream()
            .flatMap(p -> p.tokens().stream())
            .map(Phase.Tokens::inputUnit)
            .findFirst()
            .orElse(Phase.InputUnit.TOKENS);
    w.sequenceLength().ifPresent(s -> parts.add(s + " " + unit.words()));
    w.imageSize().ifPresent(s -> parts.add(s + "x" + s + " px"));
    parts.add(w.dtype().name());
    return String.join(" · ", parts);
  }

  /**
   * e.g. {@code prefill (TTFT), 128 input tokens: 212.7 GFLOPs, 2.02 GB moved (105 FLOP/byte)}: the
   * phase, the lengths it was computed at, its FLOPs and bytes.
   */
  static String phase(Phase p) {
    String per = p.name().equals("decode") ? " per generated token" : "";
    return title(p)
        + (p.tokens().isPresent() ? ": " : " ")
        + flops(p.flops())
        + per
        + ", "
        + Quantities.bytes((long) p.bytesMoved())
        + " moved ("
        + number(p.arithmeticIntensity())
        + " FLOP/byte)";
  }

  /**
   * The phase, the metric it bounds and its lengths, e.g. {@code decode (TPOT), 128 input + 3968
   * output tokens, mean context 2111.5}, or {@code prefill (TTFT), 1500 audio frames} for a speech
   * encoder; a single pass is its name alone.
   */
  static String title(Phase p) {
    StringBuilder sb = new StringBuilder(p.name());
    p.metric().ifPresent(m -> sb.append(" (").append(m).append(")"));
    p.tokens()
        .ifPresent(
            t -> {
              boolean decode = p.name().equals("decode");
              boolean tokens = t.inputUnit() == Phase.InputUnit.TOKENS;
              sb.append(", ")
                  .append(t.input())
                  .append(tokens ? " input" : " " + t.inputUnit().words());
              if (decode) {
                t.output().ifPresent(o -> sb.append(" + ").append(o).append(" output"));
              }
              if (tokens || decode && t.output().isPresent()) {
                sb.append(" tokens");
              }
              if (decode) {
                sb.append(t.output().isPresent() ? ", mean context " : ", context ")
                    .append(tokens(t.context()));
              }
            });
    return sb.toString();
  }

  /** A token count, with one decimal when it is a mean. */
  static String tokens(double n) {
    return n == Math.rint(n) ? String.valueOf((long) n) : String.format(Locale.ROOT, "%.1f", n);
  }

  static String flops(double f) {
    String[] units = {"FLOPs", "KFLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs"};
    int u = 0;
    while (f >= 1000 && u < units.length - 1) {
      f /= 1000;
      u++;
    }
    return number(f) + " " + units[u];
  }

  /** Three significant digits, e.g. {@code 0.283}, {@code 26.6}, {@code 1190}. */
  static String number(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g";
    return String.format(Locale.ROOT, f, v);
  }

  static String seconds(double s) {
    if (s >= 1) {
      return number(s) + " s";
    }
    if (s >= 1e-3) {
      return number(s * 1e3) + " ms";
    }
    return number(s * 1e6) + " µs";
  }

  static String rate(PhaseBound b) {
    return number(b.throughputUpperBoundPerSecond())
        + (b.phase().equals("decode") ? " tokens/s" : " /s");
  }

  /**
   * Rows of the per-target table: target, phase, bound, latency, throughput, placement (named on
   * the first row of each); a target no placement holds gets one row saying so.
   */
  static List<List<String>> rows(Map<String, TargetEstimate> estimates) {
    List<List<String>> rows = new ArrayList<>();
    for (TargetEstimate e : estimates.values()) {
      if (e.phases().isEmpty()) {
        rows.add(List.of(e.target(), "—", "—", "—", "—", "no instance holds it"));
        continue;
      }
      String target = e.target();
      String last = "";
      for (PhaseBound b : e.phases()) {
        String where = placement(b);
        rows.add(
            List.of(
                target,
                b.phase(),
                b.bound(),
                "≥ " + seconds(b.latencyLowerBoundSeconds()),
                "≤ " + rate(b),
                where.equals(last) ? "" : where));
        target = "";
        last = where;
      }
    }
    return rows;
  }

  /** e.g. {@code inf2.48xlarge, 24 NeuronCores (fastest)}. */
  static String placement(PhaseBound b) {
    int n = b.neuronCores();
    return b.instance().orElse("?")
        + ", "
        + n
        + " NeuronCore"
        + (n == 1 ? "" : "s")
        + " ("
        + b.placement()
        + ")";
  }

  static void appendText(
      Workload w,
      Map<String, TargetEstimate> estimates,
      Style style,
      String ind,
      StringBuilder sb) {
    sb.append('\n')
        .append(ind)
        .append(
            style.apply(
                Style.Span.DIM,
                "ESTIMATES (analytic bounds, not measurements; FLOPs at "
                    + Workload.FLOPS_CONVENTION
                    + ")"))
        .append('\n');
    sb.append(ind).append(Safe.escapeControls(input(w))).append('\n');
    for (Phase p : w.phases()) {
      for (String l : Text.wrap(Safe.escapeControls(phase(p)), 98 - ind.length(), "  ")) {
        sb.append(ind).append(l).append('\n');
      }
    }
    if (!w.costUnknownOps().isEmpty()) {
      sb.append(ind)
          .append("cost unknown: ")
          .append(Safe.escapeControls(new java.util.TreeMap<>(w.costUnknownOps()).toString()))
          .append('\n');
    }
    for (String a : w.assumptions()) {
      for (String l : Text.wrap("assumes " + a, 98 - ind.length(), "  ")) {
        sb.append(ind).append(style.apply(Style.Span.DIM, l)).append('\n');
      }
    }
    if (estimates.isEmpty()) {
      return;
    }
    List<String> head = List.of("TARGET", "PHASE", "BOUND", "LATENCY", "THROUGHPUT", "PLACEMENT");
    List<List<String>> rows = rows(estimates);
    int[] w0 = new int[head.size()];
    for (int i = 0; i < head.size(); i++) {
      w0[i] = head.get(i).length() + 2;
      for (List<String> r : rows) {
        w0[i] = Math.max(w0[i], r.get(i).length() + 2);
      }
    }
    StringBuilder h = new StringBuilder(ind);
    for (int i = 0; i < head.size(); i++) {
      h.append(pad(head.get(i), w0[i]));
    }
    sb.append(style.apply(Style.Span.DIM, h.toString().stripTrailing())).append('\n');
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder(ind);
      for (int i = 0; i < r.size(); i++) {
        line.append(pad(r.get(i), w0[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }

  static void appendMarkdown(Workload w, Map<String, TargetEstimate> estimates, StringBuilder sb) {
    sb.append("### Estimates\n\n");
    sb.append("_Analytic bounds, not measurements; FLOPs at ")
        .append(Workload.FLOPS_CONVENTION)
        .append("._ ")
        .append(MarkdownRenderer.esc(input(w)))
        .append(".\n\n");
    for (Phase p : w.phases()) {
      sb.append("- ").append(MarkdownRenderer.esc(phase(p))).append('\n');
    }
    if (!w.costUnknownOps().isEmpty()) {
      sb.append("- cost unknown: ")
          .append(MarkdownRenderer.esc(new java.util.TreeMap<>(w.costUnknownOps()).toString()))
          .append('\n');
    }
    sb.append('\n');
    for (String a : w.assumptions()) {
      sb.append("> assumes ").append(MarkdownRenderer.esc(a)).append("  \n");
    }
    sb.append('\n');
    if (!estimates.isEmpty()) {
      sb.append("| Target | Phase | Bound | Latency | Throughput | Placement |\n");
      sb.append("| --- | --- | --- | --- | --- | --- |\n");
      for (List<String> r : rows(estimates)) {
        sb.append("| ")
            .append(String.join(" | ", r.stream().map(MarkdownRenderer::esc).toList()))
            .append(" |\n");
      }
      sb.append('\n');
    }
  }
}
