package dev.neuronfit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The frame of every HTML page neuronfit writes: doctype, a Content-Security-Policy that forbids
 * every request (so a page can never fetch or run anything, even if escaping were wrong), the
 * inline style sheet, the page header and the closing tags. Pages built on it are self-contained
 * single files.
 */
final class HtmlPage {
  /** No scripts, frames, fonts or remote images; inline styles and data: images only. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

  private static final String CSS = load("report.css");

  private HtmlPage() {}

  /**
   * Opens a page: everything up to and including {@code <main>}.
   *
   * @param title the document title (escaped here)
   * @param headerHtml markup for the header line after the brand, already escaped
   */
  static void open(StringBuilder sb, String title, String headerHtml) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(Html.escape(CONTENT_SECURITY_POLICY))
        .append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"neuronfit\">\n")
        .append("<title>")
        .append(Html.escape(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n")
        .append("<header class=\"top\"><div class=\"top-inner\">")
        .append("<span class=\"brand\">neuronfit</span>")
        .append("<span class=\"meta\">")
        .append(headerHtml)
        .append("</span></div></header>\n<main>\n");
  }

  /** Closes a page opened by {@link #open}, with a footer line of escaped markup. */
  static void close(StringBuilder sb, String footerHtml) {
    sb.append("</main>\n<footer class=\"page-foot\">")
        .append(footerHtml)
        .append("</footer>\n</body>\n</html>\n");
  }

  private static String load(String name) {
    try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
