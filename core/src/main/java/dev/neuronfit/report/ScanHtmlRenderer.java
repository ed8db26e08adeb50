package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Quantities;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A scan as one self-contained HTML page: the table of models (each row linking to the model's
 * section), the totals, then the full report of every model that was read, as {@link HtmlRenderer}
 * draws it for {@code check}.
 *
 * <p>The table comes first on the page but the sections are known one model at a time, so each
 * section is written to a {@link Scratch} as its row arrives and copied after the totals: with a
 * scratch file, memory stays bounded whatever the number of models. The scratch is closed at the
 * end, or when writing fails.
 */
public final class ScanHtmlRenderer implements ScanRenderer {
  /**
   * Where the model reports wait while the table is written: written once, then read back once. The
   * CLI's is a temporary file, deleted on {@link #close}.
   */
  public interface Scratch extends Closeable {
    Writer writer() throws IOException;

    /** The text written, after the writer is closed. */
    Reader reader() throws IOException;
  }

  private final Writer out;
  private final Edition edition;
  private final List<Target> targets;
  private final List<String> nowTargets;
  private final String toolVersion;
  private final HtmlRenderer sections = new HtmlRenderer();
  private final Scratch scratch;
  private Writer spoolWriter;
  private int index;

  public ScanHtmlRenderer(
      Writer out, Scratch scratch, Edition edition, List<Target> targets, String toolVersion) {
    this(out, scratch, edition, targets, List.of(), toolVersion);
  }

  /**
   * @param nowTargets targets no edition rates, shown with today's best stack (trn2, trn3)
   */
  public ScanHtmlRenderer(
      Writer out,
      Scratch scratch,
      Edition edition,
      List<Target> targets,
      List<String> nowTargets,
      String toolVersion) {
    this.out = out;
    this.scratch = scratch;
    this.edition = edition;
    this.targets = List.copyOf(targets);
    this.nowTargets = List.copyOf(nowTargets);
    this.toolVersion = toolVersion;
  }

  @Override
  public void begin() {
    try {
      spoolWriter = scratch.writer();
    } catch (IOException e) {
      discardSpool();
      throw new UncheckedIOException(e);
    }
    StringBuilder sb = new StringBuilder();
    HtmlPage.open(
        sb,
        "neuronfit scan",
        "scan · guidelines "
            + Html.link(edition.source().url(), edition.source().cite())
            + " (Neuron "
            + escape(edition.neuronReleases())
            + ")");
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Models</h3>\n")
        .append("<div class=\"table-wrap\"><table class=\"summary scan\">\n<thead><tr>")
        .append("<th>Model</th><th>Format</th><th>Family</th>");
    for (Target t : targets) {
      sb.append("<th>").append(escape(t.id())).append("</th>");
    }
    for (String t : nowTargets) {
      sb.append("<th>").append(escape(t)).append(" now</th>");
    }
    sb.append("<th class=\"num\">Parameters</th><th class=\"num\">Weights</th>")
        .append("<th>Top finding</th></tr></thead>\n<tbody>\n");
    write(out, sb);
  }

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    index++;
    StringBuilder sb = new StringBuilder("<tr><td class=\"mono\">");
    if (row instanceof ScanRow.Checked c && report.isPresent()) {
      String id = "model-" + index;
      sb.append("<a href=\"#").append(id).append("\">").append(escape(c.name())).append("</a>");
      sb.append("</td><td>")
          .append(escape(c.format().id()))
          .append("</td><td>")
          .append(escape(c.family().id()))
          .append("</td>");
      for (ScanRow.TargetCell cell : c.targets()) {
        String support = ScanCells.support(cell);
        sb.append("<td>")
            .append(HtmlRenderer.fitBadge(cell.fit()))
            .append(support.isEmpty() ? "" : "<div class=\"small\">" + escape(support) + "</div>")
            .append("</td>");
      }
      for (String t : nowTargets) {
        sb.append("<td>").append(escape(ScanCells.now(c, t))).append("</td>");
      }
      sb.append("<td class=\"num\">")
          .append(escape(ScanCells.parameters(c)))
          .append("</td><td class=\"num\">")
          .append(escape(ScanCells.weights(c)))
          .append("</td><td class=\"top-finding\">")
          .append(
              c.topFinding()
                  .map(
                      f ->
                          HtmlRenderer.severityBadge(f.severity(), f.severity().id())
                              + " <code>"
                              + escape(f.rule())
                              + "</code>"
                              + escape(ScanCells.findingTail(c)))
                  .orElse("none"))
          .append("</td></tr>\n");
      StringBuilder section = new StringBuilder(16 * 1024);
      sections.report(report.get(), id, section);
      write(spoolWriter, section);
    } else {
      sb.append(escape(row.name()))
          .append("</td><td>—</td><td>")
          .append(HtmlRenderer.severityBadge(dev.neuronfit.rules.Severity.ERROR, "not read"))
          .append("</td><td colspan=\"")
          .append(targets.size() + nowTargets.size() + 3)
          .append("\">")
          .append(
              row instanceof ScanRow.Unreadable u
                  ? escape(ScanCells.reason(u))
                  : "no report was kept for this model")
          .append("</td></tr>\n");
    }
    write(out, sb);
  }

  @Override
  public void end(ScanSummary s) {
    try {
      StringBuilder sb = new StringBuilder("</tbody></table></div>\n</section>\n");
      totals(s, sb);
      write(out, sb);
      spoolWriter.close();
      try (Reader in = scratch.reader()) {
        in.transferTo(out);
      }
      StringBuilder tail = new StringBuilder();
      HtmlPage.close(
          tail,
          "neuronfit "
              + escape(toolVersion)
              + " read the model files only; verdicts and guidance follow the Model Architecture"
              + " Fit Guidelines, edition "
              + escape(edition.id())
              + ". Estimates are analytic bounds, not measurements.");
      write(out, tail);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      discardSpool();
    }
  }

  /** Closes the scratch; safe to call more than once. */
  private void discardSpool() {
    try {
      if (spoolWriter != null) {
        spoolWriter.close();
      }
      scratch.close();
    } catch (IOException e) {
      // nothing is left to read from it, and the page itself is written or already failed
    }
    spoolWriter = null;
  }

  private void totals(ScanSummary s, StringBuilder sb) {
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Totals</h3>\n<p class=\"lede\">")
        .append(s.models())
        .append(s.models() == 1 ? " model: " : " models: ")
        .append(s.checked())
        .append(" read, ")
        .append(s.unreadable())
        .append(" could not be read");
    if (s.skipped() > 0) {
      sb.append("; ").append(s.skipped()).append(" files passed over (no model inside)");
    }
    sb.append("</p>\n<div class=\"table-wrap\"><table>\n<tbody>\n");
    counts(sb, "Formats", s.formats(), f -> escape(f.id()));
    counts(sb, "Families", s.families(), f -> escape(f.id()));
    for (Target t : targets) {
      Map<Fit, Integer> fits = s.fits().getOrDefault(t.id(), Map.of());
      counts(sb, t.id(), fits, HtmlRenderer::fitBadge);
    }
    counts(
        sb,
        "Most severe finding",
        s.worstFinding(),
        k -> k.map(v -> HtmlRenderer.severityBadge(v, v.id())).orElse("none"));
    if (s.parameters() > 0 || s.weightBytes() > 0) {
      sb.append("<tr><td class=\"group\">Total</td><td>")
          .append(escape(Quantities.count(s.parameters())))
          .append(" parameters, ")
          .append(escape(Quantities.bytes(s.weightBytes())))
          .append(" of weights")
          .append(s.someEstimated() ? " (~ marks figures estimated from a config)" : "")
          .append("</td></tr>\n");
    }
    sb.append("</tbody></table></div>\n</section>\n");
  }

  private static <K> void counts(
      StringBuilder sb, String label, Map<K, Integer> counts, Function<K, String> html) {
    List<String> parts = ScanCells.nonZero(counts, (k, n) -> html.apply(k) + " " + n);
    if (!parts.isEmpty()) {
      sb.append("<tr><td class=\"group\">")
          .append(escape(label))
          .append("</td><td>")
          .append(String.join(" · ", parts))
          .append("</td></tr>\n");
    }
  }

  private void write(Writer w, CharSequence text) {
    try {
      w.append(text);
      w.flush();
    } catch (IOException e) {
      discardSpool();
      throw new UncheckedIOException(e);
    }
  }
}
