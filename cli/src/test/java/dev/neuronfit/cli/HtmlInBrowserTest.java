package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.HtmlRenderer;
import dev.neuronfit.report.ModelSummary;
import dev.neuronfit.report.Report;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless chromium loads it, must log no console message (the
 * page's Content-Security-Policy turns any request into one) and writes a screenshot. Skipped where
 * chromium is not installed ({@code .ci/run} installs it). The screenshot of the two-model page is
 * left in cli/target/html-report/ to look at; with {@code -Dneuronfit.golden.update=true} a
 * screenshot of one model's page replaces docs/html-report.png.
 */
class HtmlInBrowserTest {
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", "..")).normalize();
  private static final int WIDTH = 1280;

  @Test
  void theReportRendersWithoutConsoleErrorsOrRequests(@TempDir Path dir) throws Exception {
    HeadlessChromium chromium = browser();
    Path page = dir.resolve("report.html");
    Files.writeString(
        page,
        html(List.of("examples/llama-2-7b", "examples/onnx/fasterrcnn_tiny.onnx")),
        StandardCharsets.UTF_8);
    Path png = ROOT.resolve("cli/target/html-report/html-report.png");
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);

    HeadlessChromium.Run run = chromium.screenshot(page, png, WIDTH, 9000, dir);

    assertThat(run.exitCode()).as(run.log()).isZero();
    assertThat(run.console()).as("console messages").isEmpty();
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(10_000);
    HeadlessChromium.trimBottom(png, 24);
  }

  /**
   * Rewrites docs/html-report.png, the screenshot in the README, only when golden files are being
   * updated: one model with estimates on every target, the whole page.
   */
  @Test
  void theReadmeScreenshot(@TempDir Path dir) throws Exception {
    assumeTrue(Boolean.getBoolean("neuronfit.golden.update"), "golden files are not being updated");
    HeadlessChromium chromium = browser();
    Path page = dir.resolve("readme.html");
    Files.writeString(page, html(List.of("examples/llama-2-7b")), StandardCharsets.UTF_8);
    Path png = dir.resolve("readme.png");

    HeadlessChromium.Run run = chromium.screenshot(page, png, WIDTH, 6000, dir);

    assertThat(run.exitCode()).as(run.log()).isZero();
    assertThat(run.console()).as("console messages").isEmpty();
    HeadlessChromium.trimBottom(png, 24);
    Files.copy(png, ROOT.resolve("docs/html-report.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The scan page of every bundled example (the table, the totals, then each model's report) in the
   * browser; its screenshot, the top of the page, is docs/html-scan.png when golden files are being
   * updated.
   */
  @Test
  void theScanPageRendersWithoutConsoleErrorsOrRequests(@TempDir Path dir) throws Exception {
    HeadlessChromium chromium = browser();
    Path page = dir.resolve("scan.html");
    MainTest.Run scan =
        MainTest.run(
            "scan",
            "--quiet",
            "--format",
            "html",
            "-o",
            page.toString(),
            ROOT.resolve("examples").toString());
    assertThat(scan.code()).as(scan.err()).isZero();
    Path png = ROOT.resolve("cli/target/html-report/html-scan.png");
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);

    HeadlessChromium.Run run = chromium.screenshot(page, png, 1440, 1100, dir);

    assertThat(run.exitCode()).as(run.log()).isZero();
    assertThat(run.console()).as("console messages").isEmpty();
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }

  /** The check above would pass vacuously if chromium stopped logging console messages. */
  @Test
  void aPageThatMakesARequestIsCaught(@TempDir Path dir) throws Exception {
    HeadlessChromium chromium = browser();
    String report = html(List.of("examples/gpt2"));
    Path page = dir.resolve("bad.html");
    Files.writeString(
        page,
        report.replace("<main>", "<main><img alt=\"\" src=\"https://example.invalid/x.png\">"),
        StandardCharsets.UTF_8);

    HeadlessChromium.Run run = chromium.screenshot(page, dir.resolve("bad.png"), 800, 600, dir);

    assertThat(run.console()).as(run.log()).isNotEmpty();
    assertThat(String.join("\n", run.console())).contains("example.invalid");
  }

  private static HeadlessChromium browser() {
    Optional<HeadlessChromium> chromium = HeadlessChromium.find();
    assumeTrue(chromium.isPresent(), "chromium is not installed");
    return chromium.get();
  }

  /** The page for models given by repository-relative paths, named by those paths. */
  private static String html(List<String> paths) throws IOException {
    KnowledgeBase kb = KnowledgeBase.load();
    Inspector inspector = new Inspector(kb, ReadLimits.DEFAULT);
    List<Report> reports = new ArrayList<>();
    for (String path : paths) {
      for (ModelLocator.Located m : inspector.locate(ROOT.resolve(path))) {
        Report r = inspector.inspect(m, kb.defaultEdition(), Selection.ALL);
        reports.add(renamed(r, path));
      }
    }
    StringWriter out = new StringWriter();
    new HtmlRenderer().reports(reports, out);
    return out.toString();
  }

  private static Report renamed(Report r, String path) {
    ModelSummary m = r.model();
    return new Report(
        r.toolVersion(),
        r.edition(),
        new ModelSummary(
            path,
            m.format(),
            m.framework(),
            m.weights(),
            m.estimate(),
            m.tensorCount(),
            m.graph(),
            m.hazards(),
            m.notes()),
        r.architecture(),
        r.targets(),
        r.findings(),
        r.operators(),
        r.workload(),
        r.estimates(),
        Optional.empty(),
        Optional.empty());
  }
}
