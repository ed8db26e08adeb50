package dev.neuronfit.report;

import dev.neuronfit.classify.AlsoMatch;
import dev.neuronfit.classify.Evidence;
import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.kb.Column;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.FitRow;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.Guidance;
import dev.neuronfit.kb.Target;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.verdict.SupportEntry;
import dev.neuronfit.verdict.TargetVerdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders reports and the matrix as GitHub-flavoured Markdown, for pull requests and wikis. Text
 * from model files is escaped so it cannot break the tables or inject markup.
 */
public final class MarkdownRenderer implements ReportRenderer {

  @Override
  public void reports(List<Report> reports, Writer out) {
    StringBuilder sb = new StringBuilder();
    if (reports.size() > 1) {
      summary(reports, sb);
    }
    for (Report r : reports) {
      report(r, sb);
    }
    write(out, sb);
  }

  private void summary(List<Report> reports, StringBuilder sb) {
    sb.append("# neuronfit: ").append(reports.size()).append(" models\n\n");
    List<String> targets = reports.get(0).targets().stream().map(v -> v.target().id()).toList();
    List<String> head = new ArrayList<>(List.of("Model", "Family"));
    head.addAll(targets);
    head.add("Findings");
    row(sb, head);
    row(sb, head.stream().map(h -> "---").toList());
    for (Report r : reports) {
      List<String> cells =
          new ArrayList<>(List.of(code(r.model().path()), r.architecture().family().id()));
      r.targets().forEach(v -> cells.add(Text.fit(v.fit())));
      cells.add(String.valueOf(r.findings().size()));
      row(sb, cells);
    }
    sb.append('\n');
  }

  private void report(Report r, StringBuilder sb) {
    sb.append("## ").append(esc(r.model().path())).append("\n\n");
    String conf =
        r.architecture().isKnown()
            ? String.format(Locale.ROOT, " (confidence %.2f)", r.architecture().confidence())
            : "";
    sb.append("**")
        .append(r.architecture().family().id())
        .append("**")
        .append(conf)
        .append(" · ")
        .append(esc(TextRenderer.modelLine(r)))
        .append(r.model().graph().map(g -> " · " + esc(g.line())).orElse(""))
        .append("\n\n");
    r.nextLine(c -> "`" + Safe.escapeControls(c).replace("`", "'") + "`", MarkdownRenderer::esc)
        .ifPresent(n -> sb.append(n).append("\n\n"));
    TextRenderer.traitsLine(r).ifPresent(t -> sb.append(esc(t)).append("\n\n"));
    if (!r.model().components().isEmpty()) {
      ComponentsTable.appendMarkdown(r.model().components(), sb);
    }
    row(sb, List.of("Target", "NeuronCore", "Fit", "Support"));
    row(sb, List.of("---", "---", "---", "---"));
    for (TargetVerdict v : r.targets()) {
      List<String> support = new ArrayList<>();
      for (SupportEntry s : v.support()) {
        support.add(TextRenderer.packageLabel(s.column()) + ": " + Text.status(s.status()));
      }
      row(
          sb,
          List.of(
              v.target().id(),
              v.target().neuronCore(),
              "**" + Text.fit(v.fit()) + "**",
              String.join("<br>", support)));
    }
    sb.append('\n');
    r.today().ifPresent(t -> today(t, r, sb));
    r.workload().ifPresent(w -> EstimatesText.appendMarkdown(w, r.estimates(), sb));
    if (!r.findings().isEmpty()) {
      sb.append("### Findings\n\n");
      for (Finding f : r.findings()) {
        sb.append("- **")
            .append(f.severity().id())
            .append("** `")
            .append(f.rule())
            .append("`")
            .append(f.target().map(t -> " (" + t + ")").orElse(""))
            .append(": ")
            .append(prose(f.message()))
            .append('\n');
        sb.append("  - observed: ").append(prose(f.observed())).append('\n');
        sb.append("  - advice: ").append(prose(f.advice())).append('\n');
        sb.append("  - source: ").append(prose(f.source())).append('\n');
      }
      sb.append('\n');
    }
    r.operators().ifPresent(o -> operators(o, sb));
    sb.append("### Evidence\n\n");
    row(sb, List.of("Source", "Key", "Value", "Meaning"));
    row(sb, List.of("---", "---", "---", "---"));
    for (Evidence e : r.architecture().evidence()) {
      row(sb, List.of(code(e.source()), code(e.key()), code(e.value()), prose(e.meaning())));
    }
    sb.append('\n');
    for (AlsoMatch a : r.architecture().alsoMatches()) {
      sb.append("Also matches **")
          .append(a.family().id())
          .append("**: ")
          .append(prose(a.reason()))
          .append("\n\n");
    }
    List<TargetVerdict> withGuidance =
        r.targets().stream().filter(v -> !v.guidance().isEmpty()).toList();
    if (!withGuidance.isEmpty()) {
      sb.append("### Guidance\n\n");
      for (TargetVerdict v : withGuidance) {
        for (Guidance g : v.guidance()) {
          sb.append("- **")
              .append(v.target().id())
              .append("**: ")
              .append(prose(g.text()))
              .append(" _(")
              .append(esc(g.section().cite()))
              .append(")_\n");
        }
      }
      sb.append('\n');
    }
    for (String n : r.model().notes()) {
      sb.append("> note: ").append(prose(n)).append("\n\n");
    }
    sb.append("_Guidelines: [")
        .append(esc(r.edition().source().cite()))
        .append("](")
        .append(r.edition().source().url())
        .append(") (Neuron ")
        .append(r.edition().neuronReleases())
        .append("), neuronfit ")
        .append(esc(r.toolVersion()))
        .append("._\n\n");
  }

  private void operators(OperatorSummary o, StringBuilder sb) {
    sb.append("### Operators\n\n");
    String notCounted =
        o.notCounted().stream()
            .map(c -> c.op() + " " + c.count())
            .collect(Collectors.joining(", "));
    sb.append(o.total())
        .append(" nodes of ")
        .append(o.byType().size())
        .append(" types, ")
        .append(o.countedNodes())
        .append(" counted")
        .append(notCounted.isEmpty() ? "" : " (not counted: " + esc(notCounted) + ")")
        .append(".\n\n");
    if (o.coverage().isEmpty()) {
      sb.append("No Neuron operator list applies to these operators on the selected targets.\n\n");
    }
    for (ListCoverage c : o.coverage()) {
      sb.append("**")
          .append(c.target())
          .append(", ")
          .append(esc(c.list().name()))
          .append(" as of ")
          .append(c.list().asOf())
          .append("** (")
          .append(esc(c.list().release()))
          .append(c.basis() == ListCoverage.Basis.EXPORT_ORIGINS ? ", by export origin only" : "")
          .append("): ");
      if (c.cpuShare().isPresent()) {
        sb.append("CPU share **")
            .append(Text.percent(c.cpuShare().getAsDouble()))
            .append("**, ")
            .append(c.cpuNodes())
            .append(" of ")
            .append(c.countedNodes())
            .append(" counted nodes would run on the CPU");
        if (c.inCpuSubgraphs() > 0) {
          sb.append(" (")
              .append(c.inCpuSubgraphs())
              .append(" of them only because the If, Loop or Scan around them does)");
        }
      } else {
        sb.append(c.checkedNodes())
            .append(" of ")
            .append(c.countedNodes())
            .append(" counted nodes checked, ")
            .append(c.cpuNodes())
            .append(" of them on the CPU");
      }
      sb.append(".\n\n");
      List<OpTally> shown = new ArrayList<>(c.unsupported());
      shown.addAll(c.limited());
      if (!shown.isEmpty()) {
        row(sb, List.of("Operator", "Nodes", "Status", "Examples"));
        row(sb, List.of("---", "---:", "---", "---"));
        for (OpTally t : shown) {
          row(
              sb,
              List.of(
                  code(t.op())
                      + (t.origins().isEmpty() ? "" : " ← " + code(String.join(", ", t.origins()))),
                  String.valueOf(t.count()),
                  Text.status(t.status()) + t.note().map(n -> ": " + prose(n)).orElse(""),
                  t.examples().stream()
                      .map(MarkdownRenderer::code)
                      .collect(Collectors.joining(", "))));
        }
        sb.append('\n');
      }
      sb.append("- source: `").append(c.list().source()).append("`\n");
      sb.append("- status: ").append(prose(c.list().status())).append('\n');
      for (String n : c.notes()) {
        sb.append("- note: ").append(prose(n)).append('\n');
      }
      sb.append('\n');
    }
  }

  public void matrix(Edition edition, List<Target> targets, Writer out) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Model Architecture Fit Guidelines, edition ").append(edition.id()).append("\n\n");
    sb.append("Neuron ")
        .append(edition.neuronReleases())
        .append(". Source: [")
        .append(edition.source().cite())
        .append("](")
        .append(edition.source().url())
        .append(").\n\n");
    for (Target t : targets) {
      FitTable table = edition.table(t);
      sb.append("## ").append(t.id()).append(": ").append(esc(table.title())).append("\n\n");
      sb.append("_Last update ").append(table.lastUpdate()).append("_\n\n");
      List<String> head = new ArrayList<>(table.headers());
      List<Integer> cols = new ArrayList<>();
      for (int i = 0; i < table.columns().size(); i++) {
        Column c = table.columns().get(i);
        if (c.useCase().isEmpty() || t.useCases().contains(c.useCase().get())) {
          cols.add(i);
          head.add(c.header().replace("``", "`"));
        }
      }
      row(sb, head);
      row(sb, head.stream().map(h -> "---").toList());
      for (FitRow r : table.rows()) {
        List<String> cells = new ArrayList<>(List.of(r.label(), r.category(), r.fit().label()));
        for (int i : cols) {
          cells.add(r.support().get(i).label());
        }
        row(sb, cells);
      }
      sb.append('\n');
    }
    sb.append("> ").append(prose(edition.footnote())).append("\n");
    write(out, sb);
  }

  /** The support-now paths, one table row per target (model text in them is escaped). */
  private static void today(dev.neuronfit.verdict.Today t, Report r, StringBuilder sb) {
    sb.append("### ")
        .append("Today" + esc(TodayText.heading(t).substring("TODAY".length())))
        .append("\n\n");
    row(sb, List.of("target", "core", "today"));
    row(sb, List.of("---", "---", "---"));
    for (var p : t.paths()) {
      List<String> parts = new java.util.ArrayList<>();
      for (String[] l : TodayText.lines(p, r.estimates())) {
        parts.add("**" + l[0] + "**: " + esc(l[1]));
      }
      row(sb, List.of(p.target(), p.neuronCore(), String.join("<br>", parts)));
    }
    sb.append('\n');
  }

  private static void row(StringBuilder sb, List<String> cells) {
    sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  /** Escapes Markdown and HTML syntax in text that may come from a model file. */
  static String esc(String text) {
    String s = Safe.escapeControls(text);
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '|', '\\', '`', '*', '_', '[', ']', '#', '~' -> b.append('\\').append(c);
        case '\n', '\r' -> b.append(' ');
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Escapes a sentence of ours that may carry text from a model file, keeping its code spans: a
   * pair of backticks (such as around {@code neuronfit matrix}) stays a code span, everything
   * between the pairs is escaped as {@link #esc} does, and a backtick without a partner is escaped.
   * Text from a model can at most turn into code, which renders nothing live.
   */
  static String prose(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    int from = 0;
    while (true) {
      int open = s.indexOf('`', from);
      int close = open < 0 ? -1 : s.indexOf('`', open + 1);
      if (close < 0) {
        return b.append(esc(s.substring(from))).toString();
      }
      b.append(esc(s.substring(from, open)));
      b.append(close == open + 1 ? "\\`\\`" : code(s.substring(open + 1, close)));
      from = close + 1;
    }
  }

  /** Inline code that may hold any text: backticks and pipes cannot break out of it. */
  static String code(String text) {
    String s = Safe.escapeControls(text);
    return "`" + s.replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`";
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
