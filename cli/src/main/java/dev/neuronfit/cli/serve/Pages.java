package dev.neuronfit.cli.serve;

import dev.neuronfit.Inspector;
import dev.neuronfit.cli.PlanFormat;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.plan.Plan;
import dev.neuronfit.report.Html;
import dev.neuronfit.report.Report;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The server's own pages: the form (which works as a plain form post; its one script, same-origin,
 * only lets a file be dropped on the page) and the error page. Reports are the HTML renderer's
 * pages, unchanged. Everything from a request or a model is escaped.
 */
final class Pages {
  /** The form page: only same-origin styles, script and form posts. */
  static final String PAGE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  /**
   * A report: the policy the report page carries itself (no request of any kind, inline style and
   * data: images only), and no framing.
   */
  static final String REPORT_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none';"
          + " base-uri 'none'; frame-ancestors 'none'";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final List<String> targets;
  private final List<String> instances;

  Pages(KnowledgeBase kb) {
    Set<String> t = new LinkedHashSet<>(kb.defaultEdition().targetIds());
    t.addAll(kb.supportNow().targetIds());
    this.targets = List.copyOf(t);
    Hardware hw = kb.hardware();
    this.instances =
        hw.targetIds().stream()
            .flatMap(id -> hw.target(id).orElseThrow().instances().stream())
            .map(Hardware.Instance::name)
            .toList();
  }

  String index(List<Recent.Entry> recent, List<String> localModels, boolean hasModels) {
    StringBuilder sb = new StringBuilder(8192);
    open(sb, "neuronfit serve");
    sb.append("<h1>Check a model</h1>\n")
        .append("<form id=\"check\" method=\"post\" action=\"/check\"")
        .append(" enctype=\"multipart/form-data\">\n")
        .append("<fieldset><legend>Model</legend>\n")
        .append("<label for=\"model\">Hugging Face model id</label>\n")
        .append("<input id=\"model\" name=\"model\" type=\"text\"")
        .append(" placeholder=\"ORG/NAME or ORG/NAME@REVISION\" autocomplete=\"off\">\n");
    if (hasModels) {
      sb.append("<label for=\"path\">or a model of the shared folder</label>\n")
          .append("<select id=\"path\" name=\"path\"><option value=\"\"></option>\n");
      for (String m : localModels) {
        sb.append("<option value=\"")
            .append(Html.escape(m))
            .append("\">")
            .append(Html.escape(m))
            .append("</option>\n");
      }
      sb.append("</select>\n");
    }
    sb.append("<div id=\"drop\" class=\"drop\">\n")
        .append("<label for=\"file\">or upload one model file, or a .zip or .tar of a model")
        .append(" folder</label>\n")
        .append("<input id=\"file\" name=\"file\" type=\"file\">\n")
        .append("<p class=\"hint\">You can also drop the file here.</p>\n</div>\n")
        .append("</fieldset>\n<fieldset><legend>Targets and workload</legend>\n<p>");
    for (String t : targets) {
      sb.append("<label class=\"inline\"><input type=\"checkbox\" name=\"target\" value=\"")
          .append(Html.escape(t))
          .append("\"> ")
          .append(Html.escape(t))
          .append("</label> ");
    }
    sb.append("<span class=\"hint\">(none ticked: all)</span></p>\n")
        .append("<label for=\"batch\">Batch</label>")
        .append("<input id=\"batch\" name=\"batch\" type=\"number\" min=\"1\" placeholder=\"1\">\n")
        .append("<label for=\"seq-len\">Sequence length</label>")
        .append("<input id=\"seq-len\" name=\"seq-len\" type=\"number\" min=\"1\"")
        .append(" placeholder=\"the model's maximum\">\n")
        .append("<label for=\"instance\">Instance</label>")
        .append("<select id=\"instance\" name=\"instance\"><option value=\"\">smallest that")
        .append(" holds the model</option>\n");
    for (String i : instances) {
      sb.append("<option>").append(Html.escape(i)).append("</option>\n");
    }
    sb.append("</select>\n</fieldset>\n")
        .append("<button id=\"submit\" type=\"submit\">Check</button>\n</form>\n");
    sb.append("<h2>Recent checks</h2>\n");
    if (recent.isEmpty()) {
      sb.append("<p class=\"hint\">None yet.</p>\n");
    } else {
      sb.append("<ul id=\"recent\">\n");
      for (Recent.Entry e : recent) {
        sb.append("<li>");
        if (e.link().isPresent()) {
          sb.append("<a href=\"")
              .append(Html.escape(e.link().get()))
              .append("\">")
              .append(Html.escape(e.shown()))
              .append("</a>");
        } else {
          sb.append(Html.escape(e.shown()));
        }
        sb.append(" <span class=\"hint\">").append(TIME.format(e.at())).append("</span>");
        for (String v : e.verdicts()) {
          sb.append("<br><small>").append(Html.escape(v)).append("</small>");
        }
        sb.append("</li>\n");
      }
      sb.append("</ul>\n");
    }
    sb.append("<h2>API</h2>\n<p><code>GET /api/v1/check?model=ORG/NAME</code>,")
        .append(" <code>POST /api/v1/check</code> with a <code>file</code> part,")
        .append(" <code>GET /api/v1/plan?model=ORG/NAME&amp;target=T&amp;format=sh</code>,")
        .append(" <code>GET /api/v1/matrix</code>: described in")
        .append(" <a href=\"/api/v1/openapi.json\">openapi.json</a>.</p>\n");
    close(sb);
    return sb.toString();
  }

  /**
   * The report page with its plan view: for each model whose report names a next step, a {@code
   * <details>} element (it opens without script) holding that plan as {@code neuronfit plan} writes
   * it in Markdown, escaped, and, for a check that can be asked for again by a link, the plan's
   * downloads from {@code /api/v1/plan}. The report itself is unchanged.
   *
   * @param reportHtml the HTML renderer's page
   * @param link the check's own link ({@code /check?model=...}), when it has one
   */
  static String withPlans(String reportHtml, List<Report> reports, Optional<String> link) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < reports.size(); i++) {
      Report r = reports.get(i);
      if (r.plan().isEmpty()) {
        continue;
      }
      Plan p = r.plan().get();
      sb.append("<details class=\"panel plan\" id=\"plan-")
          .append(i + 1)
          .append("\">\n<summary>plan: ")
          .append(Html.escape(r.model().path()))
          .append(" on ")
          .append(Html.escape(p.target()))
          .append(" (")
          .append(Html.escape(p.summary()))
          .append(")</summary>\n");
      if (link.isPresent() && reports.size() == 1) {
        sb.append("<p class=\"plan-downloads\">download:");
        for (PlanFormat f : List.of(PlanFormat.sh, PlanFormat.py, PlanFormat.md, PlanFormat.json)) {
          sb.append(" <a href=\"")
              .append(Html.escape(planLink(link.get(), p.target(), f)))
              .append("\" download>")
              .append(f)
              .append("</a>");
        }
        sb.append("</p>\n");
      }
      sb.append("<pre class=\"plan-text\">")
          .append(Html.escape(PlanFormat.md.render(p)))
          .append("</pre>\n</details>\n");
    }
    if (sb.length() == 0) {
      return reportHtml;
    }
    String main = "<main>\n";
    int at = reportHtml.indexOf(main);
    if (at < 0) {
      throw new IllegalStateException("the report page has no <main>");
    }
    at += main.length();
    return reportHtml.substring(0, at) + sb + reportHtml.substring(at);
  }

  /** The plan API's address for a check's link: its parameters, one target and a format. */
  static String planLink(String checkLink, String target, PlanFormat format) {
    String query = checkLink.substring(checkLink.indexOf('?') + 1);
    StringBuilder sb = new StringBuilder("/api/v1/plan?");
    for (String part : query.split("&")) {
      if (!part.isEmpty() && !part.startsWith("target=")) {
        sb.append(part).append('&');
      }
    }
    return sb.append("target=")
        .append(java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8))
        .append("&format=")
        .append(format)
        .toString();
  }

  String problem(int status, String message) {
    StringBuilder sb = new StringBuilder(2048);
    open(sb, "neuronfit serve: " + status);
    sb.append("<h1>The model could not be checked</h1>\n<p id=\"problem\" class=\"problem\">")
        .append(status)
        .append(": ")
        .append(Html.escape(message))
        .append("</p>\n<p><a href=\"/\">Back to the form</a></p>\n");
    close(sb);
    return sb.toString();
  }

  private static void open(StringBuilder sb, String title) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(Html.escape(title))
        .append("</title>\n<link rel=\"stylesheet\" href=\"/static/serve.css\">\n")
        .append("<script src=\"/static/serve.js\" defer></script>\n</head>\n<body>\n")
        .append("<header><span class=\"brand\">neuronfit</span> ")
        .append(Html.escape(Inspector.version()))
        .append("</header>\n<main>\n");
  }

  private static void close(StringBuilder sb) {
    sb.append("</main>\n</body>\n</html>\n");
  }

  /** A JSON string literal, escaped by Jackson. */
  static String jsonString(String s) {
    return '"'
        + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s))
        + '"';
  }
}
