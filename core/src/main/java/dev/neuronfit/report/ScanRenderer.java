package dev.neuronfit.report;

import java.util.Optional;

/**
 * Writes a scan as it goes: {@link #begin} once, {@link #row} once per model in order, then {@link
 * #end} with the totals. Implementations write each row as soon as they can (the text table waits
 * for a block of rows to size its columns) and keep no report, so a scan of any size renders in
 * bounded memory. Write failures are thrown as {@link java.io.UncheckedIOException}.
 *
 * <p>One implementation per output format: {@link ScanTextRenderer}, {@link ScanMarkdownRenderer},
 * {@link ScanCsvRenderer}, {@link ScanJsonRenderer}.
 */
public interface ScanRenderer {
  void begin();

  /**
   * @param report the model's full report, present for a {@link ScanRow.Checked} row; renderers
   *     that need more than the row (JSON writes the whole report) read it during the call only
   */
  void row(ScanRow row, Optional<Report> report);

  void end(ScanSummary summary);
}
