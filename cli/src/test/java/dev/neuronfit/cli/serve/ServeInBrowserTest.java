package dev.neuronfit.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.io.hub.LoopbackHub;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser: Debian's chromium, driven through chromedriver by Selenium WebDriver.
 * It opens the page, types a Hub id (the loopback Hub's), submits and reads the verdicts from the
 * report, then uploads a model file the same way; the verdicts must be the API's for the same
 * model, and the browser must report no Content-Security-Policy violation. Skipped where chromium
 * or chromedriver is missing ({@code .ci/run} installs both). The screenshot of the page goes to
 * cli/target, and to docs/serve-page.png when golden files are being updated.
 */
class ServeInBrowserTest {
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path tmp;
  private LoopbackHub hub;
  private TestServer server;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    Path chromium = Path.of(System.getProperty("neuronfit.chromium", CHROMIUM.toString()));
    assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
    assumeTrue(Files.isExecutable(CHROMEDRIVER), "chromedriver is not installed");
    hub = new LoopbackHub();
    hub.serveFolder("t/gpt2", ServerTest.COMMIT, ServerTest.EXAMPLES.resolve("gpt2"));
    server = new TestServer(TestServer.settings(tmp, hub.endpoint(), Optional.empty()));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // the driver given by path: Selenium Manager never looks for one on the network
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 1400));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  /** The fit per target read from the report's cards, in page order. */
  private Map<String, String> verdicts() {
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(d -> !d.findElements(By.cssSelector("div.card")).isEmpty());
    Map<String, String> out = new LinkedHashMap<>();
    for (WebElement card : browser.findElements(By.cssSelector("div.card"))) {
      String target = card.findElement(By.cssSelector(".target")).getText();
      String fit =
          List.of(card.getAttribute("class").split(" ")).stream()
              .filter(c -> c.startsWith("fit-"))
              .findFirst()
              .orElse("?");
      out.putIfAbsent(target, fit);
    }
    return out;
  }

  /** The same verdicts from the API's JSON, in the page's class names. */
  private Map<String, String> apiVerdicts(String body) throws Exception {
    JsonNode json = new ObjectMapper().readTree(body);
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode t : json.get("targets")) {
      String fit =
          switch (t.get("fit").asText()) {
            case "good-fit" -> "fit-good";
            case "supported-with-limitations" -> "fit-limited";
            case "not-a-good-fit" -> "fit-bad";
            default -> "fit-unknown";
          };
      out.put(t.get("target").asText(), fit);
    }
    return out;
  }

  private void noPolicyViolations() {
    List<String> messages =
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .map(LogEntry::getMessage)
            .toList();
    assertThat(messages).noneMatch(m -> m.contains("Content Security Policy"));
  }

  @Test
  void anIdTypedAndAFileUploadedGiveTheReportsVerdicts() throws Exception {
    browser.get(server.uri("/").toString());
    assertThat(browser.getTitle()).isEqualTo("neuronfit serve");
    browser.findElement(By.id("model")).sendKeys("t/gpt2");
    browser.findElement(By.id("submit")).click();
    Map<String, String> byId = verdicts();
    assertThat(browser.getTitle()).startsWith("neuronfit:");
    assertThat(byId).isNotEmpty();
    // the guideline's targets as the API rates them (the page adds cards of today's targets)
    Map<String, String> api = apiVerdicts(server.get("/api/v1/check?model=t/gpt2").body());
    assertThat(api).isNotEmpty();
    assertThat(byId).containsAllEntriesOf(api);
    noPolicyViolations();
    // the plan view opens without script and shows plan's Markdown with its downloads
    WebElement plan = browser.findElement(By.cssSelector("details.plan"));
    WebElement text = plan.findElement(By.cssSelector("pre.plan-text"));
    assertThat(text.isDisplayed()).isFalse();
    plan.findElement(By.tagName("summary")).click();
    assertThat(text.isDisplayed()).isTrue();
    assertThat(text.getText()).startsWith("# Plan: `t/gpt2@");
    assertThat(plan.findElement(By.linkText("sh")).getAttribute("href"))
        .contains("/api/v1/plan?model=t%2Fgpt2&target=")
        .endsWith("&format=sh");
    noPolicyViolations();

    Path onnx = ServerTest.EXAMPLES.resolve("onnx/gpt_tiny.onnx").toAbsolutePath();
    browser.get(server.uri("/").toString());
    browser.findElement(By.id("file")).sendKeys(onnx.toString());
    browser.findElement(By.cssSelector("input[name=target][value=inf2]")).click();
    browser.findElement(By.id("submit")).click();
    Map<String, String> byUpload = verdicts();
    assertThat(byUpload).containsKey("inf2").doesNotContainKeys("inf1", "trn1");
    assertThat(byUpload)
        .containsAllEntriesOf(
            apiVerdicts(
                server
                    .upload(
                        "/api/v1/check",
                        "gpt_tiny.onnx",
                        Files.readAllBytes(onnx),
                        Map.of("target", "inf2"))
                    .body()));
    noPolicyViolations();
    assertThat(server.leftovers()).isEmpty();

    // the form with both checks in the recent list
    browser.get(server.uri("/").toString());
    assertThat(browser.findElement(By.id("recent")).getText())
        .contains("t/gpt2@main")
        .contains("gpt_tiny.onnx (upload)");
    Path png = ROOT.resolve("cli/target/serve/serve-page.png");
    Files.createDirectories(png.getParent());
    Files.write(png, browser.getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(png)).isGreaterThan(10_000);
    noPolicyViolations();
    if (Boolean.getBoolean("neuronfit.golden.update")) {
      Files.copy(png, ROOT.resolve("docs/serve-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
