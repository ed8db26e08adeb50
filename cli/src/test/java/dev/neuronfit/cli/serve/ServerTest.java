package dev.neuronfit.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.cli.Main;
import dev.neuronfit.io.hub.LoopbackHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every endpoint of the server, against a real server on a free port and the loopback Hub. */
class ServerTest {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final Path EXAMPLES =
      Path.of(System.getProperty("neuronfit.root", "..")).resolve("examples");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private LoopbackHub hub;
  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    hub = new LoopbackHub();
    hub.serveFolder("t/gpt2", COMMIT, EXAMPLES.resolve("gpt2"));
    Path models = Files.createDirectories(tmp.resolve("share"));
    copyTree(EXAMPLES.resolve("gpt2"), models.resolve("team/gpt2"));
    Files.copy(EXAMPLES.resolve("onnx/gpt_tiny.onnx"), models.resolve("gpt_tiny.onnx"));
    server = new TestServer(TestServer.settings(tmp, hub.endpoint(), Optional.of(models)));
  }

  @AfterEach
  void stop() {
    server.close();
    hub.close();
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /** What {@code neuronfit ARGS} writes to stdout. */
  static String cli(String... args) {
    CommandLine cl = new CommandLine(new Main());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    cl.execute(args);
    return out.toString();
  }

  /** What {@code neuronfit ARGS} writes to stderr. */
  static String cliErr(String... args) {
    CommandLine cl = new CommandLine(new Main());
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    cl.execute(args);
    return err.toString();
  }

  @Test
  void healthzAnswersOk() throws Exception {
    HttpResponse<String> r = server.get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok\n");
  }

  @Test
  void thePageIsAPlainFormUnderAStrictPolicy() throws Exception {
    HttpResponse<String> r = server.get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'none'").contains("script-src 'self'");
    assertThat(csp).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(r.body())
        .contains("<form id=\"check\" method=\"post\" action=\"/check\"")
        .contains("enctype=\"multipart/form-data\"")
        .contains("name=\"model\"")
        .contains("name=\"file\"")
        .contains("name=\"batch\"")
        .contains("name=\"seq-len\"")
        .contains("name=\"instance\"")
        .contains("<option value=\"team/gpt2\">");
    // the only script is same-origin, none inline
    assertThat(r.body().replace("<script src=\"/static/serve.js\" defer></script>", ""))
        .doesNotContain("<script");
    assertThat(server.get("/static/serve.js").statusCode()).isEqualTo(200);
    assertThat(server.get("/static/serve.css").statusCode()).isEqualTo(200);
  }

  @Test
  void anIdIsCheckedThroughTheConfiguredHubAsJson() throws Exception {
    HttpResponse<String> r = server.get("/api/v1/check?model=t/gpt2&target=inf2&batch=4");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.get("schemaVersion")).isNotNull();
    assertThat(r.body()).contains("t/gpt2@0123456").contains("\"inf2\"");
    assertThat(hub.requests()).isPositive();
  }

  @Test
  void anUploadGivesTheJsonOfCheckUnchanged() throws Exception {
    Path onnx = EXAMPLES.resolve("onnx/gpt_tiny.onnx");
    HttpResponse<String> r =
        server.upload("/api/v1/check", "gpt_tiny.onnx", Files.readAllBytes(onnx), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String expected =
        cli("check", "--format", "json", onnx.toString()).replace(onnx.toString(), "gpt_tiny.onnx");
    assertThat(r.body()).isEqualTo(expected);
    assertThat(server.leftovers()).isEmpty();
  }

  @Test
  void optionsArePassedAsCheckTakesThem() throws Exception {
    Path onnx = EXAMPLES.resolve("onnx/gpt_tiny.onnx");
    HttpResponse<String> r =
        server.upload(
            "/api/v1/check",
            "gpt_tiny.onnx",
            Files.readAllBytes(onnx),
            Map.of("target", "inf2", "batch", "8"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String expected =
        cli("check", "--format", "json", "--target", "inf2", "--batch", "8", onnx.toString())
            .replace(onnx.toString(), "gpt_tiny.onnx");
    assertThat(r.body()).isEqualTo(expected);
  }

  @Test
  void aBadOptionIsA400NamingIt() throws Exception {
    HttpResponse<String> r = server.get("/api/v1/check?model=t/gpt2&batch=0");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains("--batch");
    assertThat(server.get("/api/v1/check?model=t/gpt2&instance=nope").statusCode()).isEqualTo(400);
  }

  @Test
  void aZipOfAModelFolderIsUnpackedAndChecked() throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("gpt2/config.json"));
      z.write(Files.readAllBytes(EXAMPLES.resolve("gpt2/config.json")));
      z.closeEntry();
    }
    HttpResponse<String> r =
        server.upload("/api/v1/check", "gpt2.zip", zip.toByteArray(), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"gpt2.zip/gpt2\"").doesNotContain(tmp.toString());
    assertThat(r.body()).doesNotContain(server.server.temporaryFolder().toString());
    assertThat(server.leftovers()).isEmpty();
  }

  @Test
  void aTarOfAModelFolderIsUnpackedAndChecked() throws Exception {
    byte[] config = Files.readAllBytes(EXAMPLES.resolve("gpt2/config.json"));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      TarArchiveEntry e = new TarArchiveEntry("config.json");
      e.setSize(config.length);
      t.putArchiveEntry(e);
      t.write(config);
      t.closeArchiveEntry();
    }
    HttpResponse<String> r =
        server.upload("/api/v1/check", "gpt2.tar", tar.toByteArray(), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"gpt2.tar\"");
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(tgz)) {
      gz.write(tar.toByteArray());
    }
    HttpResponse<String> g =
        server.upload("/api/v1/check", "gpt2.tgz", tgz.toByteArray(), Map.of());
    assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
    assertThat(g.body()).contains("\"gpt2.tgz\"");
    assertThat(server.leftovers()).isEmpty();
  }

  @Test
  void anArchiveEntryThatClimbsOutIsRefusedAndNothingIsLeft() throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("../../evil/config.json"));
      z.write("{}".getBytes());
      z.closeEntry();
    }
    HttpResponse<String> r =
        server.upload("/api/v1/check", "evil.zip", zip.toByteArray(), Map.of());
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(r.body()).get("error").asText())
        .contains("evil.zip")
        .contains("climbs out")
        .doesNotContain(server.server.temporaryFolder().toString());
    assertThat(server.leftovers()).isEmpty();
    assertThat(tmp.resolve("evil")).doesNotExist();
  }

  @Test
  void aMalformedModelIsA422NamingTheUploadNotTheServersFolder() throws Exception {
    HttpResponse<String> r =
        server.upload("/api/v1/check", "broken.onnx", new byte[] {8, 1, 18, 99}, Map.of());
    assertThat(r.statusCode()).isEqualTo(422);
    String error = JSON.readTree(r.body()).get("error").asText();
    assertThat(error)
        .contains("broken.onnx")
        .doesNotContain(server.server.temporaryFolder().toString());
    assertThat(server.leftovers()).isEmpty();
  }

  @Test
  void noUrlFromARequestIsFetched() throws Exception {
    try (LoopbackHub elsewhere = new LoopbackHub()) {
      elsewhere.serveFolder("t/gpt2", COMMIT, EXAMPLES.resolve("gpt2"));
      for (String model :
          new String[] {
            elsewhere.endpoint() + "/t/gpt2",
            "hf://t/gpt2",
            "https://huggingface.co/t/gpt2",
            "//" + elsewhere.endpoint().getAuthority() + "/t/gpt2"
          }) {
        HttpResponse<String> r =
            server.get("/api/v1/check?model=" + java.net.URLEncoder.encode(model, "UTF-8"));
        assertThat(r.statusCode()).as(model).isEqualTo(400);
      }
      assertThat(elsewhere.requests()).isZero();
      assertThat(hub.requests()).isZero();
    }
  }

  @Test
  void aPathUnderTheModelsFolderIsChecked() throws Exception {
    HttpResponse<String> r = server.get("/api/v1/check?path=team/gpt2");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"team/gpt2\"").doesNotContain(tmp.toString());
    HttpResponse<String> list = server.get("/api/v1/models");
    assertThat(JSON.readTree(list.body()).get("models").toString())
        .contains("gpt_tiny.onnx")
        .contains("team/gpt2");
  }

  @Test
  void noOtherLocalPathIsReachable() throws Exception {
    Files.writeString(tmp.resolve("secret.json"), "{\"model_type\":\"gpt2\"}");
    Files.createSymbolicLink(tmp.resolve("share/link"), tmp);
    for (String path :
        new String[] {
          "../secret.json", tmp.resolve("secret.json").toString(), "link/secret.json", "team/../../"
        }) {
      HttpResponse<String> r =
          server.get("/api/v1/check?path=" + java.net.URLEncoder.encode(path, "UTF-8"));
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(r.body()).doesNotContain("gpt2\"");
    }
    assertThat(server.get("/api/v1/check?path=nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void withoutAModelsFolderNoPathIsTaken() throws Exception {
    try (TestServer bare =
        new TestServer(TestServer.settings(tmp, hub.endpoint(), Optional.empty()))) {
      assertThat(bare.get("/api/v1/check?path=team/gpt2").statusCode()).isEqualTo(400);
      assertThat(bare.get("/api/v1/models").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theFormPostAnswersWithTheHtmlReportOfCheck() throws Exception {
    Path onnx = EXAMPLES.resolve("onnx/gpt_tiny.onnx");
    HttpResponse<String> r =
        server.upload("/check", "gpt_tiny.onnx", Files.readAllBytes(onnx), Map.of("model", ""));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String expected =
        cli("check", "--format", "html", onnx.toString()).replace(onnx.toString(), "gpt_tiny.onnx");
    // check's report, plus the plan view (without download links: an upload has no address)
    String plan = "(?s)<details class=\"panel plan\" id=\"plan-1\">.*?</details>\n";
    assertThat(r.body()).containsPattern(plan).doesNotContain("/api/v1/plan?");
    assertThat(r.body().replaceFirst(plan, "")).isEqualTo(expected);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'");
    // the recent list names it
    assertThat(server.get("/").body()).contains("gpt_tiny.onnx (upload)");
  }

  @Test
  void aFormPostWithoutAModelIsAnErrorPage() throws Exception {
    HttpResponse<String> r =
        server.post("/check", "model=&batch=".getBytes(), "application/x-www-form-urlencoded");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("id=\"problem\"").contains("give a model");
  }

  @Test
  void thePlanApiGivesTheBytesOfPlanInEveryFormat() throws Exception {
    Path gpt2 = tmp.resolve("share/team/gpt2");
    for (String format : new String[] {"md", "sh", "py", "json"}) {
      HttpResponse<String> r =
          server.get("/api/v1/plan?path=team/gpt2&target=inf2&batch=4&format=" + format);
      assertThat(r.statusCode()).as(format + ": " + r.body()).isEqualTo(200);
      String expected =
          cli("plan", "--format", format, "--target", "inf2", "--batch", "4", gpt2.toString())
              .replace(gpt2.toString(), "team/gpt2");
      assertThat(expected).contains("inf2");
      assertThat(r.body()).as(format).isEqualTo(expected);
    }
    HttpResponse<String> json = server.get("/api/v1/plan?model=t/gpt2&target=inf2&format=json");
    assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(JSON.readTree(json.body()).get("target").asText()).isEqualTo("inf2");
    HttpResponse<String> sh = server.get("/api/v1/plan?model=t/gpt2&target=inf2&format=sh");
    assertThat(sh.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("attachment")
        .contains("plan-inf2.sh");
  }

  @Test
  void noPlanForTheModelIsA422WithTheReason() throws Exception {
    Path mixer = tmp.resolve("share/mixer");
    copyTree(EXAMPLES.resolve("timm-mixer-b16"), mixer);
    String cliError = cliErr("plan", "--target", "trn2", mixer.toString());
    assertThat(cliError).as("the example has no plan on trn2").contains("no plan for");
    HttpResponse<String> r = server.get("/api/v1/plan?path=mixer&target=trn2&format=sh");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    String error = JSON.readTree(r.body()).get("error").asText();
    assertThat(error).startsWith("no plan for mixer on trn2: ").doesNotContain("\n");
    // the same reason as plan's
    assertThat(cliError.strip()).endsWith(error.substring("no plan for mixer on trn2: ".length()));
  }

  @Test
  void aPlanNeedsOneKnownTargetAndAKnownFormat() throws Exception {
    for (String q :
        new String[] {
          "model=t/gpt2&target=nope",
          "model=t/gpt2",
          "model=t/gpt2&target=inf2&target=trn1",
          "model=t/gpt2&target=inf2&format=exe",
          "target=inf2"
        }) {
      HttpResponse<String> r = server.get("/api/v1/plan?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("error").asText()).as(q).isNotBlank();
    }
  }

  @Test
  void theReportPageHasAPlanViewForTheTargetItsNextLineNames() throws Exception {
    HttpResponse<String> r = server.get("/check?model=t/gpt2&target=inf2&target=trn1&batch=4");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String page = r.body();
    java.util.regex.Matcher next =
        java.util.regex.Pattern.compile("next: <code>[^<]* --target (\\w+)</code>").matcher(page);
    assertThat(next.find()).as("the report names a next step").isTrue();
    String target = next.group(1);
    assertThat(page).contains("<details class=\"panel plan\" id=\"plan-1\">");
    assertThat(page).contains("<summary>plan: t/gpt2@0123456 on " + target + " (");
    String md = server.get("/api/v1/plan?model=t/gpt2&target=" + target + "&batch=4").body();
    assertThat(page).contains(dev.neuronfit.report.Html.escape(md));
    String sh = "/api/v1/plan?model=t%2Fgpt2&amp;batch=4&amp;target=" + target + "&amp;format=sh";
    assertThat(page).contains("<a href=\"" + sh + "\" download>sh</a>");
    assertThat(server.get(sh.replace("&amp;", "&")).statusCode()).isEqualTo(200);
    // no script anywhere, under the report's own strict policy
    assertThat(page).doesNotContain("<script");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'")
        .doesNotContain("script-src");
    // without the plan view, the page is check's HTML report
    String report = page.replaceAll("(?s)<details class=\"panel plan\".*?</details>\n", "");
    assertThat(report).doesNotContain("class=\"panel plan\"").contains("next: <code>");
  }

  @Test
  void theMatrixIsTheJsonOfMatrix() throws Exception {
    HttpResponse<String> r = server.get("/api/v1/matrix?edition=2.9.0&target=inf2");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(cli("matrix", "--format", "json", "--edition", "2.9.0", "--target", "inf2"));
  }

  @Test
  void theOpenApiDescriptionListsTheRoutes() throws Exception {
    HttpResponse<String> r = server.get("/api/v1/openapi.json");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode doc = JSON.readTree(r.body());
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    assertThat(doc.get("paths").fieldNames())
        .toIterable()
        .contains("/api/v1/check", "/api/v1/plan", "/api/v1/matrix", "/healthz", "/metrics");
  }

  @Test
  void noGetOperationListsTooLargeWhichOnlyAnUploadCanBe() throws Exception {
    JsonNode paths = JSON.readTree(server.get("/api/v1/openapi.json").body()).get("paths");
    List<String> gets = new ArrayList<>();
    paths
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode get = e.getValue().get("get");
              if (get != null) {
                gets.add(e.getKey());
                assertThat(get.get("responses").has("413")).as("GET " + e.getKey()).isFalse();
              }
            });
    assertThat(gets).contains("/api/v1/check", "/api/v1/plan");
    assertThat(paths.at("/~1api~1v1~1check/post/responses").has("413")).isTrue();
  }

  @Test
  void metricsCountRequestsCacheHitsHubBytesAndChecksInFlight() throws Exception {
    assertThat(server.get("/api/v1/check?model=t/gpt2").statusCode()).isEqualTo(200);
    int requestsAfterFirst = hub.requests();
    assertThat(server.get("/api/v1/check?model=t/gpt2").statusCode()).isEqualTo(200);
    assertThat(hub.requests()).isEqualTo(requestsAfterFirst);
    HttpResponse<String> m = server.get("/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(m.body())
        .contains("neuronfit_http_requests_total{route=\"/api/v1/check\",status=\"200\"} 2")
        .contains("neuronfit_cache_hits_total 1")
        .contains("neuronfit_cache_misses_total 1")
        .contains("neuronfit_checks_in_flight 0")
        .contains("neuronfit_http_request_duration_seconds_bucket");
    assertThat(m.body()).containsPattern("neuronfit_hub_bytes_received_total [1-9]");
  }

  @Test
  void anUnknownPageIsA404() throws Exception {
    assertThat(server.get("/nope").statusCode()).isEqualTo(404);
    assertThat(server.get("/api/v1/nope").statusCode()).isEqualTo(404);
  }
}
