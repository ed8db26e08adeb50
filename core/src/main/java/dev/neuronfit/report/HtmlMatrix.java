package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.kb.Column;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.FitRow;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.Target;
import java.util.ArrayList;
import java.util.List;

/** The guideline tables of an edition as an HTML page: one table per target, with badges. */
final class HtmlMatrix {
  private HtmlMatrix() {}

  static void append(Edition edition, List<Target> targets, StringBuilder sb) {
    String title = "Model Architecture Fit Guidelines, edition " + edition.id();
    HtmlPage.open(
        sb,
        "neuronfit: " + title,
        "guideline tables · "
            + Html.link(edition.source().url(), edition.source().cite())
            + " (Neuron "
            + escape(edition.neuronReleases())
            + ")");
    sb.append("<section class=\"panel\"><h2 class=\"model-path\">")
        .append(escape(title))
        .append("</h2><p class=\"lede\">For each target, how well each family fits the hardware")
        .append(" and whether each Neuron package supports it.</p></section>\n");
    for (Target t : targets) {
      FitTable table = edition.table(t);
      List<Integer> cols = new ArrayList<>();
      for (int i = 0; i < table.columns().size(); i++) {
        Column c = table.columns().get(i);
        if (c.useCase().isEmpty() || t.useCases().contains(c.useCase().get())) {
          cols.add(i);
        }
      }
      sb.append("<section class=\"panel\">\n<h2 class=\"model-path\">")
          .append(escape(t.id()))
          .append("</h2>\n<p class=\"lede\">")
          .append(Html.link(GuidelineLinks.url(edition, table.section()), table.title()))
          .append(" · last update ")
          .append(escape(table.lastUpdate()))
          .append("</p>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>Family</th>")
          .append("<th>Category</th><th>Fit</th>");
      for (int i : cols) {
        sb.append("<th>")
            .append(escape(TextRenderer.packageLabel(table.columns().get(i))))
            .append("</th>");
      }
      sb.append("</tr></thead>\n<tbody>\n");
      for (FitRow r : table.rows()) {
        sb.append("<tr><td>")
            .append(escape(r.label()))
            .append("<div class=\"family-id\">")
            .append(escape(r.family().id()))
            .append("</div></td><td>")
            .append(escape(r.category()))
            .append("</td><td>")
            .append(HtmlRenderer.fitBadge(r.fit()))
            .append("</td>");
        for (int i : cols) {
          sb.append("<td>").append(HtmlRenderer.statusBadge(r.support().get(i))).append("</td>");
        }
        sb.append("</tr>\n");
      }
      sb.append("</tbody></table></div>\n</section>\n");
    }
    sb.append("<p class=\"note\">Note from the guideline: \u201c")
        .append(escape(edition.footnote()))
        .append("\u201d</p>\n");
    HtmlPage.close(sb, "");
  }
}
