package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.neuronfit.kb.SupportNow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code matrix --now}: the support-now layer as a table of stacks against targets, each cell the
 * stack's current status there with the Neuron release that set it: aligned text or Markdown
 * ({@link #render}), JSON ({@link #json}, see docs/json-schema.md) or an HTML page ({@link #html}).
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

  /** The same table as one JSON object: the snapshot, the targets, and per stack its cells. */
  public static void json(SupportNow now, List<String> targets, Writer out) {
    try {
      JsonGenerator g = JsonRenderer.generator(out);
      g.writeStartObject();
      g.writeObjectFieldStart("snapshot");
      g.writeStringField("date", now.snapshot().date());
      g.writeStringField("neuron", now.snapshot().neuron());
      g.writeStringField("neuronDate", now.snapshot().neuronDate());
      g.writeStringField("source", now.snapshot().source().url());
      g.writeEndObject();
      g.writeArrayFieldStart("targets");
      for (String t : targets) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("stacks");
      for (SupportNow.Stack s : now.stacks()) {
        g.writeStartObject();
        g.writeStringField("stack", s.id());
        g.writeStringField("name", s.name());
        // targets the stack does not run on are left out, as "-" in the text table
        g.writeObjectFieldStart("status");
        for (String t : targets) {
          var change = s.statusOn(t);
          if (change.isEmpty()) {
            continue;
          }
          SupportNow.StatusChange c = change.get();
          g.writeObjectFieldStart(t);
          g.writeStringField("status", c.status().id());
          g.writeStringField("neuron", c.neuron());
          g.writeStringField("date", c.date());
          g.writeStringField("source", c.source().url());
          g.writeStringField("sourceDate", c.source().date());
          g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      out.write("\n");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The same table as one self-contained HTML page: a cell names the status in words, the Neuron
   * release that set it and links its announcement.
   */
  public static void html(SupportNow now, List<String> targets, Writer out) {
    StringBuilder sb = new StringBuilder(16 * 1024);
    String title = "Support now, snapshot " + now.snapshot().date();
    HtmlPage.open(
        sb,
        "neuronfit: " + title,
        "support now · Neuron "
            + escape(now.snapshot().neuron())
            + " of "
            + escape(now.snapshot().neuronDate()));
    sb.append("<section class=\"panel\"><h2 class=\"model-path\">")
        .append(escape(title))
        .append("</h2><p class=\"lede\">Software stacks against targets: each stack\u2019s status")
        .append(" today and the Neuron release that set it. No guideline edition rates trn2 or")
        .append(" trn3.</p>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>Stack</th>");
    for (String t : targets) {
      sb.append("<th>").append(escape(t)).append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    for (SupportNow.Stack s : now.stacks()) {
      sb.append("<tr><td>")
          .append(escape(s.name()))
          .append("<div class=\"family-id\">")
          .append(escape(s.id()))
          .append("</div></td>");
      for (String t : targets) {
        sb.append("<td>")
            .append(
                s.statusOn(t)
                    .map(
                        c ->
                            escape(c.status().label())
                                + " <span class=\"small\">(Neuron "
                                + Html.link(c.source().url(), c.neuron())
                                + ")</span>")
                    .orElse("\u2014"))
            .append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</tbody></table></div>\n</section>\n");
    HtmlPage.close(
        sb,
        "neuronfit support-now snapshot of "
            + Html.link(now.snapshot().source().url(), now.snapshot().date())
            + "; statuses change with each Neuron release.");
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
