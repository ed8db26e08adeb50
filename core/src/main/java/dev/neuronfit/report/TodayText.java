package dev.neuronfit.report;

import static dev.neuronfit.report.Text.pad;
import static dev.neuronfit.report.Text.wrap;

import dev.neuronfit.estimate.Sizing;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.verdict.Today;
import dev.neuronfit.verdict.TodayPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "today" section of text and Markdown reports: per target, the best current stack with its
 * status and evidence, the sizing that holds the model, the quantization verdict, and whether a
 * guideline edition rates the target. Formats only; the paths come from {@code TodayPaths}.
 */
final class TodayText {
  private TodayText() {}

  /** The section heading, with the snapshot's date and release. */
  static String heading(Today t) {
    return "TODAY (support snapshot "
        + t.snapshot().date()
        + ", Neuron "
        + t.snapshot().neuron()
        + " of "
        + t.snapshot().neuronDate()
        + ")";
  }

  /** The labelled lines of one target's path, in order. */
  static List<String[]> lines(TodayPath p, Map<String, TargetEstimate> estimates) {
    List<String[]> out = new ArrayList<>();
    if (!p.ratedByEdition()) {
      out.add(new String[] {"guideline", "no guideline edition rates " + p.target()});
    }
    p.frozen()
        .ifPresent(f -> out.add(new String[] {"lifecycle", "frozen since Neuron " + f.since()}));
    if (p.best().isPresent()) {
      TodayPath.Path b = p.best().get();
      out.add(
          new String[] {
            "stack",
            b.stackName()
                + ", "
                + b.statusValue().label()
                + " (Neuron "
                + b.status().neuron()
                + ", "
                + b.status().date()
                + ")"
          });
      out.add(new String[] {"evidence", b.evidence()});
      out.add(new String[] {"source", b.source().cite()});
    } else {
      out.add(
          new String[] {
            "stack", "none: no stack that still takes new work serves this model on " + p.target()
          });
    }
    for (TodayPath.Path e : p.endOfSupport()) {
      out.add(
          new String[] {
            "ended",
            e.stackName()
                + ": end of support from Neuron "
                + e.status().neuron()
                + " ("
                + e.status().date()
                + ")"
          });
    }
    TargetEstimate est = estimates.get(p.target());
    if (est != null) {
      out.add(new String[] {"sizing", sizing(est, p)});
    } else {
      p.lnc().ifPresent(l -> out.add(new String[] {"lnc", l}));
    }
    p.quantization().ifPresent(q -> out.add(new String[] {"quant", q}));
    return out;
  }

  /** The sizing line: instance, cores, degree, LNC, and the weights' width when quantized. */
  static String sizing(TargetEstimate est, TodayPath p) {
    Sizing s = est.sizing();
    String tp = "TP " + s.tensorParallelDegree().orElse(s.neuronCores() <= 1 ? 1 : s.neuronCores());
    String where = s.instance().map(i -> i + " holds it").orElse("no instance holds it");
    return where
        + " on "
        + s.neuronCores()
        + " NeuronCore"
        + (s.neuronCores() == 1 ? "" : "s")
        + ", "
        + tp
        + p.lnc().map(l -> "; " + l).orElse("")
        + est.workload().width().map(w -> "; " + w.reason()).orElse("");
  }

  /** Appends the section to a text report. */
  static void appendText(
      Today t,
      Map<String, TargetEstimate> estimates,
      Style style,
      String ind,
      int width,
      StringBuilder sb) {
    sb.append('\n').append(ind).append(style.apply(Style.Span.DIM, heading(t))).append('\n');
    for (TodayPath p : t.paths()) {
      String lead = ind + pad(p.target(), 6) + pad(p.neuronCore(), 4);
      boolean first = true;
      for (String[] l : lines(p, estimates)) {
        String head = (first ? lead : " ".repeat(lead.length())) + pad(l[0] + ":", 11);
        first = false;
        for (String w : wrap(l[1], width - head.length(), "")) {
          sb.append(head).append(w).append('\n');
          head = " ".repeat(head.length());
        }
      }
    }
  }
}
