package dev.neuronfit.report;

import dev.neuronfit.kb.Edition;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a check as one SARIF 2.1.0 log (the OASIS Static Analysis Results Interchange Format that
 * code-scanning tools read): one run whose tool lists every rule, one result per finding of every
 * report, and the models that could not be read as tool execution notifications. Model paths are
 * written relative to the working directory where they lie under it. Deterministic: no timestamps,
 * and no absolute paths unless the models lie outside the working directory.
 */
public final class SarifRenderer implements ReportRenderer {
  private final Edition edition;
  private final String toolVersion;
  private final Path workingDir;
  private final List<ReadFailure> failures;

  /**
   * @param edition the edition every report was checked against
   * @param workingDir the directory relative paths are relative to
   * @param failures models or paths that could not be read, in the order met
   */
  public SarifRenderer(
      Edition edition, String toolVersion, Path workingDir, List<ReadFailure> failures) {
    this.edition = edition;
    this.toolVersion = toolVersion;
    this.workingDir = workingDir;
    this.failures = List.copyOf(failures);
  }

  @Override
  public void reports(List<Report> reports, Writer out) {
    SarifRun run = new SarifRun(out, edition, toolVersion, workingDir);
    run.begin();
    for (Report r : reports) {
      run.results(r);
    }
    for (ReadFailure f : failures) {
      run.unreadable(f.path(), f.error());
    }
    run.end();
  }
}
