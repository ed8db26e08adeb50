package dev.neuronfit.report;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Quantities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A scan as a GitHub-flavoured Markdown table, one row per model written as it comes, then the
 * totals as a list. Text from model files and paths is escaped as in {@link MarkdownRenderer}.
 */
public final class ScanMarkdownRenderer implements ScanRenderer {
  private final Writer out;
  private final Edition edition;
  private final List<Target> targets;
  private final List<String> nowTargets;
  private final String toolVersion;

  public ScanMarkdownRenderer(
      Writer out, Edition edition, List<Target> targets, String toolVersion) {
    this(out, edition, targets, List.of(), toolVersion);
  }

  /**
   * @param nowTargets targets no edition rates, shown with today's best stack (trn2, trn3)
   */
  public ScanMarkdownRenderer(
      Writer out,
      Edition edition,
      List<Target> targets,
      List<String> nowTargets,
      String toolVersion) {
    this.out = out;
    this.edition = edition;
    this.targets = List.copyOf(targets);
    this.nowTargets = List.copyOf(nowTargets);
    this.toolVersion = toolVersion;
  }

  @Override
  public void begin() {
    List<String> head = new ArrayList<>(List.of("Model", "Format", "Family"));
    targets.forEach(t -> head.add(t.id()));
    nowTargets.forEach(t -> head.add(t + " now"));
    head.addAll(List.of("Parameters", "Weights", "Top finding"));
    StringBuilder sb = new StringBuilder("# neuronfit scan\n\n");
    row(sb, head);
    List<String> rule = new ArrayList<>();
    for (String h : head) {
      rule.add(h.equals("Parameters") || h.equals("Weights") ? "---:" : "---");
    }
    row(sb, rule);
    write(sb);
  }

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    List<String> cells = new ArrayList<>();
    cells.add(MarkdownRenderer.code(row.name()));
    if (row instanceof ScanRow.Checked c) {
      cells.add(c.format().id());
      cells.add(c.family().id());
      for (ScanRow.TargetCell cell : c.targets()) {
        String support = ScanCells.support(cell);
        cells.add(
            "**"
                + ScanCells.fit(cell)
                + "**"
                + (support.isEmpty() ? "" : " · " + MarkdownRenderer.esc(support)));
      }
      for (String t : nowTargets) {
        cells.add(MarkdownRenderer.esc(ScanCells.now(c, t)));
      }
      cells.add(ScanCells.parameters(c));
      cells.add(ScanCells.weights(c));
      cells.add(
          c.topFinding()
              .map(
                  f ->
                      f.severity().id()
                          + " "
                          + MarkdownRenderer.code(f.rule())
                          + MarkdownRenderer.esc(ScanCells.findingTail(c)))
              .orElse("-"));
    } else {
      ScanRow.Unreadable u = (ScanRow.Unreadable) row;
      cells.add("-");
      cells.add("**could not be read**");
      for (int i = 0; i < targets.size() + nowTargets.size() + 2; i++) {
        cells.add("");
      }
      cells.add(MarkdownRenderer.esc(ScanCells.reason(u)));
    }
    StringBuilder sb = new StringBuilder();
    row(sb, cells);
    write(sb);
  }

  @Override
  public void end(ScanSummary s) {
    StringBuilder sb = new StringBuilder("\n## Summary\n\n");
    sb.append("- ")
        .append(s.models())
        .append(s.models() == 1 ? " model" : " models")
        .append(": ")
        .append(s.checked())
        .append(" read, ")
        .append(s.unreadable())
        .append(" could not be read");
    if (s.skipped() > 0) {
      sb.append("; ").append(s.skipped()).append(" files passed over (no model inside)");
    }
    sb.append('\n');
    counts(sb, "Formats", s.formats(), f -> f.id());
    counts(sb, "Families", s.families(), f -> f.id());
    for (Target t : targets) {
      Map<Fit, Integer> fits = s.fits().getOrDefault(t.id(), Map.of());
      counts(sb, t.id(), fits, Text::fit);
    }
    counts(
        sb,
        "Models by most severe finding",
        s.worstFinding(),
        k -> k.map(v -> v.id()).orElse("none"));
    if (s.parameters() > 0 || s.weightBytes() > 0) {
      sb.append("- Total: ")
          .append(Quantities.count(s.parameters()))
          .append(" parameters, ")
          .append(Quantities.bytes(s.weightBytes()))
          .append(" of weights")
          .append(s.someEstimated() ? " (~ marks figures estimated from a config)" : "")
          .append('\n');
    }
    sb.append("\n_Guidelines: [")
        .append(MarkdownRenderer.esc(edition.source().cite()))
        .append("](")
        .append(edition.source().url())
        .append(") (Neuron ")
        .append(edition.neuronReleases())
        .append("), neuronfit ")
        .append(MarkdownRenderer.esc(toolVersion))
        .append("._\n");
    write(sb);
  }

  private static <K> void counts(
      StringBuilder sb, String label, Map<K, Integer> counts, Function<K, String> words) {
    List<String> parts = ScanCells.nonZero(counts, (k, n) -> words.apply(k) + " " + n);
    if (!parts.isEmpty()) {
      sb.append("- ").append(label).append(": ").append(String.join(", ", parts)).append('\n');
    }
  }

  private static void row(StringBuilder sb, List<String> cells) {
    sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
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
