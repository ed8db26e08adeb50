package dev.neuronfit.report;

import static dev.neuronfit.report.Html.escape;

import dev.neuronfit.classify.AlsoMatch;
import dev.neuronfit.classify.Evidence;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.Guidance;
import dev.neuronfit.kb.Section;
import dev.neuronfit.kb.SupportStatus;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.verdict.SupportEntry;
import dev.neuronfit.verdict.TargetVerdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders reports as one self-contained HTML page: inline CSS and SVG, no scripts, and a
 * Content-Security-Policy that forbids every request. Per model: the verdict and package support
 * per target at a glance, then the evidence, the findings with links to the guideline's sections,
 * the operators, the estimates with a roofline chart, and the guidance. Several reports get a
 * summary table on top. Every string from a model is escaped by {@link Html#escape}; output is
 * deterministic.
 */
public final class HtmlRenderer implements ReportRenderer {
  /** Graph inputs and outputs listed per model; the rest are counted. */
  static final int VALUE_ROWS = 12;

  /** Hazards listed per model; the rest are counted. */
  static final int HAZARD_ROWS = 20;

  @Override
  public void reports(List<Report> reports, Writer out) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    String title =
        reports.size() == 1
            ? "neuronfit: " + reports.get(0).model().path()
            : "neuronfit: " + reports.size() + " models";
    HtmlPage.open(sb, title, reports.isEmpty() ? "fit report" : header(reports.get(0)));
    if (reports.size() > 1) {
      summaryTable(reports, sb);
    }
    if (reports.isEmpty()) {
      sb.append("<section class=\"panel\"><p>No models were checked.</p></section>\n");
    }
    for (int i = 0; i < reports.size(); i++) {
      report(reports.get(i), "model-" + (i + 1), sb);
    }
    HtmlPage.close(sb, reports.isEmpty() ? "" : footer(reports.get(0)));
    write(out, sb);
  }

  /** The tables of an edition for the selected targets, as a page of its own. */
  public void matrix(Edition edition, List<Target> targets, Writer out) {
    StringBuilder sb = new StringBuilder(16 * 1024);
    HtmlMatrix.append(edition, targets, sb);
    write(out, sb);
  }

  private static void write(Writer out, CharSequence text) {
    try {
      out.append(text);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String header(Report r) {
    return "fit report · guidelines "
        + Html.link(r.edition().source().url(), r.edition().source().cite())
        + " (Neuron "
        + escape(r.edition().neuronReleases())
        + ")";
  }

  private static String footer(Report r) {
    return "neuronfit "
        + escape(r.toolVersion())
        + " read the model files only; verdicts and guidance follow the Model Architecture Fit"
        + " Guidelines, edition "
        + escape(r.edition().id())
        + ". Estimates are analytic bounds, not measurements.";
  }

  /**
   * One row per report: the model (linking to its section {@code #model-N}), family, the fit on
   * each target and the count of findings per severity. Usable for any page that lists models.
   */
  static void summaryTable(List<Report> reports, StringBuilder sb) {
    List<String> targets = reports.get(0).targets().stream().map(v -> v.target().id()).toList();
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">")
        .append(reports.size())
        .append(" models</h3>\n<div class=\"table-wrap\"><table class=\"summary\">\n<thead><tr>")
        .append("<th>Model</th><th>Family</th>");
    for (String t : targets) {
      sb.append("<th>").append(escape(t)).append("</th>");
    }
    sb.append("<th>Findings</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < reports.size(); i++) {
      Report r = reports.get(i);
      sb.append("<tr><td><a href=\"#model-")
          .append(i + 1)
          .append("\">")
          .append(escape(r.model().path()))
          .append("</a></td><td>")
          .append(escape(r.architecture().family().id()))
          .append("</td>");
      for (String t : targets) {
        Optional<TargetVerdict> v =
            r.targets().stream().filter(x -> x.target().id().equals(t)).findFirst();
        sb.append("<td>").append(v.map(x -> fitBadge(x.fit())).orElse("—")).append("</td>");
      }
      sb.append("<td>").append(findingCounts(r.findings())).append("</td></tr>\n");
    }
    sb.append("</tbody></table></div>\n</section>\n");
  }

  private static String findingCounts(List<Finding> findings) {
    List<String> parts = new ArrayList<>();
    for (Severity s : List.of(Severity.ERROR, Severity.WARNING, Severity.INFO)) {
      long n = findings.stream().filter(f -> f.severity() == s).count();
      if (n > 0) {
        parts.add(severityBadge(s, n + " " + s.id() + (n == 1 ? "" : "s")));
      }
    }
    return parts.isEmpty() ? "none" : String.join(" ", parts);
  }

  void report(Report r, String id, StringBuilder sb) {
    sb.append("<article class=\"model\" id=\"").append(id).append("\">\n");
    sb.append("<header class=\"panel\">\n<h2 class=\"model-path\">")
        .append(escape(r.model().path()))
        .append("</h2>\n<p class=\"lede\">")
        .append(verdictLine(r))
        .append("</p>\n<p class=\"facts\">")
        .append(escape(TextRenderer.modelLine(r)))
        .append("</p>\n");
    r.nextLine(c -> "<code>" + escape(c) + "</code>", Html::escape)
        .ifPresent(n -> sb.append("<p class=\"facts\">").append(n).append("</p>\n"));
    TextRenderer.traitsLine(r)
        .ifPresent(t -> sb.append("<p class=\"facts traits\">").append(escape(t)).append("</p>\n"));
    r.model()
        .graph()
        .ifPresent(g -> sb.append("<p class=\"facts\">").append(escape(g.line())).append("</p>\n"));
    if (!r.model().components().isEmpty()) {
      ComponentsTable.appendHtml(r.model().components(), sb);
    }
    sb.append("<div class=\"cards\">\n");
    for (TargetVerdict v : r.targets()) {
      card(v, r.estimates().get(v.target().id()), r, sb);
    }
    r.today()
        .ifPresent(
            t ->
                t.paths().stream()
                    .filter(p -> !p.ratedByEdition())
                    .forEach(p -> HtmlToday.card(p, r.estimates().get(p.target()), t, sb)));
    sb.append("</div>\n</header>\n");
    evidence(r, sb);
    findings(r, sb);
    r.operators().ifPresent(o -> HtmlOperators.append(o, sb));
    r.workload().ifPresent(w -> HtmlEstimates.append(w, r.estimates(), id, sb));
    guidance(r, sb);
    details(r, sb);
    sb.append("</article>\n");
  }

  private static String verdictLine(Report r) {
    if (!r.architecture().isKnown()) {
      return "<strong>unknown family</strong> — no guideline verdict (see the evidence)";
    }
    Map<Fit, List<String>> byFit = new LinkedHashMap<>();
    for (TargetVerdict v : r.targets()) {
      byFit.computeIfAbsent(v.fit(), k -> new ArrayList<>()).add(v.target().id());
    }
    String fits =
        byFit.entrySet().stream()
            .map(e -> Text.fit(e.getKey()) + " on " + String.join(", ", e.getValue()))
            .collect(Collectors.joining("; "));
    return "<strong>"
        + escape(r.architecture().family().id())
        + "</strong> · confidence "
        + String.format(Locale.ROOT, "%.2f", r.architecture().confidence())
        + " — "
        + escape(fits);
  }

  /** A card for one target: the fit, the best-supported package and, with estimates, sizing. */
  private static void card(TargetVerdict v, TargetEstimate estimate, Report r, StringBuilder sb) {
    sb.append("<div class=\"card ")
        .append(fitClass(v.fit()))
        .append("\">\n<div class=\"card-head\"><span class=\"target\">")
        .append(escape(v.target().id()))
        .append("</span><span class=\"chip\">")
        .append(escape(v.target().name()))
        .append("<br>NeuronCore-")
        .append(escape(v.target().neuronCore()))
        .append("</span></div>\n")
        .append(fitBadge(v.fit()))
        .append('\n');
    if (v.fit() == Fit.UNKNOWN) {
      sb.append("<p class=\"note\">No guideline row applies to an unknown family.</p>");
    } else if (v.support().isEmpty()) {
      sb.append("<p class=\"note\">No package of the selected framework.</p>");
    }
    sb.append("<dl>");
    if (v.fit() != Fit.UNKNOWN && !v.support().isEmpty()) {
      SupportEntry best =
          v.support().stream().min(Comparator.comparingInt(s -> rank(s.status()))).orElseThrow();
      sb.append("<dt>Best package</dt><dd>");
      if (best.status() == SupportStatus.NA) {
        sb.append("none: no package supports the family here");
      } else {
        sb.append("<strong>")
            .append(escape(TextRenderer.packageLabel(best.column())))
            .append("</strong> ")
            .append(statusBadge(best.status()));
      }
      sb.append("</dd>");
      if (v.support().size() > 1) {
        sb.append("<dt>All packages</dt><dd><ul class=\"pkgs\">");
        for (SupportEntry s : v.support()) {
          sb.append("<li><span>")
              .append(escape(TextRenderer.packageLabel(s.column())))
              .append("</span>")
              .append(statusBadge(s.status()))
              .append("</li>");
        }
        sb.append("</ul></dd>");
      }
    }
    if (estimate != null) {
      sb.append("<dt>Smallest instance</dt><dd>")
          .append(estimate.sizing().instance().map(Html::escape).orElse("none holds the model"))
          .append(" <span class=\"note\">")
          .append(escape(HtmlEstimates.cores(estimate.sizing())))
          .append("</span></dd>");
    }
    HtmlToday.entry(r.today(), v.target().id(), sb);
    sb.append("</dl>\n</div>\n");
  }

  /** Best first: supported, with limitations, roadmap, unknown, not available. */
  private static int rank(SupportStatus s) {
    return switch (s) {
      case SUPPORTED -> 0;
      case SUPPORTED_WITH_LIMITATIONS -> 1;
      case ROADMAP -> 2;
      case UNKNOWN -> 3;
      case NA -> 4;
    };
  }

  private static void evidence(Report r, StringBuilder sb) {
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Evidence</h3>\n");
    if (r.architecture().evidence().isEmpty()) {
      sb.append("<p class=\"note\">Nothing in the files points to a family.</p>\n");
    } else {
      sb.append("<div class=\"table-wrap\"><table class=\"evidence\">\n<thead><tr><th>Source</th>")
          .append("<th>Key</th><th>Value</th><th>Meaning</th></tr></thead>\n<tbody>\n");
      for (Evidence e : r.architecture().evidence()) {
        sb.append("<tr><td>")
            .append(escape(e.source()))
            .append("</td><td>")
            .append(escape(e.key()))
            .append("</td><td>")
            .append(escape(e.value()))
            .append("</td><td>")
            .append(escape(e.meaning()))
            .append("</td></tr>\n");
      }
      sb.append("</tbody></table></div>\n");
    }
    for (AlsoMatch a : r.architecture().alsoMatches()) {
      sb.append("<p class=\"note\">Also matches <strong>")
          .append(escape(a.family().id()))
          .append("</strong>: ")
          .append(escape(a.reason()))
          .append("</p>\n");
    }
    sb.append("</section>\n");
  }

  private static void findings(Report r, StringBuilder sb) {
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Findings</h3>\n");
    if (r.findings().isEmpty()) {
      sb.append("<p class=\"note\">No known issue applies.</p>\n");
    }
    for (Finding f : r.findings()) {
      String sev = "sev-" + f.severity().id();
      sb.append("<div class=\"finding ")
          .append(sev)
          .append("\">\n<div class=\"finding-head\">")
          .append(severityBadge(f.severity(), f.severity().id()))
          .append("<span class=\"pill\">")
          .append(escape(f.target().orElse("all targets")))
          .append("</span><span class=\"rule\">")
          .append(escape(f.rule()))
          .append("</span></div>\n<p>")
          .append(escape(f.message()))
          .append("</p>\n<dl>")
          .append("<dt>observed</dt><dd>")
          .append(escape(f.observed()))
          .append("</dd><dt>guideline</dt><dd>")
          .append(escape(f.guideline()))
          .append("</dd><dt>advice</dt><dd>")
          .append(escape(f.advice()))
          .append("</dd><dt>source</dt><dd>")
          .append(source(r.edition(), f.source()))
          .append("</dd></dl>\n</div>\n");
    }
    sb.append("</section>\n");
  }

  /** A finding's source, linked to the guideline section when it cites the edition's page. */
  private static String source(Edition edition, String source) {
    Optional<Section> section = GuidelineLinks.section(edition, source);
    return section
        .map(s -> Html.link(GuidelineLinks.url(edition, s), source))
        .orElse(escape(source));
  }

  private static void guidance(Report r, StringBuilder sb) {
    // the same guidance often applies to several targets: show it once, naming them all
    Map<Guidance, List<String>> guidance = new LinkedHashMap<>();
    for (TargetVerdict v : r.targets()) {
      for (Guidance g : v.guidance()) {
        guidance.computeIfAbsent(g, k -> new ArrayList<>()).add(v.target().id());
      }
    }
    if (guidance.isEmpty()) {
      return;
    }
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Guidance</h3>\n");
    guidance.forEach(
        (g, targets) ->
            sb.append("<p><span class=\"pill\">")
                .append(escape(String.join(", ", targets)))
                .append("</span> ")
                .append(escape(g.text()))
                .append(" <span class=\"note\">(")
                .append(Html.link(GuidelineLinks.url(r.edition(), g.section()), g.section().cite()))
                .append(")</span></p>\n"));
    sb.append("</section>\n");
  }

  /** Graph inputs and outputs, weights basis, hazards and notes, when there are any. */
  private static void details(Report r, StringBuilder sb) {
    sb.append("<section class=\"panel\">\n<h3 class=\"section\">Model files</h3>\n")
        .append("<p class=\"note\">")
        .append(escape(r.model().weights().basis()))
        .append(r.model().tensorCount() > 0 ? " · " + r.model().tensorCount() + " tensors" : "")
        .append("</p>\n");
    r.model()
        .graph()
        .ifPresent(
            g -> {
              values(sb, "Inputs", g.inputs());
              values(sb, "Outputs", g.outputs());
            });
    List<Hazard> hazards = r.model().hazards();
    if (!hazards.isEmpty()) {
      sb.append("<h4>Hazards (never acted on)</h4>\n<div class=\"table-wrap\"><table>\n")
          .append("<thead><tr><th>Kind</th><th>Detail</th><th>Place</th></tr></thead>\n<tbody>\n");
      for (Hazard h : hazards.subList(0, Math.min(HAZARD_ROWS, hazards.size()))) {
        sb.append("<tr><td>")
            .append(escape(h.kind()))
            .append("</td><td><code>")
            .append(escape(h.detail()))
            .append("</code></td><td>")
            .append(escape(h.place()))
            .append("</td></tr>\n");
      }
      sb.append("</tbody></table></div>\n");
      more(sb, hazards.size() - HAZARD_ROWS, "hazards");
    }
    for (String n : r.model().notes()) {
      sb.append("<p class=\"note\">note: ").append(escape(n)).append("</p>\n");
    }
    sb.append("</section>\n");
  }

  private static void values(StringBuilder sb, String title, List<ValueInfo> values) {
    if (values.isEmpty()) {
      return;
    }
    sb.append("<h4>").append(title).append("</h4>\n<p class=\"mono small\">");
    sb.append(
        values.subList(0, Math.min(VALUE_ROWS, values.size())).stream()
            .map(v -> escape(GraphSummary.describe(v)))
            .collect(Collectors.joining("<br>")));
    sb.append("</p>\n");
    more(sb, values.size() - VALUE_ROWS, title.toLowerCase(Locale.ROOT));
  }

  private static void more(StringBuilder sb, int n, String what) {
    if (n > 0) {
      sb.append("<p class=\"note\">and ").append(n).append(" more ").append(what).append(".</p>\n");
    }
  }

  /** A CSS class per fit, e.g. {@code fit-bad}. */
  static String fitClass(Fit fit) {
    return switch (fit) {
      case GOOD_FIT -> "fit-good";
      case SUPPORTED_WITH_LIMITATIONS -> "fit-limited";
      case NOT_A_GOOD_FIT -> "fit-bad";
      case UNKNOWN -> "fit-unknown";
    };
  }

  /** The fit as a badge with a symbol and words, so it reads without colour. */
  static String fitBadge(Fit fit) {
    String symbol =
        switch (fit) {
          case GOOD_FIT -> "✓";
          case SUPPORTED_WITH_LIMITATIONS -> "!";
          case NOT_A_GOOD_FIT -> "✗";
          case UNKNOWN -> "?";
        };
    return "<span class=\"badge "
        + fitClass(fit)
        + "\">"
        + symbol
        + " "
        + Text.fit(fit)
        + "</span>";
  }

  static String statusBadge(SupportStatus s) {
    return "<span class=\"badge st-" + s.id() + "\">" + Text.status(s) + "</span>";
  }

  /** A severity badge with the given (escaped here) words. */
  static String severityBadge(Severity s, String words) {
    return "<span class=\"badge sev-" + s.id() + "\">" + escape(words) + "</span>";
  }
}
