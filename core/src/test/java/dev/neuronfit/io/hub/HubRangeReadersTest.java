package dev.neuronfit.io.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

/**
 * Repositories without safetensors, read over range requests: ONNX graphs with their payloads
 * skipped, GGUF headers; the same report as from disk, and each way a server can fail a range.
 */
@Timeout(60)
class HubRangeReadersTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final String COMMIT = HubModelsTest.COMMIT;

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

  private HubModels models() {
    return new HubModels(
        new HubSettings(
            hub.endpoint(),
            Optional.empty(),
            "HF_TOKEN",
            false,
            tmp.resolve("cache"),
            tmp.resolve("hf"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(12),
            2,
            Duration.ofMillis(20),
            4,
            Map.of(),
            Duration.ofHours(1)),
        ReadLimits.DEFAULT);
  }

  private static String json(List<ModelLocator.Located> models) throws IOException {
    StringWriter out = new StringWriter();
    List<Report> reports = new java.util.ArrayList<>();
    for (ModelLocator.Located m : models) {
      reports.add(INSPECTOR.inspect(m, KB.defaultEdition(), Selection.ALL));
    }
    new JsonRenderer().reports(reports, out);
    return out.toString();
  }

  /** The JSON report without the note on where the bytes came from, its model named MODEL. */
  private static String normalised(String json, String name) {
    return json.replaceAll(",?\\s*\"read from [^\"]*\"", "").replace(name, "MODEL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt_tiny.onnx", "fasterrcnn_tiny.onnx"})
  void anOnnxModelFromTheHubGivesTheReportItGivesFromDisk(String file) throws IOException {
    Path disk = tmp.resolve("disk").resolve(file);
    Files.createDirectories(disk.getParent());
    Files.copy(TestFiles.examples().resolve("onnx").resolve(file), disk);
    hub.serve("t/onnx", COMMIT, Map.of(file, Files.readAllBytes(disk)), false);

    List<ModelLocator.Located> remote = models().locate(HubId.parse("t/onnx").get());

    String shown = "t/onnx@" + COMMIT.substring(0, 7) + "/" + file;
    assertThat(remote).singleElement().extracting(ModelLocator.Located::name).isEqualTo(shown);
    String fromHub = json(remote);
    assertThat(normalised(fromHub, shown))
        .isEqualTo(
            normalised(json(new ModelLocator(ReadLimits.DEFAULT).locate(disk)), disk.toString()));
    assertThat(fromHub).contains("read from " + hub.endpoint());
    // and a second check reads the sparse copy, with no request
    int before = hub.requests();
    String again = json(models().locate(HubId.parse("t/onnx").get()));
    assertThat(hub.requests()).isEqualTo(before);
    assertThat(normalised(again, shown)).isEqualTo(normalised(fromHub, shown));
  }

  @Test
  void aLargeOnnxCostsItsGraphNotItsWeights() throws IOException {
    // 24 initializers of 4096 x 4096 floats: 1.6 GB of payloads, never held or sent
    SparseFiles.Pb onnx = SparseFiles.onnx(24, 4096, 4096);
    hub.serveBlobs("t/big", COMMIT, Map.of("model.onnx", onnx.blob()), false);

    List<ModelLocator.Located> m = models().locate(HubId.parse("t/big").get());
    Report r = INSPECTOR.inspect(m.get(0), KB.defaultEdition(), Selection.ALL);

    assertThat(r.model().weights().parameters()).hasValue(24L * 4096 * 4096);
    assertThat(r.model().weights().bytes()).hasValue(24L * 4096 * 4096 * 4);
    assertThat(hub.bytesSent()).isLessThan(256 * 1024);
    assertThat(onnx.length()).isGreaterThan(1_600_000_000L);
    // the sparse copy holds what was fetched, not the file
    Path copy = tmp.resolve("cache/t--big/" + COMMIT + "/model.onnx");
    assertThat(Files.size(copy)).isLessThan(256 * 1024);
    assertThat(String.join(" ", r.model().notes())).contains("request(s)");
  }

  @Test
  void anOnnxWithExternalDataGivesTheReportItGivesFromDiskWithoutReadingTheData()
      throws IOException {
    // 6 initializers of 1024 x 1024 floats in model.onnx_data (24 MiB of zeros, never sent)
    LoopbackHub.Blob model = SparseFiles.onnx(6, 1024, 1024, "model.onnx_data").blob();
    LoopbackHub.Blob data = new LoopbackHub.Blob(6L * 1024 * 1024 * 4);
    Path disk = tmp.resolve("disk");
    Files.createDirectories(disk);
    model.writeTo(disk.resolve("model.onnx"));
    data.writeTo(disk.resolve("model.onnx_data"));
    hub.serveBlobs("t/ext", COMMIT, Map.of("model.onnx", model, "model.onnx_data", data), false);

    List<ModelLocator.Located> remote = models().locate(HubId.parse("t/ext").get());

    String shown = "t/ext@" + COMMIT.substring(0, 7) + "/model.onnx";
    String fromHub = json(remote);
    String fromDisk = json(new ModelLocator(ReadLimits.DEFAULT).locate(disk.resolve("model.onnx")));
    assertThat(normalised(fromHub, shown))
        .isEqualTo(normalised(fromDisk, disk.resolve("model.onnx").toString()));
    assertThat(fromHub).contains("6 in external data").doesNotContain("is not in the model");
    // of the data file only its first bytes (what a search looks at) and its length
    assertThat(hub.log().stream().filter(l -> l.startsWith("cdn /t/ext/model.onnx_data")))
        .containsExactly("cdn /t/ext/model.onnx_data bytes=0-511");
    assertThat(hub.bytesSent()).isLessThan(64 * 1024);
    int before = hub.requests();
    assertThat(normalised(json(models().locate(HubId.parse("t/ext").get())), shown))
        .isEqualTo(normalised(fromHub, shown));
    assertThat(hub.requests()).isEqualTo(before);
  }

  @ParameterizedTest
  @CsvSource({"100, 128, 12", "100, 256, 60"})
  void anOnnxOfManyMidSizedInitializersCostsFewRequests(int count, int side, int maxRanges)
      throws IOException {
    // payloads of 64 KiB and 256 KiB: each one a jump of the reader past what the last range
    // held, so jumping alone cost one request per initializer (101 each); gaps of up to 256 KiB
    // are read through instead, up to 16 MiB a file (6.6 MB: all of it; 26 MB: 16 MiB, then
    // one request per initializer again)
    LoopbackHub.Blob model = SparseFiles.onnx(count, side, side).blob();
    hub.serveBlobs("t/many", COMMIT, Map.of("model.onnx", model), false);

    Report r =
        INSPECTOR.inspect(
            models().locate(HubId.parse("t/many").get()).get(0),
            KB.defaultEdition(),
            Selection.ALL);

    assertThat(r.model().weights().parameters()).hasValue((long) count * side * side);
    long ranges = hub.log().stream().filter(l -> l.startsWith("cdn")).count();
    assertThat(ranges).isBetween(1L, (long) maxRanges);
    assertThat(hub.bytesSent()).isLessThan(RangeSource.MAX_READ_THROUGH + (2 << 20));
  }

  @Test
  void anOnnxAlreadyInTheHuggingFaceCacheIsReadWithoutARequest() throws IOException {
    SparseFiles.Pb onnx = SparseFiles.onnx(8, 512, 512);
    hub.serveBlobs("t/onnx", COMMIT, Map.of("model.onnx", onnx.blob()), false);
    // as huggingface_hub lays it out: the snapshot's file a link into blobs/
    Path repo = tmp.resolve("hf/models--t--onnx");
    Path snap = repo.resolve("snapshots/" + COMMIT);
    Files.createDirectories(snap);
    Files.createDirectories(repo.resolve("blobs"));
    onnx.blob().writeTo(repo.resolve("blobs/0a1b2c3d"));
    Files.createSymbolicLink(snap.resolve("model.onnx"), Path.of("../../blobs/0a1b2c3d"));

    String fromHub = json(models().locate(HubId.parse("t/onnx").get()));

    // the file list only
    assertThat(hub.log()).singleElement().asString().startsWith("hub /api/models/t/onnx");
    assertThat(fromHub.replaceAll("\\s+", " ")).contains("1 file(s) from the Hugging Face cache");
    String shown = "t/onnx@" + COMMIT.substring(0, 7) + "/model.onnx";
    assertThat(normalised(fromHub, shown))
        .isEqualTo(
            normalised(
                json(new ModelLocator(ReadLimits.DEFAULT).locate(snap.resolve("model.onnx"))),
                snap.resolve("model.onnx").toString()));
  }

  @Test
  void aGgufHeaderIsReadByRanges() throws IOException {
    byte[] header = gguf();
    long size = header.length + 32L * 1024 * 1024;
    LoopbackHub.Blob blob = new LoopbackHub.Blob(size).put(0, header);
    hub.serveBlobs("t/gguf", COMMIT, Map.of("model-q8_0.gguf", blob), false);

    List<ModelLocator.Located> m = models().locate(HubId.parse("t/gguf").get());
    Report r = INSPECTOR.inspect(m.get(0), KB.defaultEdition(), Selection.ALL);

    assertThat(r.model().format().id()).isEqualTo("gguf");
    assertThat(r.model().weights().parameters()).hasValue(4096L * 4096);
    assertThat(hub.bytesSent()).isLessThan(128 * 1024);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "TRUNCATED | bytes received",
        "LYING_RANGE | the server says it sent bytes 1-",
        "IGNORES_RANGE | the server ignored the byte range asked for"
      })
  void eachRangeFailureOfAnOnnxIsOneLineAndNeverHangs(String fault, String says)
      throws IOException {
    hub.serveBlobs(
        "t/big", COMMIT, Map.of("model.onnx", SparseFiles.onnx(8, 512, 512).blob()), false);
    hub.fault(LoopbackHub.Fault.valueOf(fault));

    assertThatThrownBy(() -> models().locate(HubId.parse("t/big").get()))
        .isInstanceOf(HubException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith("t/big"))
        .hasMessageContaining(says);
    assertThat(hub.bytesSent()).isLessThan(LoopbackHub.IGNORED_RANGE_BODY / 8);
    assertThat(Files.exists(tmp.resolve("cache/t--big/" + COMMIT))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gpt_decoder_state_dict.pth",
        "bert_encoder_scripted.pt",
        "malicious_state_dict.pt",
        "malicious_legacy.bin"
      })
  void aTorchCheckpointFromTheHubGivesTheReportItGivesFromDisk(String file) throws IOException {
    Path disk = tmp.resolve("disk").resolve(file);
    Files.createDirectories(disk.getParent());
    Files.copy(dev.neuronfit.io.torch.TorchFixtures.file(file), disk);
    hub.serve("t/torch", COMMIT, Map.of(file, Files.readAllBytes(disk)), false);

    List<ModelLocator.Located> remote = models().locate(HubId.parse("t/torch").get());

    String shown = "t/torch@" + COMMIT.substring(0, 7) + "/" + file;
    String fromHub = json(remote);
    assertThat(normalised(fromHub, shown))
        .isEqualTo(
            normalised(json(new ModelLocator(ReadLimits.DEFAULT).locate(disk)), disk.toString()));
    assertThat(fromHub).contains("read from " + hub.endpoint()).doesNotContain("not read over");
    int before = hub.requests();
    String again = json(models().locate(HubId.parse("t/torch").get()));
    assertThat(hub.requests()).isEqualTo(before);
    assertThat(normalised(again, shown)).isEqualTo(normalised(fromHub, shown));
  }

  @Test
  void aLargeZipCheckpointCostsItsDirectoryAndPicklesNotItsWeights() throws IOException {
    Path fixture = dev.neuronfit.io.torch.TorchFixtures.file("malicious_state_dict.pt");
    long gap = 1L << 30;
    LoopbackHub.Blob blob = padded(fixture, gap);
    hub.serveBlobs("t/big", COMMIT, Map.of("checkpoint.pt", blob), false);

    Report fromHub =
        INSPECTOR.inspect(
            models().locate(HubId.parse("t/big").get()).get(0), KB.defaultEdition(), Selection.ALL);
    Report fromDisk =
        INSPECTOR.inspect(
            new ModelLocator(ReadLimits.DEFAULT).locate(fixture).get(0),
            KB.defaultEdition(),
            Selection.ALL);

    assertThat(fromHub.model().weights().parameters())
        .isEqualTo(fromDisk.model().weights().parameters());
    assertThat(fromHub.model().hazards()).isNotEmpty().isEqualTo(fromDisk.model().hazards());
    assertThat(blob.length()).isGreaterThan(gap);
    assertThat(hub.bytesSent()).isLessThan(512 * 1024);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "TRUNCATED | bytes received",
        "LYING_RANGE | the server says it sent bytes 1-",
        "IGNORES_RANGE | the server ignored the byte range asked for"
      })
  void eachRangeFailureOfAZipCheckpointIsOneLineAndNeverHangs(String fault, String says)
      throws IOException {
    LoopbackHub.Blob blob =
        padded(dev.neuronfit.io.torch.TorchFixtures.file("gpt_decoder_state_dict.pth"), 64L << 20);
    hub.serveBlobs("t/big", COMMIT, Map.of("checkpoint.pt", blob), false);
    hub.fault(LoopbackHub.Fault.valueOf(fault));

    assertThatThrownBy(() -> models().locate(HubId.parse("t/big").get()))
        .isInstanceOf(HubException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith("t/big"))
        .hasMessageContaining(says);
    assertThat(hub.bytesSent()).isLessThan(LoopbackHub.IGNORED_RANGE_BODY / 8);
    assertThat(Files.exists(tmp.resolve("cache/t--big/" + COMMIT))).isFalse();
  }

  @Test
  void aLargeLegacyCheckpointIsNamedAsNotRead() throws IOException {
    byte[] legacy =
        Files.readAllBytes(dev.neuronfit.io.torch.TorchFixtures.file("malicious_legacy.bin"));
    LoopbackHub.Blob blob =
        new LoopbackHub.Blob(SparseSnapshot.MAX_WHOLE_CHECKPOINT + 1).put(0, legacy);
    hub.serveBlobs("t/legacy", COMMIT, Map.of("checkpoint.pt", blob), false);

    // the folder then holds no model; the file is named as not fetched, and was not downloaded
    assertThatThrownBy(() -> models().locate(HubId.parse("t/legacy").get()))
        .hasMessageContaining("no model found");
    assertThat(hub.bytesSent()).isLessThan(256 * 1024);
    assertThat(tmp.resolve("cache/t--legacy/" + COMMIT + "/" + SparseSnapshot.SKIPPED))
        .content()
        .contains("checkpoint.pt");
  }

  /**
   * The zip {@code fixture} rewritten with {@code gap} bytes of zeros after its first entry: the
   * same entries (stored, as torch writes them), the later ones moved by {@code gap}, a checkpoint
   * as large as one with big tensors whose zeros are never held or sent.
   */
  private static LoopbackHub.Blob padded(Path fixture, long gap) throws IOException {
    java.io.ByteArrayOutputStream local = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream central = new java.io.ByteArrayOutputStream();
    int count = 0;
    int first = 0;
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(fixture.toFile())) {
      for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
        byte[] data;
        try (java.io.InputStream in = zip.getInputStream(e)) {
          data = in.readAllBytes();
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        byte[] name = e.getName().getBytes(StandardCharsets.UTF_8);
        long offset = (count == 0 ? 0 : gap) + local.size();
        ByteBuffer h = ByteBuffer.allocate(30 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0);
        h.putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt(data.length);
        h.putShort((short) name.length).putShort((short) 0).put(name);
        local.writeBytes(h.array());
        local.writeBytes(data);
        ByteBuffer c = ByteBuffer.allocate(46 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0);
        c.putShort((short) 0).putInt(0).putInt((int) crc.getValue());
        c.putInt(data.length).putInt(data.length).putShort((short) name.length);
        c.putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        c.putInt(0).putInt((int) offset).put(name);
        central.writeBytes(c.array());
        count++;
        if (count == 1) {
          first = local.size();
        }
      }
    }
    long cdAt = gap + local.size();
    ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    end.putShort((short) count).putShort((short) count).putInt(central.size());
    end.putInt((int) cdAt).putShort((short) 0);
    byte[] entries = local.toByteArray();
    return new LoopbackHub.Blob(cdAt + central.size() + 22)
        .put(0, java.util.Arrays.copyOf(entries, first))
        .put(gap + first, java.util.Arrays.copyOfRange(entries, first, entries.length))
        .put(cdAt, central.toByteArray())
        .put(cdAt + central.size(), end.array());
  }

  @Test
  void aMalformedOnnxGivesTheErrorItGivesOnDisk() throws IOException {
    byte[] bad = Files.readAllBytes(TestFiles.examples().resolve("onnx/gpt_tiny.onnx"));
    bad = java.util.Arrays.copyOf(bad, bad.length / 3);
    Path disk = Files.write(tmp.resolve("model.onnx"), bad);
    hub.serve("t/bad", COMMIT, Map.of("model.onnx", bad), false);

    List<ModelLocator.Located> m = models().locate(HubId.parse("t/bad").get());

    String onDisk = diskError(disk);
    String shown = "t/bad@" + COMMIT.substring(0, 7) + "/model.onnx";
    assertThat(onDisk).contains("MODEL");
    assertThatThrownBy(() -> json(m))
        .satisfies(e -> assertThat(e.getMessage().replace(shown, "MODEL")).isEqualTo(onDisk));
  }

  private static String diskError(Path disk) {
    try {
      json(new ModelLocator(ReadLimits.DEFAULT).locate(disk));
      return "";
    } catch (IOException e) {
      return e.getMessage().replace(disk.toString(), "MODEL");
    }
  }

  /**
   * A GGUF v3 header (magic, version, tensor count, metadata count; then metadata and tensor infos,
   * as the GGUF specification in ggml's docs lays them out): general.architecture = llama and one
   * F16 tensor of 4096 x 4096.
   */
  private static byte[] gguf() {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(1).putLong(1);
    putString(b, "general.architecture");
    b.putInt(8); // GGUF_TYPE_STRING
    putString(b, "llama");
    putString(b, "token_embd.weight");
    b.putInt(2).putLong(4096).putLong(4096);
    b.putInt(1); // GGML_TYPE_F16
    b.putLong(0);
    while (b.position() % 32 != 0) {
      b.put((byte) 0);
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putLong(bytes.length).put(bytes);
  }
}
