package dev.neuronfit.io.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.Report;
import dev.neuronfit.report.Style;
import dev.neuronfit.report.TextRenderer;
import dev.neuronfit.testing.SafetensorsWriter;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks of models by id against a Hub on loopback: same reports as from disk, every failure. */
@Timeout(60)
class HubModelsTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;
  private LoopbackHub hub;

  @BeforeEach
  void start() throws IOException {
    hub = new LoopbackHub();
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  HubSettings settings(Optional<String> token, boolean offline) {
    return new HubSettings(
        hub.endpoint(),
        token,
        "HF_TOKEN",
        offline,
        tmp.resolve("cache"),
        tmp.resolve("hf"),
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        Duration.ofSeconds(12),
        2,
        Duration.ofMillis(20),
        4,
        Map.of(),
        Duration.ofHours(1));
  }

  private HubModels models() {
    return new HubModels(settings(Optional.empty(), false), ReadLimits.DEFAULT);
  }

  private static String render(List<Report> reports, boolean json) {
    StringWriter out = new StringWriter();
    if (json) {
      new JsonRenderer().reports(reports, out);
    } else {
      new TextRenderer(Style.PLAIN).reports(reports, out);
    }
    return out.toString();
  }

  private static List<Report> reports(List<ModelLocator.Located> models) throws IOException {
    var kbEdition = KB.defaultEdition();
    List<Report> out = new java.util.ArrayList<>();
    for (ModelLocator.Located m : models) {
      out.add(INSPECTOR.inspect(m, kbEdition, Selection.ALL));
    }
    return out;
  }

  /**
   * The report without the note on where the bytes came from (wrapped in text, one string in JSON),
   * its model named {@code MODEL}.
   */
  private static String normalised(String rendered, String name) {
    return rendered
        .replaceAll("(?s)\\n *note: read from .*?commit\\s+[0-9a-f]{40}\\)", "")
        .replaceAll(",?\\s*\"read from [^\"]*\"", "")
        .replace(name, "MODEL");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gpt2",
        "stable-diffusion-v1-5",
        "tiny-llama-2-sharded",
        "tiny-faster-rcnn",
        "bert-base-uncased",
        "t5-small",
        "whisper-tiny",
        "resnet-50"
      })
  void anExampleFromTheHubGivesTheReportItGivesFromDisk(String example) throws IOException {
    Path disk = TestFiles.examples().resolve(example);
    hub.serveFolder("examples/" + example, COMMIT, disk);
    List<ModelLocator.Located> remote = models().locate(HubId.parse("examples/" + example).get());
    String shown = "examples/" + example + "@" + COMMIT.substring(0, 7);
    assertThat(remote).singleElement().extracting(ModelLocator.Located::name).isEqualTo(shown);
    List<Report> fromHub = reports(remote);
    List<Report> fromDisk = reports(new ModelLocator(ReadLimits.DEFAULT).locate(disk));
    for (boolean json : new boolean[] {false, true}) {
      String diskText = render(fromDisk, json);
      String hubText = render(fromHub, json);
      assertThat(normalised(hubText, shown)).isEqualTo(normalised(diskText, disk.toString()));
      assertThat(hubText).contains("read from " + hub.endpoint());
    }
  }

  @Test
  void parameterCountsComeExactlyFromTheHeaders() throws IOException {
    Path disk = TestFiles.examples().resolve("tiny-llama-2-sharded");
    hub.serveFolder("t/llama", COMMIT, disk);
    Report r = reports(models().locate(HubId.parse("t/llama").get())).get(0);
    Report d = reports(new ModelLocator(ReadLimits.DEFAULT).locate(disk)).get(0);
    assertThat(r.model().weights().parameters()).isEqualTo(d.model().weights().parameters());
    assertThat(r.model().weights().parameters()).isPresent();
  }

  @Test
  void shardHeadersStartWithTheIndexAndAGuessTheIndexDoesNotNameIsDropped() throws IOException {
    Path disk = TestFiles.examples().resolve("tiny-llama-2-sharded");
    Map<String, byte[]> files = new java.util.TreeMap<>();
    try (var s = Files.list(disk)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    // named like a shard, but not in the index: its header is fetched with the others, unused
    files.put("model-00003-of-00003.safetensors", files.get("model-00002-of-00002.safetensors"));
    hub.serve("t/llama", COMMIT, files, false);

    Report r = reports(models().locate(HubId.parse("t/llama").get())).get(0);

    Report d = reports(new ModelLocator(ReadLimits.DEFAULT).locate(disk)).get(0);
    assertThat(r.model().weights()).isEqualTo(d.model().weights());
    Path copy = tmp.resolve("cache/t--llama/" + COMMIT);
    assertThat(copy.resolve("model-00002-of-00002.safetensors")).exists();
    assertThat(copy.resolve("model-00003-of-00003.safetensors")).doesNotExist();
    // guessed from their names, all three headers were fetched, the unnamed one too
    assertThat(hub.log().stream().filter(l -> l.startsWith("cdn") && l.contains("-of-")))
        .hasSize(3);
  }

  @Test
  void aHeaderLongerThanTheFirstRangeTakesASecondRequest() throws IOException {
    Path folder = tmp.resolve("big");
    Files.createDirectories(folder);
    SafetensorsWriter w = new SafetensorsWriter();
    for (int i = 0; i < 400; i++) {
      w.add(
          "model.layers." + i + ".self_attn.some_rather_long_projection_name.weight", "F16", 4, 2);
    }
    w.write(folder.resolve("model.safetensors"));
    assertThat(Files.size(folder.resolve("model.safetensors")))
        .isGreaterThan(SparseSnapshot.FIRST_RANGE);
    hub.serveFolder("t/big", COMMIT, folder);
    Report r = reports(models().locate(HubId.parse("t/big").get())).get(0);
    Report d = reports(new ModelLocator(ReadLimits.DEFAULT).locate(folder)).get(0);
    assertThat(r.model().weights().parameters()).hasValue(400 * 8L);
    assertThat(r.model().weights()).isEqualTo(d.model().weights());
    // two ranges of the one file: the first bytes, then the rest of the header
    assertThat(hub.log().stream().filter(l -> l.startsWith("cdn")))
        .satisfiesExactly(
            first -> assertThat(first).endsWith(" bytes=0-16383"),
            rest -> assertThat(rest).contains(" bytes=16384-"));
  }

  @Test
  void aSecondCheckOfTheSameRevisionMakesNoRequest() throws IOException {
    hub.serveFolder("t/gpt2", COMMIT, TestFiles.examples().resolve("gpt2"));
    models().locate(HubId.parse("t/gpt2").get());
    int after = hub.requests();
    assertThat(after).isGreaterThan(0);
    List<ModelLocator.Located> again = models().locate(HubId.parse("t/gpt2").get());
    assertThat(hub.requests()).isEqualTo(after);
    assertThat(render(reports(again), false)).contains("no request");
    models().locate(HubId.parse("t/gpt2@" + COMMIT).get());
    assertThat(hub.requests()).isEqualTo(after);
  }

  @Test
  void filesInTheHuggingFaceCacheAreReadWithoutARequest() throws IOException {
    Path disk = TestFiles.examples().resolve("tiny-llama-2-sharded");
    hub.serveFolder("t/llama", COMMIT, disk);
    Path snap = tmp.resolve("hf/models--t--llama/snapshots/" + COMMIT);
    Files.createDirectories(snap);
    for (String f :
        List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
      Files.copy(disk.resolve(f), snap.resolve(f));
    }
    List<ModelLocator.Located> m = models().locate(HubId.parse("t/llama").get());
    // the file list, config.json and the index, but no range of the cached shards
    assertThat(hub.log())
        .noneMatch(l -> l.contains(".safetensors ") || l.endsWith(".safetensors"))
        .isNotEmpty();
    assertThat(render(reports(m), false).replaceAll("\\s+", " "))
        .contains("2 file(s) from the Hugging Face cache");
  }

  @Test
  void offlineUsesTheHuggingFaceCacheOrSaysItCannot() throws IOException {
    HubModels offline = new HubModels(settings(Optional.empty(), true), ReadLimits.DEFAULT);
    assertThatThrownBy(() -> offline.locate(HubId.parse("t/gpt2").get()))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("HF_HUB_OFFLINE");
    Path repo = tmp.resolve("hf/models--t--gpt2");
    Files.createDirectories(repo.resolve("snapshots/" + COMMIT).resolve("x").getParent());
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), COMMIT);
    Files.createDirectories(repo.resolve("snapshots/" + COMMIT));
    Files.copy(
        TestFiles.examples().resolve("gpt2/config.json"),
        repo.resolve("snapshots/" + COMMIT + "/config.json"));
    assertThat(offline.locate(HubId.parse("t/gpt2").get())).hasSize(1);
    assertThat(hub.requests()).isZero();
  }

  @Test
  void aMissingRepositoryRevisionOrFileIsNamed() throws IOException {
    assertThatThrownBy(() -> models().locate(HubId.parse("no/such").get()))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("no/such: no such model")
        .satisfies(e -> assertThat(((HubException) e).noSuchModel()).isTrue());
    hub.serveFolder("t/gpt2", COMMIT, TestFiles.examples().resolve("gpt2"));
    assertThatThrownBy(() -> models().locate(HubId.parse("t/gpt2@v9").get()))
        .hasMessageContaining("no such revision v9")
        .hasMessageContaining("RevisionNotFound");
  }

  @Test
  void aGatedModelSaysHowToGiveATokenAndTheTokenNeverShows() throws IOException {
    hub.serve("meta/gated", COMMIT, Map.of("config.json", "{}".getBytes()), true);
    assertThatThrownBy(() -> models().locate(HubId.parse("meta/gated").get()))
        .hasMessageContaining("gated")
        .hasMessageContaining(hub.endpoint() + "/meta/gated")
        .hasMessageContaining("HF_TOKEN");
    HubModels wrong =
        new HubModels(settings(Optional.of("hf_wrong_token_x"), false), ReadLimits.DEFAULT);
    assertThatThrownBy(() -> wrong.locate(HubId.parse("meta/gated").get()))
        .hasMessageContaining("403")
        .hasMessageNotContaining("hf_wrong_token_x");
    HubModels right = new HubModels(settings(Optional.of(hub.token()), false), ReadLimits.DEFAULT);
    List<ModelLocator.Located> m = right.locate(HubId.parse("meta/gated").get());
    assertThat(m).hasSize(1);
    assertThat(hub.authorizations()).contains("Bearer " + hub.token());
  }

  @Test
  void rateLimitsAreWaitedOut() throws IOException {
    hub.serveFolder("t/gpt2", COMMIT, TestFiles.examples().resolve("gpt2"));
    hub.fault(LoopbackHub.Fault.RATE_LIMITED_TWICE);
    assertThat(models().locate(HubId.parse("t/gpt2").get())).hasSize(1);
  }

  @Test
  void aServerIgnoringRangeIsCutOffAfterTheHeader() throws IOException {
    hub.serveFolder("t/rcnn", COMMIT, TestFiles.examples().resolve("tiny-faster-rcnn"));
    hub.fault(LoopbackHub.Fault.IGNORES_RANGE);
    List<ModelLocator.Located> m = models().locate(HubId.parse("t/rcnn").get());
    assertThat(reports(m).get(0).model().weights().parameters()).isPresent();
    assertThat(hub.bytesSent()).isLessThan(LoopbackHub.IGNORED_RANGE_BODY / 8);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ALWAYS_503 | the Hub answered 503 3 times",
        "SLOW | file model.safetensors: no",
        "TRUNCATED | bytes received: 8192 (after 3 tries)",
        "LYING_RANGE | asked for bytes 0-16383, the server says it sent bytes 1-16384/",
        "REDIRECT_TO_HTTP_ELSEWHERE | refused a redirect to http://localhost",
        "REDIRECT_LOOP | more than 5 redirects"
      })
  void eachFailureIsOneLineAndNeverHangs(String fault, String says) throws IOException {
    hub.serveFolder("t/rcnn", COMMIT, TestFiles.examples().resolve("tiny-faster-rcnn"));
    hub.fault(LoopbackHub.Fault.valueOf(fault));
    assertThatThrownBy(() -> models().locate(HubId.parse("t/rcnn").get()))
        .isInstanceOf(HubException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith("t/rcnn"))
        .hasMessageContaining(says);
    assertThat(Files.exists(tmp.resolve("cache/t--rcnn/" + COMMIT))).isFalse();
  }
}
