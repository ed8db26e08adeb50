package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Quantities;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-component size table of a diffusers pipeline, in text, Markdown and HTML: component,
 * class, parameters, weight bytes, element type and where the size comes from. A component that
 * could not be sized says so in its source cell, in words.
 */
final class ComponentsTable {
  private static final List<String> HEADER =
      List.of("COMPONENT", "CLASS", "PARAMETERS", "WEIGHTS", "TYPE", "SOURCE");

  private ComponentsTable() {}

  /** The cells of each row, in the header's order. */
  static List<List<String>> rows(List<ComponentSize> sizes) {
    List<List<String>> rows = new ArrayList<>();
    for (ComponentSize s : sizes) {
      rows.add(
          List.of(
              s.name(),
              s.className(),
              s.parameters().isPresent() ? Quantities.count(s.parameters().getAsLong()) : "?",
              s.bytes().isPresent() ? Quantities.bytes(s.bytes().getAsLong()) : "?",
              s.dtype().map(DType::name).orElse(""),
              source(s)));
    }
    return rows;
  }

  /** Where the size comes from, in words. */
  static String source(ComponentSize s) {
    return switch (s.source()) {
      case WEIGHT_FILES -> "weight files: " + s.detail();
      case CONFIG_LAYOUT -> "config layout: " + s.detail();
      case DECLARED_BYTES -> "declared bytes: " + s.detail();
      case INDEX_TOTAL_SIZE -> "index total_size: " + s.detail();
      case UNKNOWN -> "not sized: " + s.detail();
    };
  }

  static void appendText(List<ComponentSize> sizes, Style style, String ind, StringBuilder sb) {
    List<List<String>> rows = rows(sizes);
    int[] w = new int[HEADER.size() - 1];
    for (int i = 0; i < w.length; i++) {
      w[i] = HEADER.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], Safe.escapeControls(r.get(i)).length());
      }
      w[i] += 2;
    }
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      head.append(Text.pad(HEADER.get(i), w[i]));
    }
    head.append(HEADER.get(HEADER.size() - 1));
    sb.append(ind).append(style.apply(Style.Span.DIM, head.toString())).append('\n');
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < w.length; i++) {
        line.append(Text.pad(rows.get(r).get(i), w[i]));
      }
      String source = Safe.escapeControls(rows.get(r).get(w.length));
      line.append(sizes.get(r).unknown() ? style.apply(Style.Span.WARNING, source) : source);
      sb.append(ind).append(line).append('\n');
    }
  }

  static void appendMarkdown(List<ComponentSize> sizes, StringBuilder sb) {
    sb.append("| Component | Class | Parameters | Weights | Type | Source |\n");
    sb.append("| --- | --- | ---: | ---: | --- | --- |\n");
    for (List<String> r : rows(sizes)) {
      List<String> cells = new ArrayList<>();
      for (String c : r) {
        cells.add(MarkdownRenderer.esc(c));
      }
      sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    sb.append('\n');
  }

  static void appendHtml(List<ComponentSize> sizes, StringBuilder sb) {
    sb.append("<div class=\"table-wrap\"><table class=\"components\">\n<thead><tr>")
        .append("<th>Component</th><th>Class</th><th class=\"num\">Parameters</th>")
        .append("<th class=\"num\">Weights</th><th>Type</th><th>Source</th>")
        .append("</tr></thead>\n<tbody>\n");
    List<List<String>> rows = rows(sizes);
    for (List<String> r : rows) {
      sb.append("<tr><td>")
          .append(escape(r.get(0)))
          .append("</td><td>")
          .append(escape(r.get(1)))
          .append("</td><td class=\"num\">")
          .append(escape(r.get(2)))
          .append("</td><td class=\"num\">")
          .append(escape(r.get(3)))
          .append("</td><td>")
          .append(escape(r.get(4)))
          .append("</td><td>")
          .append(escape(r.get(5)))
          .append("</td></tr>\n");
    }
    sb.append("</tbody></table></div>\n");
  }
}
