package dev.neuronfit.report;

import static dev.neuronfit.report.Text.pad;
import static dev.neuronfit.report.Text.wrap;

import dev.neuronfit.classify.AlsoMatch;
import dev.neuronfit.classify.Evidence;
import dev.neuronfit.classify.Trait;
import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.kb.Column;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.FitRow;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.Guidance;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.RuleRegistry;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.verdict.SupportEntry;
import dev.neuronfit.verdict.TargetVerdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders reports for a person at a terminal: the verdict first, then the model, support per
 * target, findings, evidence and guidance, in aligned columns wrapped to a fixed width.
 */
public final class TextRenderer implements ReportRenderer {
  private static final int WIDTH = 100;
  private static final String IND = "  ";

  /** Width of the target column of the guidance section. */
  private static final int GUIDANCE_LABEL = 6;

  private final Style style;

  public TextRenderer(Style style) {
    this.style = style;
  }

  @Override
  public void reports(List<Report> reports, Writer out) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < reports.size(); i++) {
      if (i > 0) {
        sb.append('\n');
      }
      report(reports.get(i), sb);
    }
    if (reports.size() > 1) {
      sb.append('\n');
      summary(reports, sb);
    }
    write(out, sb);
  }

  private void report(Report r, StringBuilder sb) {
    sb.append(style.apply(Style.Span.HEADING, Safe.escapeControls(r.model().path()))).append('\n');
    sb.append(IND).append(verdictLine(r)).append('\n');
    nextLine(r).ifPresent(n -> sb.append(IND).append(n).append('\n'));
    sb.append(IND)
        .append(style.apply(Style.Span.DIM, Safe.escapeControls(modelLine(r))))
        .append('\n');
    traitsLine(r)
        .ifPresent(
            t ->
                wrap(t, WIDTH - IND.length(), "  ")
                    .forEach(
                        l -> sb.append(IND).append(style.apply(Style.Span.DIM, l)).append('\n')));
    if (r.model().graph().isPresent()) {
      GraphSummary g = r.model().graph().get();
      sb.append(IND)
          .append(style.apply(Style.Span.DIM, Safe.escapeControls(g.line())))
          .append('\n');
      String io =
          "inputs "
              + g.inputs().stream().map(GraphSummary::describe).collect(Collectors.joining(", "))
              + "; outputs "
              + g.outputs().size();
      for (String l : wrap(io, WIDTH - IND.length(), "  ")) {
        sb.append(IND).append(style.apply(Style.Span.DIM, l)).append('\n');
      }
    }
    if (!r.model().components().isEmpty()) {
      sb.append('\n');
      ComponentsTable.appendText(r.model().components(), style, IND, sb);
    }
    sb.append('\n');

    targetTable(r, sb);

    for (var p : r.today().map(t -> t.paths()).orElse(List.of())) {
      if (!p.ratedByEdition()) {
        sb.append(IND)
            .append(pad(p.target(), 8))
            .append(pad(p.neuronCore(), 6))
            .append(style.apply(Style.Span.DIM, "no guideline edition rates it (see TODAY)"))
            .append('\n');
      }
    }
    r.today().ifPresent(t -> TodayText.appendText(t, r.estimates(), style, IND, WIDTH, sb));

    r.workload().ifPresent(w -> EstimatesText.appendText(w, r.estimates(), style, IND, sb));

    if (!r.findings().isEmpty()) {
      sb.append('\n').append(IND).append(style.apply(Style.Span.DIM, "FINDINGS")).append('\n');
      for (Finding f : r.findings()) {
        String head =
            IND
                + style.apply(Text.span(f.severity()), pad(f.severity().id(), 9))
                + pad(f.target().orElse("all"), 6)
                + f.rule();
        sb.append(head).append('\n');
        String sub = IND + " ".repeat(15);
        para(sb, sub, f.message());
        labelled(sb, sub, "observed", f.observed());
        labelled(sb, sub, "advice", f.advice());
        labelled(sb, sub, "source", f.source());
      }
    }

    r.operators().ifPresent(o -> new OperatorsText(style, WIDTH).append(o, sb));

    sb.append('\n').append(IND).append(style.apply(Style.Span.DIM, "EVIDENCE")).append('\n');
    int wSrc =
        r.architecture().evidence().stream().mapToInt(e -> e.source().length()).max().orElse(8) + 2;
    for (Evidence e : r.architecture().evidence()) {
      String lead = IND + pad(e.source(), wSrc);
      // wrap escapes the key and value, which come from the model
      for (String l :
          wrap(e.key() + " = " + e.value() + "  → " + e.meaning(), WIDTH - lead.length(), "    ")) {
        sb.append(lead).append(l).append('\n');
        lead = " ".repeat(lead.length());
      }
    }
    for (AlsoMatch a : r.architecture().alsoMatches()) {
      para(sb, IND, "also matches " + a.family().id() + ": " + a.reason());
    }

    // the same guidance often applies to several targets: print it once, naming them all
    Map<Guidance, List<String>> guidance = new LinkedHashMap<>();
    for (TargetVerdict v : r.targets()) {
      for (Guidance g : v.guidance()) {
        guidance.computeIfAbsent(g, k -> new ArrayList<>()).add(v.target().id());
      }
    }
    if (!guidance.isEmpty()) {
      sb.append('\n').append(IND).append(style.apply(Style.Span.DIM, "GUIDANCE")).append('\n');
      guidance.forEach(
          (g, targets) -> {
            String label = String.join(", ", targets);
            String indent = IND + " ".repeat(GUIDANCE_LABEL);
            // a label wider than its column (several targets) gets a line of its own, so it
            // never runs into the text
            String lead = label.length() < GUIDANCE_LABEL ? IND + pad(label, GUIDANCE_LABEL) : null;
            if (lead == null) {
              sb.append(IND).append(label).append('\n');
              lead = indent;
            }
            List<String> lines =
                wrap(g.text() + " (§ " + g.section().cite() + ")", WIDTH - indent.length(), "");
            sb.append(lead).append(lines.get(0)).append('\n');
            for (String l : lines.subList(1, lines.size())) {
              sb.append(indent).append(l).append('\n');
            }
          });
    }
    for (String n : r.model().notes()) {
      para(sb, IND, "note: " + n);
    }
    sb.append('\n')
        .append(IND)
        .append(
            style.apply(
                Style.Span.DIM,
                "guidelines: "
                    + r.edition().source().cite()
                    + " (Neuron "
                    + r.edition().neuronReleases()
                    + "), neuronfit "
                    + r.toolVersion()))
        .append('\n');
  }

  /** Each target's core, fit and package support, one row per target and package. */
  private void targetTable(Report r, StringBuilder sb) {
    int wTarget = 8;
    int wFit = 4 + r.targets().stream().mapToInt(v -> Text.fit(v.fit()).length()).max().orElse(8);
    sb.append(IND)
        .append(
            style.apply(
                Style.Span.DIM,
                pad("TARGET", wTarget) + pad("CORE", 6) + pad("FIT", wFit) + "SUPPORT"))
        .append('\n');
    for (TargetVerdict v : r.targets()) {
      String prefix = IND + pad(v.target().id(), wTarget) + pad(v.target().neuronCore(), 6);
      String fit = style.apply(Text.span(v.fit()), pad(Text.fit(v.fit()), wFit));
      List<String> cells = new ArrayList<>();
      for (SupportEntry s : v.support()) {
        cells.add(
            packageLabel(s.column())
                + " "
                + style.apply(Text.span(s.status()), Text.status(s.status())));
      }
      String indent = " ".repeat(prefix.length() + wFit);
      sb.append(prefix).append(fit);
      if (v.fit() == Fit.UNKNOWN) {
        sb.append(style.apply(Style.Span.DIM, "no guideline row applies to an unknown family"))
            .append('\n');
        continue;
      }
      for (int i = 0; i < cells.size(); i++) {
        sb.append(i == 0 ? "" : "\n" + indent).append(cells.get(i));
      }
      if (cells.isEmpty()) {
        sb.append(style.apply(Style.Span.DIM, "(no package of the selected framework)"));
      }
      sb.append('\n');
    }
  }

  /**
   * The short form of {@link #reports}, for many models at once: per model the verdict, the target
   * table and one line per finding (severity, target, rule and the rule's title), then the summary
   * table; {@link #reports} has the evidence, guidance, estimates and operators.
   */
  public void brief(List<Report> reports, Writer out) {
    Map<String, String> titles = new LinkedHashMap<>();
    RuleRegistry.rules().forEach(rule -> titles.put(rule.info().id(), rule.info().title()));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < reports.size(); i++) {
      Report r = reports.get(i);
      if (i > 0) {
        sb.append('\n');
      }
      sb.append(style.apply(Style.Span.HEADING, r.model().path())).append('\n');
      sb.append(IND).append(verdictLine(r)).append('\n');
      nextLine(r).ifPresent(n -> sb.append(IND).append(n).append('\n'));
      targetTable(r, sb);
      for (Finding f : r.findings()) {
        String lead =
            IND
                + style.apply(Text.span(f.severity()), pad(f.severity().id(), 9))
                + pad(f.target().orElse("all"), 6);
        String line = f.rule() + ": " + titles.getOrDefault(f.rule(), f.message());
        List<String> lines = wrap(line, WIDTH - IND.length() - 15, "");
        sb.append(lead).append(lines.get(0)).append('\n');
        for (String l : lines.subList(1, lines.size())) {
          sb.append(IND).append(" ".repeat(15)).append(l).append('\n');
        }
      }
    }
    if (reports.size() > 1) {
      sb.append('\n');
      summary(reports, sb);
    }
    write(out, sb);
  }

  private String verdictLine(Report r) {
    String family = r.architecture().family().id();
    if (!r.architecture().isKnown()) {
      return style.apply(Style.Span.UNKNOWN, "unknown family")
          + " — no guideline verdict (see the evidence)";
    }
    String conf =
        r.architecture().isKnown()
            ? String.format(
                java.util.Locale.ROOT, " (confidence %.2f)", r.architecture().confidence())
            : "";
    Map<String, List<String>> byFit = new java.util.LinkedHashMap<>();
    for (TargetVerdict v : r.targets()) {
      byFit.computeIfAbsent(Text.fit(v.fit()), k -> new ArrayList<>()).add(v.target().id());
    }
    if (byFit.isEmpty()) {
      return style.apply(Style.Span.HEADING, family)
          + conf
          + " — no guideline edition rates the selected targets (see TODAY)";
    }
    String fits =
        byFit.entrySet().stream()
            .map(
                e ->
                    style.apply(spanOf(r, e.getKey()), e.getKey())
                        + " on "
                        + String.join(", ", e.getValue()))
            .collect(Collectors.joining("; "));
    return style.apply(Style.Span.HEADING, family) + conf + " — " + fits;
  }

  private static Style.Span spanOf(Report r, String fitWords) {
    return r.targets().stream()
        .filter(v -> Text.fit(v.fit()).equals(fitWords))
        .findFirst()
        .map(v -> Text.span(v.fit()))
        .orElse(Style.Span.UNKNOWN);
  }

  static String modelLine(Report r) {
    ModelSummary m = r.model();
    WeightSummary w = m.weights();
    List<String> parts = new ArrayList<>();
    parts.add(m.format().id());
    parts.add(m.framework().id());
    String est = w.estimated() ? " (estimated)" : "";
    SizeSource source = SizeSource.of(w, m.estimate());
    boolean fromConfig = source == SizeSource.CONFIG_LAYOUT && w.parameters().isPresent();
    // both figures from the config (no byte total declared by the files): say so once
    boolean bothFromConfig =
        fromConfig && w.bytes().isPresent() && m.estimate().get().bytes() == w.bytes().getAsLong();
    String paramEst =
        source == SizeSource.INDEX_TOTAL_SIZE
            ? " (from the index's total_size)"
            : bothFromConfig ? "" : fromConfig ? " (estimated from the config)" : est;
    String bytesEst =
        source == SizeSource.INDEX_TOTAL_SIZE
            ? ""
            : bothFromConfig ? ", estimated from the config" : est;
    w.parameters().ifPresent(p -> parts.add(Quantities.count(p) + " parameters" + paramEst));
    w.bytes().ifPresent(b -> parts.add(Quantities.bytes(b) + " of weights" + bytesEst));
    if (!w.dtypes().isEmpty()) {
      parts.add(
          w.dtypesSorted().keySet().stream().map(DType::name).collect(Collectors.joining("+")));
    }
    List<String> unsized =
        m.components().stream().filter(ComponentSize::unknown).map(ComponentSize::name).toList();
    if (!unsized.isEmpty()) {
      // a pipeline component without weights or a layout: the sum leaves it out, and says so
      parts.add("total without " + String.join(", ", unsized) + " (not sized)");
    }
    if (w.parameters().isEmpty() && w.bytes().isEmpty()) {
      // a folder read from its config alone: say that the config did not give a size either
      boolean configOnly = m.format() == ModelFormat.HF && m.estimate().isEmpty();
      parts.add(
          "size unknown: "
              + w.basis()
              + (configOnly ? " and no size formula for this config" : ""));
    }
    return String.join(" · ", parts);
  }

  /** The pointer to the plan, its command in backticks, control characters escaped. */
  private static Optional<String> nextLine(Report r) {
    return r.nextLine(c -> "`" + Safe.escapeControls(c) + "`", Safe::escapeControls);
  }

  /**
   * The architecture's traits as one line, e.g. {@code traits: mixture of experts (8 experts, 2 per
   * token) · grouped-query attention (32 query heads, 8 key/value heads)}; empty without traits.
   */
  static Optional<String> traitsLine(Report r) {
    List<Trait> traits = r.architecture().traits();
    if (traits.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "traits: " + traits.stream().map(Trait::shown).collect(Collectors.joining(" · ")));
  }

  private void summary(List<Report> reports, StringBuilder sb) {
    List<String> targetIds = reports.get(0).targets().stream().map(v -> v.target().id()).toList();
    int wPath =
        Math.min(
            48,
            2
                + reports.stream()
                    .mapToInt(r -> Safe.escapeControls(r.model().path()).length())
                    .max()
                    .orElse(10));
    int wFam =
        2 + reports.stream().mapToInt(r -> r.architecture().family().id().length()).max().orElse(7);
    int wFit =
        2
            + reports.stream()
                .flatMap(r -> r.targets().stream())
                .mapToInt(v -> Text.fit(v.fit()).length())
                .max()
                .orElse(8);
    StringBuilder head = new StringBuilder(pad("MODEL", wPath) + pad("FAMILY", wFam));
    targetIds.forEach(t -> head.append(pad(t.toUpperCase(java.util.Locale.ROOT), wFit)));
    head.append("FINDINGS");
    sb.append(style.apply(Style.Span.DIM, head.toString())).append('\n');
    for (Report r : reports) {
      StringBuilder row =
          new StringBuilder(pad(r.model().path(), wPath))
              .append(pad(r.architecture().family().id(), wFam));
      for (TargetVerdict v : r.targets()) {
        row.append(style.apply(Text.span(v.fit()), pad(Text.fit(v.fit()), wFit)));
      }
      long errors = r.findings().stream().filter(f -> f.severity() == Severity.ERROR).count();
      long warnings = r.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
      List<String> counts = new ArrayList<>();
      if (errors > 0) {
        counts.add(style.apply(Style.Span.ERROR, errors + " error" + (errors == 1 ? "" : "s")));
      }
      if (warnings > 0) {
        counts.add(
            style.apply(Style.Span.WARNING, warnings + " warning" + (warnings == 1 ? "" : "s")));
      }
      row.append(counts.isEmpty() ? "-" : String.join(", ", counts));
      sb.append(row).append('\n');
    }
    sb.append(reports.size())
        .append(" models checked against ")
        .append(reports.get(0).edition().source().cite())
        .append('\n');
  }

  /** The tables of an edition, one per target, as aligned text. */
  public void matrix(Edition edition, List<Target> targets, Writer out) {
    StringBuilder sb = new StringBuilder();
    sb.append(
            style.apply(
                Style.Span.HEADING, "Model Architecture Fit Guidelines, edition " + edition.id()))
        .append(" (Neuron ")
        .append(edition.neuronReleases())
        .append(")\n");
    sb.append(style.apply(Style.Span.DIM, edition.source().url())).append('\n');
    for (Target t : targets) {
      FitTable table = edition.table(t);
      List<Integer> cols = new ArrayList<>();
      for (int i = 0; i < table.columns().size(); i++) {
        Column c = table.columns().get(i);
        if (c.useCase().isEmpty() || t.useCases().contains(c.useCase().get())) {
          cols.add(i);
        }
      }
      sb.append('\n')
          .append(style.apply(Style.Span.HEADING, t.id() + ": " + table.title()))
          .append("  (last update ")
          .append(table.lastUpdate())
          .append(")\n");
      int wFam = 2 + table.rows().stream().mapToInt(r -> r.family().id().length()).max().orElse(6);
      int wFit =
          2 + table.rows().stream().mapToInt(r -> Text.fit(r.fit()).length()).max().orElse(3);
      int wCell = 2;
      for (int i : cols) {
        wCell = Math.max(wCell, 2 + packageLabel(table.columns().get(i)).length());
        for (FitRow r : table.rows()) {
          wCell = Math.max(wCell, 2 + Text.status(r.support().get(i)).length());
        }
      }
      StringBuilder head = new StringBuilder(IND + pad("FAMILY", wFam) + pad("FIT", wFit));
      for (int i : cols) {
        head.append(pad(packageLabel(table.columns().get(i)), wCell));
      }
      sb.append(style.apply(Style.Span.DIM, head.toString().stripTrailing())).append('\n');
      for (FitRow row : table.rows()) {
        StringBuilder line = new StringBuilder(IND + pad(row.family().id(), wFam));
        line.append(style.apply(Text.span(row.fit()), pad(Text.fit(row.fit()), wFit)));
        for (int i : cols) {
          line.append(
              style.apply(
                  Text.span(row.support().get(i)), pad(Text.status(row.support().get(i)), wCell)));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
    }
    sb.append('\n');
    for (String l : wrap("Note from the guideline: \"" + edition.footnote() + "\"", WIDTH, "")) {
      sb.append(style.apply(Style.Span.DIM, l)).append('\n');
    }
    write(out, sb);
  }

  /** e.g. {@code torch-neuronx (inference)} or {@code torch-neuron}. */
  static String packageLabel(Column c) {
    return c.pkg().id() + c.useCase().map(w -> " " + w.id()).orElse("");
  }

  private static void para(StringBuilder sb, String indent, String text) {
    for (String l : wrap(text, WIDTH - indent.length(), "")) {
      sb.append(indent).append(l).append('\n');
    }
  }

  private static void labelled(StringBuilder sb, String indent, String label, String text) {
    String lead = indent + pad(label + ":", 10);
    for (String l : wrap(text, WIDTH - lead.length(), "")) {
      sb.append(lead).append(l).append('\n');
      lead = " ".repeat(lead.length());
    }
  }

  private static void write(Writer out, CharSequence text) {
    try {
      out.append(text);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
