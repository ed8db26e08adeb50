package dev.neuronfit.report;

import java.io.Writer;
import java.util.List;

/**
 * Writes the reports of one check in one output format: one report, or several with a summary.
 * Write failures are thrown as {@link java.io.UncheckedIOException}.
 *
 * <p>One implementation per format: {@link TextRenderer}, {@link JsonRenderer}, {@link
 * MarkdownRenderer}, {@link HtmlRenderer}. A scan, which writes as it goes, has {@link
 * ScanRenderer} instead.
 */
public interface ReportRenderer {
  void reports(List<Report> reports, Writer out);
}
