package dev.neuronfit.report;

import dev.neuronfit.kb.SupportNow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code matrix --now}: the support-now layer as a table of stacks against targets, each cell the
 * stack's current status there with the Neuron release that set it.
 */
public final class NowMatrix {
  private final boolean markdown;

  /**
   * @param markdown a Markdown table instead of aligned text
   */
  public NowMatrix(boolean markdown) {
    this.markdown = markdown;
  }

  public void render(SupportNow now, List<String> targets, Writer out) {
    List<String> head = new ArrayList<>();
    head.add("stack");
    head.addAll(targets);
    List<List<String>> rows = new ArrayList<>();
    for (SupportNow.Stack s : now.stacks()) {
      List<String> row = new ArrayList<>();
      row.add(s.id());
      for (String t : targets) {
        row.add(s.statusOn(t).map(c -> c.status().id() + " (" + c.neuron() + ")").orElse("-"));
      }
      rows.add(row);
    }
    StringBuilder sb = new StringBuilder();
    String title =
        "Support now, snapshot "
            + now.snapshot().date()
            + " (Neuron "
            + now.snapshot().neuron()
            + " of "
            + now.snapshot().neuronDate()
            + "); no guideline edition rates trn2 or trn3";
    if (markdown) {
      sb.append("## ").append(title).append("\n\n");
      sb.append("| ").append(String.join(" | ", head)).append(" |\n");
      sb.append("|").append(" --- |".repeat(head.size())).append('\n');
      for (List<String> r : rows) {
        sb.append("| ").append(String.join(" | ", r)).append(" |\n");
      }
    } else {
      sb.append(title).append("\n\n");
      int[] w = new int[head.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = head.get(i).length();
        for (List<String> r : rows) {
          w[i] = Math.max(w[i], r.get(i).length());
        }
      }
      appendRow(sb, head, w);
      for (List<String> r : rows) {
        appendRow(sb, r, w);
      }
    }
    sb.append('\n');
    for (SupportNow.Stack s : now.stacks()) {
      sb.append(markdown ? "- " : "")
          .append(s.id())
          .append(": ")
          .append(s.name())
          .append(". ")
          .append(s.status().get(s.status().size() - 1).source().cite())
          .append('\n');
    }
    try {
      out.append(sb);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] w) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(Text.pad(cells.get(i), w[i] + 2));
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }
}
