package dev.neuronfit.report;

import dev.neuronfit.kb.Edition;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A scan as one SARIF 2.1.0 log, the same as {@link SarifRenderer} writes for a check: results are
 * written model by model as the scan goes; models that could not be read, and PATHs that could not
 * be searched, become tool execution notifications at the end (only their path and one line are
 * held).
 */
public final class ScanSarifRenderer implements ScanRenderer {
  private final SarifRun run;

  /**
   * @param workingDir the directory relative paths are relative to
   */
  public ScanSarifRenderer(Writer out, Edition edition, String toolVersion, Path workingDir) {
    this.run = new SarifRun(out, edition, toolVersion, workingDir);
  }

  @Override
  public void begin() {
    run.begin();
  }

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    if (row instanceof ScanRow.Checked && report.isPresent()) {
      run.results(report.get());
    } else if (row instanceof ScanRow.Unreadable u) {
      run.unreadable(u.path(), u.error());
    } else {
      throw new IllegalArgumentException("a checked row needs its report: " + row.path());
    }
  }

  /**
   * A PATH given to the scan that could not be searched (it does not exist, or cannot be listed): a
   * tool execution notification at the end, as for a model that could not be read, so that a
   * code-scanning upload shows that the scan did not cover it.
   *
   * @param problem one line: the path and the problem
   */
  public void pathFailed(String path, String problem) {
    run.unreadable(path, problem);
  }

  @Override
  public void end(ScanSummary summary) {
    run.end();
  }
}
