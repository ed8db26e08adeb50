package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpCount;
import dev.neuronfit.coverage.OpStatus;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.coverage.OperatorSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operators section of the HTML report: a bar chart of node counts per operator (the most
 * frequent ones; a graph with thousands of operator types still gives a short page), coloured by
 * what the operator list says, then per list the CPU share and the operators that would run on the
 * CPU.
 */
final class HtmlOperators {
  /** Operator types drawn as bars; the rest are counted in one line. */
  static final int HISTOGRAM_ROWS = 24;

  /** Operator types listed per list in the CPU table; the rest are counted in one line. */
  static final int CPU_ROWS = 40;

  private HtmlOperators() {}

  static void append(OperatorSummary o, StringBuilder sb) {
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Operators</h3>\n");
    String notCounted =
        o.notCounted().stream()
            .map(c -> c.op() + " " + c.count())
            .collect(Collectors.joining(", "));
    sb.append("<p>")
        .append(o.total())
        .append(" nodes of ")
        .append(o.byType().size())
        .append(" types, ")
        .append(o.countedNodes())
        .append(" counted")
        .append(notCounted.isEmpty() ? "" : " (not counted: " + escape(notCounted) + ")")
        .append(".</p>\n");
    histogram(o, sb);
    if (o.coverage().isEmpty()) {
      sb.append("<p class=\"note\">No Neuron operator list applies to these operators on the")
          .append(" selected targets.</p>\n");
    }
    for (ListCoverage c : o.coverage()) {
      if (c.basis() == ListCoverage.Basis.OP_NAMES) {
        direct(c, sb);
      } else {
        byOrigin(c, sb);
      }
    }
    sb.append("</section>\n");
  }

  private static void histogram(OperatorSummary o, StringBuilder sb) {
    if (o.byType().isEmpty()) {
      return;
    }
    Map<String, OpStatus> status = new HashMap<>();
    String checkedBy = "";
    for (ListCoverage c : o.coverage()) {
      if (c.basis() == ListCoverage.Basis.OP_NAMES) {
        c.ops().forEach(t -> status.put(t.op(), t.status()));
        checkedBy = c.target() + ", " + c.list().name();
        break;
      }
    }
    Set<String> uncounted = o.notCounted().stream().map(OpCount::op).collect(Collectors.toSet());
    List<OpCount> shown = o.byType().subList(0, Math.min(HISTOGRAM_ROWS, o.byType().size()));
    int max = shown.stream().mapToInt(OpCount::count).max().orElse(1);
    Set<String> classes = new LinkedHashSet<>();
    sb.append("<div class=\"hist\">\n");
    for (OpCount c : shown) {
      String cls =
          uncounted.contains(c.op()) ? "op-uncounted" : barClass(status.get(c.op()), classes);
      if (cls.equals("op-uncounted")) {
        classes.add(cls);
      }
      sb.append("<div class=\"op\" title=\"")
          .append(escape(c.op()))
          .append("\">")
          .append(escape(c.op()))
          .append("</div><div class=\"track\"><div class=\"bar ")
          .append(cls)
          .append("\" style=\"width:")
          .append(String.format(Locale.ROOT, "%.1f", 100.0 * c.count() / Math.max(1, max)))
          .append("%\"></div></div><div class=\"count\">")
          .append(c.count())
          .append("</div><div class=\"status\">")
          .append(escape(statusWords(cls, status.get(c.op()))))
          .append("</div>\n");
    }
    sb.append("</div>\n");
    if (o.byType().size() > shown.size()) {
      List<OpCount> rest = o.byType().subList(shown.size(), o.byType().size());
      sb.append("<p class=\"note\">and ")
          .append(rest.size())
          .append(" more operator types with ")
          .append(rest.stream().mapToInt(OpCount::count).sum())
          .append(" nodes.</p>\n");
    }
    sb.append("<ul class=\"key\">");
    for (String cls : classes) {
      sb.append("<li><span class=\"sw bar ").append(cls).append("\"></span>");
      sb.append(
          switch (cls) {
            case "op-cpu" -> "runs on the CPU (" + escape(checkedBy) + ")";
            case "op-limited" -> "supported with a condition";
            case "op-supported" -> "supported";
            case "op-uncounted" -> "not counted (a value or an alias)";
            default -> "not checked against an operator list";
          });
      sb.append("</li>");
    }
    sb.append("</ul>\n");
  }

  private static String barClass(OpStatus s, Set<String> seen) {
    String cls =
        s == null
            ? "op-unchecked"
            : s.onCpu() ? "op-cpu" : s == OpStatus.LIMITED ? "op-limited" : "op-supported";
    seen.add(cls);
    return cls;
  }

  private static String statusWords(String cls, OpStatus s) {
    if (cls.equals("op-uncounted")) {
      return "not counted";
    }
    return s == null ? "" : Text.status(s);
  }

  private static void direct(ListCoverage c, StringBuilder sb) {
    sb.append("<h4>")
        .append(escape(c.target()))
        .append(": ")
        .append(escape(c.list().label()))
        .append("</h4>\n");
    if (c.cpuShare().isPresent()) {
      double share = c.cpuShare().getAsDouble();
      sb.append("<div class=\"meter\"><span class=\"share\">")
          .append(Text.percent(share))
          .append("</span><span>of counted nodes would run on the CPU: ")
          .append(c.cpuNodes())
          .append(" of ")
          .append(c.countedNodes())
          .append(
              c.inCpuSubgraphs() > 0
                  ? ", "
                      + c.inCpuSubgraphs()
                      + " of them only because the If, Loop or Scan around"
                      + " them does"
                  : "")
          .append("</span><div class=\"track\" aria-hidden=\"true\"><div class=\"fill\"")
          .append(" style=\"width:")
          .append(String.format(Locale.ROOT, "%.1f", Math.min(100, share * 100)))
          .append("%\"></div></div></div>\n");
    } else {
      sb.append("<p>")
          .append(c.checkedNodes())
          .append(" of ")
          .append(c.countedNodes())
          .append(" counted nodes checked, ")
          .append(c.cpuNodes())
          .append(" of them on the CPU.</p>\n");
    }
    List<OpTally> shown = new ArrayList<>(c.unsupported());
    shown.addAll(c.limited());
    if (shown.isEmpty()) {
      sb.append("<p class=\"note\">Every counted node uses an operator on the list.</p>\n");
    } else {
      List<OpTally> rows = shown.subList(0, Math.min(CPU_ROWS, shown.size()));
      sb.append("<div class=\"table-wrap\"><table>\n<thead><tr><th>Operator</th>")
          .append("<th class=\"num\">Nodes</th><th>Status</th><th>Example nodes</th></tr></thead>")
          .append("\n<tbody>\n");
      for (OpTally t : rows) {
        sb.append("<tr><td><code>")
            .append(escape(t.op()))
            .append("</code>")
            .append(
                t.origins().isEmpty()
                    ? ""
                    : " <span class=\"note\">from " + escape(String.join(", ", t.origins())))
            .append(t.origins().isEmpty() ? "" : "</span>")
            .append("</td><td class=\"num\">")
            .append(t.count())
            .append("</td><td>")
            .append(escape(Text.status(t.status())))
            .append(t.note().map(n -> "<div class=\"note\">" + escape(n) + "</div>").orElse(""))
            .append("</td><td class=\"mono small\">")
            .append(escape(String.join(", ", t.examples())))
            .append("</td></tr>\n");
      }
      sb.append("</tbody></table></div>\n");
      if (shown.size() > rows.size()) {
        List<OpTally> rest = shown.subList(rows.size(), shown.size());
        sb.append("<p class=\"note\">and ")
            .append(rest.size())
            .append(" more operator types with ")
            .append(rest.stream().mapToInt(OpTally::count).sum())
            .append(" nodes.</p>\n");
      }
    }
    sb.append("<p class=\"note\">List: <code>")
        .append(escape(c.list().source().toString()))
        .append("</code>; ")
        .append(escape(c.list().status()))
        .append(".</p>\n");
    for (String n : c.notes()) {
      sb.append("<p class=\"note\">").append(escape(n)).append("</p>\n");
    }
  }

  private static void byOrigin(ListCoverage c, StringBuilder sb) {
    String found =
        c.ops().isEmpty()
            ? "none of the ONNX operators it can match is in this graph"
            : c.ops().stream()
                .map(t -> Text.opCount(t) + ": " + Text.status(t.status()))
                .collect(Collectors.joining("; "));
    sb.append("<h4>")
        .append(escape(c.target()))
        .append(": ")
        .append(escape(c.list().label()))
        .append(", by export origin only</h4>\n<p>")
        .append(c.checkedNodes())
        .append(" of ")
        .append(c.countedNodes())
        .append(" nodes checked: ")
        .append(escape(found))
        .append(". ONNX operator names are not TorchScript names, so the rest cannot be checked")
        .append(
            escape(
                c.list().modelCheck().map(m -> "; run " + m + " on the PyTorch model").orElse("")))
        .append(".</p>\n");
    for (String n : c.notes()) {
      sb.append("<p class=\"note\">").append(escape(n)).append("</p>\n");
    }
  }
}
