package dev.neuronfit.report;

import static dev.neuronfit.report.Text.pad;
import static dev.neuronfit.report.Text.wrap;

import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpStatus;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.coverage.OperatorSummary;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The OPERATORS section of the text report: node counts, then per list the CPU share and the
 * operators that would run on the CPU, with example nodes, the list's source, date and status.
 */
final class OperatorsText {
  private static final String IND = "  ";

  private final Style style;
  private final int width;

  OperatorsText(Style style, int width) {
    this.style = style;
    this.width = width;
  }

  /** Operator types shown with examples; the rest of the CPU operators go on one wrapped line. */
  private static final int OP_LINES = 8;

  /** Appends the section, starting with a blank line. */
  void append(OperatorSummary o, StringBuilder sb) {
    List<ListCoverage> direct =
        o.coverage().stream().filter(c -> c.basis() == ListCoverage.Basis.OP_NAMES).toList();
    String lists =
        direct.stream()
            .map(
                c ->
                    c.target()
                        + ", "
                        + c.list().name()
                        + " as of "
                        + c.list().asOf()
                        + ", "
                        + c.list().release())
            .collect(Collectors.joining("; "));
    sb.append('\n')
        .append(IND)
        .append(
            style.apply(Style.Span.DIM, "OPERATORS" + (lists.isEmpty() ? "" : " (" + lists + ")")))
        .append('\n');
    String notCounted =
        o.notCounted().stream()
            .map(c -> c.op() + " " + c.count())
            .collect(Collectors.joining(", "));
    para(
        sb,
        IND,
        o.total()
            + " nodes of "
            + o.byType().size()
            + " types, "
            + o.countedNodes()
            + " counted"
            + (notCounted.isEmpty() ? "" : " (not counted: " + notCounted + ")"));
    if (o.coverage().isEmpty()) {
      para(sb, IND, "No Neuron operator list applies to these operators on the selected targets.");
    }
    for (ListCoverage c : o.coverage()) {
      if (c.basis() == ListCoverage.Basis.OP_NAMES) {
        directCoverage(c, sb, direct.size() > 1);
      } else {
        originCoverage(c, sb);
      }
    }
  }

  private void directCoverage(ListCoverage c, StringBuilder sb, boolean nameTarget) {
    String share = c.cpuShare().isPresent() ? Text.percent(c.cpuShare().getAsDouble()) : "n/a";
    List<OpTally> cpu = c.unsupported();
    para(
        sb,
        IND,
        (nameTarget ? c.target() + ": " : "")
            + (cpu.isEmpty()
                ? "CPU share "
                    + share
                    + ": all "
                    + c.countedNodes()
                    + " counted nodes use operators on the list"
                : "CPU share "
                    + share
                    + ": "
                    + c.cpuNodes()
                    + " of "
                    + c.countedNodes()
                    + " counted nodes would run on the CPU"
                    + (c.inCpuSubgraphs() > 0
                        ? ", "
                            + c.inCpuSubgraphs()
                            + " of them only because the If, Loop or Scan around them does"
                        : "")));
    int wOp = 2 + cpu.stream().mapToInt(t -> Text.opCount(t).length()).max().orElse(0);
    OpStatus last = null;
    for (OpTally t : cpu.subList(0, Math.min(OP_LINES, cpu.size()))) {
      String lead = IND + pad(t.status() == last ? "" : Text.status(t.status()), 18);
      last = t.status();
      String line =
          lead + pad(Text.opCount(t), wOp) + Safe.escapeControls(String.join(", ", t.examples()));
      sb.append(line.length() > width ? line.substring(0, width - 1) + "…" : line).append('\n');
    }
    if (cpu.size() > OP_LINES) {
      List<String> rest =
          cpu.subList(OP_LINES, cpu.size()).stream()
              .map(
                  t ->
                      Text.opCount(t)
                          + (t.status() == OpStatus.NOT_LISTED
                              ? ""
                              : " (" + Text.status(t.status()) + ")"))
              .toList();
      items(sb, IND + pad("also", 18), rest);
    }
    for (OpTally t : c.limited()) {
      labelledAt(sb, IND, 18, "limited", Text.opCount(t) + t.note().map(n -> ": " + n).orElse(""));
    }
    para(sb, IND, "list: " + c.list().source() + "; " + c.list().status());
  }

  private void originCoverage(ListCoverage c, StringBuilder sb) {
    String found =
        c.ops().isEmpty()
            ? "none of the ONNX operators it can match is in this graph"
            : c.ops().stream()
                .map(t -> Text.opCount(t) + ": " + Text.status(t.status()))
                .collect(Collectors.joining("; "));
    para(
        sb,
        IND,
        c.target()
            + ", "
            + c.list().name()
            + " as of "
            + c.list().asOf()
            + ", by export origin only ("
            + c.checkedNodes()
            + " of "
            + c.countedNodes()
            + " nodes checked): "
            + found
            + ". ONNX operator names are not TorchScript names, so the rest cannot be checked"
            + c.list().modelCheck().map(m -> "; run " + m + " on the PyTorch model").orElse("")
            + ".");
  }

  /** Comma-separated items wrapped to the width without breaking an item across lines. */
  private void items(StringBuilder sb, String lead, List<String> items) {
    String indent = " ".repeat(lead.length());
    StringBuilder line = new StringBuilder(lead);
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i) + (i < items.size() - 1 ? "," : "");
      if (line.length() > lead.length() && line.length() + 1 + item.length() > width) {
        sb.append(line).append('\n');
        line = new StringBuilder(indent);
      } else if (line.length() > lead.length()) {
        line.append(' ');
      }
      line.append(item);
    }
    sb.append(line).append('\n');
  }

  private void para(StringBuilder sb, String indent, String text) {
    for (String l : wrap(text, width - indent.length(), "")) {
      sb.append(indent).append(l).append('\n');
    }
  }

  private void labelledAt(StringBuilder sb, String indent, int column, String label, String text) {
    String lead = indent + pad(label, column);
    for (String l : wrap(text, width - lead.length(), "")) {
      sb.append(lead).append(l).append('\n');
      lead = " ".repeat(lead.length());
    }
  }
}
