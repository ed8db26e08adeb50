package dev.neuronfit.report;

import static dev.neuronfit.report.Text.pad;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Quantities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A scan as an aligned table for a person, one line per model, then the totals.
 *
 * <p>Column widths are taken from the first {@value #BLOCK} rows, which are held until then (or
 * until the end); later rows are written as they come with the same widths, so memory stays bounded
 * on any tree. A model name longer than {@value #MAX_NAME} characters gets a line of its own and
 * its cells go on the next line, as {@code df} does with long device names.
 */
public final class ScanTextRenderer implements ScanRenderer {
  static final int BLOCK = 1000;
  static final int MAX_NAME = 50;
  private static final String GAP = "  ";

  private final Writer out;
  private final Style style;
  private final Edition edition;
  private final List<Target> targets;
  private final List<String> nowTargets;
  private final List<Integer> nowWidths = new ArrayList<>();
  private final String toolVersion;
  private final List<ScanRow> held = new ArrayList<>();
  private Widths widths;

  /** The folder all rows of the first block are in, written once above the table; or empty. */
  private String under = "";

  /**
   * @param targets the targets the rows have verdicts for, in order
   */
  public ScanTextRenderer(
      Writer out, Style style, Edition edition, List<Target> targets, String toolVersion) {
    this(out, style, edition, targets, List.of(), toolVersion);
  }

  /**
   * @param targets the targets the rows have verdicts for, in order
   * @param nowTargets targets no edition rates, shown with today's best stack (trn2, trn3)
   */
  public ScanTextRenderer(
      Writer out,
      Style style,
      Edition edition,
      List<Target> targets,
      List<String> nowTargets,
      String toolVersion) {
    this.out = out;
    this.style = style;
    this.edition = edition;
    this.targets = List.copyOf(targets);
    this.nowTargets = List.copyOf(nowTargets);
    this.toolVersion = toolVersion;
  }

  private record Widths(
      int name, int format, int family, List<Integer> targets, int params, int weights) {}

  @Override
  public void begin() {}

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    if (widths == null) {
      held.add(row);
      if (held.size() >= BLOCK) {
        writeHeld();
      }
      return;
    }
    write(line(row));
  }

  @Override
  public void end(ScanSummary summary) {
    if (widths == null && !held.isEmpty()) {
      writeHeld();
    }
    StringBuilder sb = new StringBuilder();
    if (summary.models() > 0) {
      sb.append('\n');
    }
    summary(summary, sb);
    write(sb);
  }

  private void writeHeld() {
    under = commonFolder(held);
    widths = measure(held);
    StringBuilder sb = new StringBuilder();
    if (!under.isEmpty()) {
      sb.append(style.apply(Style.Span.DIM, "under " + Safe.escapeControls(under))).append('\n');
    }
    sb.append(header()).append('\n');
    for (ScanRow r : held) {
      sb.append(line(r));
    }
    held.clear();
    write(sb);
  }

  private Widths measure(List<ScanRow> rows) {
    int name = "MODEL".length();
    int format = "FORMAT".length();
    int family = "FAMILY".length();
    int params = "PARAMS".length();
    int weights = "WEIGHTS".length();
    List<Integer> cells = new ArrayList<>();
    for (Target t : targets) {
      cells.add(t.id().length());
    }
    for (ScanRow r : rows) {
      name = Math.max(name, Math.min(MAX_NAME, shown(r).length()));
      if (r instanceof ScanRow.Checked c) {
        format = Math.max(format, c.format().id().length());
        family = Math.max(family, c.family().id().length());
        params = Math.max(params, ScanCells.parameters(c).length());
        weights = Math.max(weights, ScanCells.weights(c).length());
        for (int i = 0; i < c.targets().size() && i < cells.size(); i++) {
          cells.set(
              i, Math.max(cells.get(i), ScanCells.shortFitAndSupport(c.targets().get(i)).length()));
        }
      }
    }
    nowWidths.clear();
    for (String t : nowTargets) {
      int w = t.length();
      for (ScanRow r : rows) {
        if (r instanceof ScanRow.Checked c) {
          w = Math.max(w, ScanCells.now(c, t).length());
        }
      }
      nowWidths.add(w);
    }
    return new Widths(name, format, family, cells, params, weights);
  }

  /** The row's name without the folder written above the table, escaped ({@link Safe}). */
  private String shown(ScanRow row) {
    String name = row.name();
    return Safe.escapeControls(
        !under.isEmpty()
                && name.equals(row.path())
                && name.startsWith(under)
                && name.length() > under.length()
            ? name.substring(under.length())
            : name);
  }

  /**
   * The longest folder prefix (ending with a separator) of the paths of the rows named by their
   * path, when there are at least two; a scan of one folder then shows names relative to it. Rows
   * named otherwise ({@code ORG/NAME} from a Hugging Face cache) do not count and are shown whole.
   */
  static String commonFolder(List<ScanRow> rows) {
    String prefix = null;
    int paths = 0;
    for (ScanRow r : rows) {
      if (!r.name().equals(r.path())) {
        continue;
      }
      paths++;
      String n = r.name();
      if (prefix == null) {
        prefix = n;
        continue;
      }
      int i = 0;
      while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) {
        i++;
      }
      prefix = prefix.substring(0, i);
    }
    if (paths < 2) {
      return "";
    }
    int cut = Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\'));
    return cut <= 0 ? "" : prefix.substring(0, cut + 1);
  }

  private String header() {
    StringBuilder h = new StringBuilder();
    h.append(pad("MODEL", widths.name())).append(GAP);
    h.append(pad("FORMAT", widths.format())).append(GAP);
    h.append(pad("FAMILY", widths.family())).append(GAP);
    for (int i = 0; i < targets.size(); i++) {
      h.append(pad(targets.get(i).id().toUpperCase(Locale.ROOT), widths.targets().get(i)))
          .append(GAP);
    }
    for (int i = 0; i < nowTargets.size(); i++) {
      h.append(pad(nowTargets.get(i).toUpperCase(Locale.ROOT) + " NOW", nowWidths.get(i) + 4))
          .append(GAP);
    }
    h.append(padLeft("PARAMS", widths.params())).append(GAP);
    h.append(padLeft("WEIGHTS", widths.weights())).append(GAP);
    h.append("TOP FINDING");
    return style.apply(Style.Span.DIM, h.toString());
  }

  private String line(ScanRow row) {
    StringBuilder sb = new StringBuilder();
    String name = shown(row);
    if (name.length() > widths.name()) {
      sb.append(name).append('\n').append(" ".repeat(widths.name()));
    } else {
      sb.append(pad(name, widths.name()));
    }
    sb.append(GAP);
    if (row instanceof ScanRow.Checked c) {
      sb.append(pad(c.format().id(), widths.format())).append(GAP);
      sb.append(pad(c.family().id(), widths.family())).append(GAP);
      for (int i = 0; i < targets.size(); i++) {
        sb.append(targetCell(c, i, widths.targets().get(i))).append(GAP);
      }
      for (int i = 0; i < nowTargets.size(); i++) {
        sb.append(pad(ScanCells.now(c, nowTargets.get(i)), nowWidths.get(i) + 4)).append(GAP);
      }
      sb.append(padLeft(ScanCells.parameters(c), widths.params())).append(GAP);
      sb.append(padLeft(ScanCells.weights(c), widths.weights())).append(GAP);
      sb.append(
          c.topFinding()
              .map(
                  f ->
                      style.apply(Text.span(f.severity()), f.severity().id())
                          + " "
                          + ScanCells.topFinding(c))
              .orElse("-"));
    } else {
      ScanRow.Unreadable u = (ScanRow.Unreadable) row;
      sb.append(pad("-", widths.format())).append(GAP);
      sb.append(style.apply(Style.Span.ERROR, "could not be read: "))
          .append(Safe.escapeControls(ScanCells.reason(u)));
    }
    return sb.toString().stripTrailing() + "\n";
  }

  private String targetCell(ScanRow.Checked c, int i, int width) {
    if (i >= c.targets().size()) {
      return " ".repeat(width);
    }
    ScanRow.TargetCell cell = c.targets().get(i);
    String fit = ScanCells.shortFit(cell.fit());
    String support = ScanCells.support(cell);
    String plain = ScanCells.shortFitAndSupport(cell);
    String styled =
        style.apply(Text.span(cell.fit()), fit)
            + (support.isEmpty() ? "" : style.apply(Style.Span.DIM, " · " + support));
    return styled + " ".repeat(Math.max(0, width - plain.length()));
  }

  private void summary(ScanSummary s, StringBuilder sb) {
    if (s.models() == 0) {
      sb.append("No model found.");
      if (s.skipped() > 0) {
        sb.append(' ').append(passedOver(s.skipped()));
      }
      sb.append('\n');
      return;
    }
    sb.append(s.models())
        .append(s.models() == 1 ? " model" : " models")
        .append(": ")
        .append(s.checked())
        .append(" read");
    if (s.unreadable() > 0) {
      sb.append(", ").append(style.apply(Style.Span.ERROR, s.unreadable() + " could not be read"));
    }
    if (s.skipped() > 0) {
      sb.append("; ").append(passedOver(s.skipped()));
    }
    sb.append('\n');
    if (s.checked() > 0) {
      labelled(sb, "formats", s.formats(), f -> f.id(), e -> Style.Span.DIM, "");
      labelled(sb, "families", s.families(), f -> f.id(), e -> Style.Span.DIM, "");
      for (Target t : targets) {
        Map<Fit, Integer> fits = s.fits().getOrDefault(t.id(), Map.of());
        labelled(sb, t.id(), fits, Text::fit, Text::span, "");
      }
      labelled(
          sb,
          "findings",
          s.worstFinding(),
          k -> k.map(v -> v.id()).orElse("none"),
          k -> k.map(Text::span).orElse(Style.Span.GOOD),
          style.apply(Style.Span.DIM, "  (models by their most severe finding)"));
      List<String> size = new ArrayList<>();
      if (s.parameters() > 0) {
        size.add(Quantities.count(s.parameters()) + " parameters");
      }
      if (s.weightBytes() > 0) {
        size.add(Quantities.bytes(s.weightBytes()) + " of weights");
      }
      if (!size.isEmpty()) {
        sb.append(pad("total", 10))
            .append(String.join(", ", size))
            .append(s.someEstimated() ? " (~ marks figures estimated from a config)" : "")
            .append('\n');
      }
    }
    sb.append(
            style.apply(
                Style.Span.DIM,
                "checked against "
                    + edition.source().cite()
                    + " (Neuron "
                    + edition.neuronReleases()
                    + "), neuronfit "
                    + toolVersion))
        .append('\n');
  }

  private static String passedOver(int skipped) {
    return skipped + (skipped == 1 ? " file" : " files") + " passed over (no model inside)";
  }

  /** {@code label a 3 · b 2}, leaving out zero counts. */
  private <K> void labelled(
      StringBuilder sb,
      String label,
      Map<K, Integer> counts,
      Function<K, String> words,
      Function<K, Style.Span> span,
      String suffix) {
    List<String> parts =
        ScanCells.nonZero(counts, (k, n) -> n + " " + style.apply(span.apply(k), words.apply(k)));
    if (!parts.isEmpty()) {
      sb.append(pad(label, 10)).append(String.join(" · ", parts)).append(suffix).append('\n');
    }
  }

  private static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private void write(CharSequence text) {
    try {
      out.append(text);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
