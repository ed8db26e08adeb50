package dev.neuronfit.io.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.Inspector;
import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.Report;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.NdArrayWriter;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MXNet reader on real symbol files of GluonCV and GluonNLP models from DJL's MXNet model zoo
 * ({@code src/test/resources/mxnet/}, sources in its README) and on {@code .params} files written
 * by {@link NdArrayWriter} from MXNet's published layout.
 */
class MxnetReaderTest {
  private static final Path FIXTURES = Path.of("src/test/resources/mxnet");
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  /**
   * Sum of the products of the 115 parameter shapes the symbol declares (Python, from the file).
   */
  private static final long MASK_RCNN_PARAMETERS = 15_357_164L;

  @TempDir Path dir;

  private Path copy(String name) throws IOException {
    Path p = dir.resolve(name);
    Files.copy(FIXTURES.resolve(name), p);
    return p;
  }

  private static Report report(ModelProfile p) {
    return INSPECTOR.report(p, KB.defaultEdition(), Selection.ALL);
  }

  private static ListCoverage inf1(Report r) {
    return r.operators().orElseThrow().direct("inf1").orElseThrow();
  }

  @Test
  void resNetSymbolIsACnnWhoseSizeIsUnknownWithoutItsParams() throws IOException {
    Path symbol = copy("resnet50_v1-symbol.json");

    List<ModelLocator.Located> found = new ModelLocator(ReadLimits.DEFAULT).locate(dir);
    assertThat(found).extracting(ModelLocator.Located::path).containsExactly(symbol);
    ModelProfile p = found.get(0).reader().read(symbol, ReadLimits.DEFAULT);
    Report r = report(p);

    assertThat(p.format()).isEqualTo(ModelFormat.MXNET);
    assertThat(r.architecture().family()).isEqualTo(Family.CNN);
    assertThat(r.architecture().evidence().get(0).value()).contains("174 operator nodes");
    assertThat(p.graph().orElseThrow().producer()).isEqualTo("mxnet 1.5.0");
    assertThat(p.graph().orElseThrow().inputs()).extracting(v -> v.name()).containsExactly("data");
    assertThat(p.weights().parameters()).isEmpty();
    assertThat(p.weights().basis()).contains("245 of 299 parameter shapes are not declared");
    ListCoverage c = inf1(r);
    assertThat(c.list().id()).isEqualTo("neuron-cc-mxnet");
    assertThat(c.countedNodes()).isEqualTo(174);
    assertThat(c.cpuNodes()).isZero();
    assertThat(r.findings()).extracting(Finding::rule).doesNotContain("cpu-fallback-on-inf1");
  }

  @Test
  void maskRcnnSymbolIsAnRcnnWithRoiAlignOnTheCpuOfInf1() throws IOException {
    Path symbol = copy("mask_rcnn_resnet18_v1b_coco-symbol.json");

    ModelProfile p = new MxnetReader().read(symbol, ReadLimits.DEFAULT);
    Report r = report(p);

    assertThat(r.architecture().family()).isEqualTo(Family.R_CNN);
    assertThat(r.architecture().evidence())
        .anySatisfy(e -> assertThat(e.value()).contains("_contrib_ROIAlign"));
    assertThat(r.architecture().alsoMatches()).extracting(a -> a.family()).contains(Family.CNN);
    assertThat(p.weights().parameters()).hasValue(MASK_RCNN_PARAMETERS);
    assertThat(p.weights().bytes()).hasValue(4 * MASK_RCNN_PARAMETERS);
    assertThat(p.weights().basis()).contains("115 parameter shapes declared");
    assertThat(inf1(r).unsupported())
        .extracting(OpTally::op)
        .contains("_contrib_ROIAlign", "_contrib_box_nms", "BlockGrad");
    assertThat(r.findings())
        .extracting(Finding::rule)
        .contains("cpu-fallback-on-inf1", "rcnn-roi-align-cpu");
  }

  @Test
  void bertSymbolIsATransformerEncoderWhoseEmbeddingIsOffTheInf1List() throws IOException {
    Path symbol = copy("static_bert_qa-symbol.json");

    ModelProfile p = new MxnetReader().read(symbol, ReadLimits.DEFAULT);
    Report r = report(p);

    assertThat(r.architecture().family()).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(r.architecture().confidence()).isEqualTo(0.80);
    assertThat(r.architecture().evidence())
        .anySatisfy(
            e -> {
              assertThat(e.key()).isEqualTo("attention blocks");
              assertThat(e.value()).startsWith("12 MatMul → Softmax → MatMul");
            })
        .anySatisfy(
            e -> {
              assertThat(e.key()).isEqualTo("token embedding");
              assertThat(e.value()).contains("word_embed_embedding0_fwd");
            });
    // the QA head's dense weight is declared (2, 0): its input size is inferred at first use
    assertThat(p.weights().basis()).contains("1 of 199 parameter shapes are not declared");
    assertThat(inf1(r).unsupported()).extracting(OpTally::op).containsExactly("Embedding");
    Finding f =
        r.findings().stream()
            .filter(x -> x.rule().equals("cpu-fallback-on-inf1"))
            .findFirst()
            .orElseThrow();
    assertThat(f.observed()).contains("Embedding ×3", "neuron-cc MXNet list");
    assertThat(f.source()).contains("neuron-cc-ops-mxnet.rst", "2021-08-12");
  }

  @Test
  void gluonExportLayoutTakesSizesFromTheParamsHeaders() throws IOException {
    Path symbol = copy("mask_rcnn_resnet18_v1b_coco-symbol.json");
    Path params = dir.resolve("mask_rcnn_resnet18_v1b_coco-0000.params");
    List<NdArrayWriter.Array> arrays = declaredArrays(symbol);
    NdArrayWriter.write(params, arrays);

    List<ModelLocator.Located> found = new ModelLocator(ReadLimits.DEFAULT).locate(dir);
    assertThat(found).extracting(ModelLocator.Located::path).containsExactly(symbol);
    ModelProfile p = new MxnetReader().read(symbol, ReadLimits.DEFAULT);

    assertThat(Files.size(params)).isGreaterThan(4 * MASK_RCNN_PARAMETERS);
    assertThat(p.weights().parameters()).hasValue(MASK_RCNN_PARAMETERS);
    assertThat(p.weights().estimated()).isFalse();
    assertThat(p.weights().basis())
        .isEqualTo(
            "115 arrays in mask_rcnn_resnet18_v1b_coco-0000.params (NDArray headers; data skipped)");
    assertThat(p.tensors()).hasSize(115);
    TensorInfo conv0 = p.tensors().get(0);
    assertThat(conv0.name()).isEqualTo("resnetv1b_conv0_weight");
    assertThat(conv0.shape()).containsExactly(64L, 3L, 7L, 7L);
    assertThat(conv0.file()).isEqualTo("mask_rcnn_resnet18_v1b_coco-0000.params");
    assertThat(p.tensors())
        .extracting(TensorInfo::name)
        .contains("resnetv1b_batchnorm0_running_mean");
    assertThat(p.notes()).noneMatch(n -> n.contains("not in") || n.contains("not variables"));
    assertThat(report(p).architecture().family()).isEqualTo(Family.R_CNN);
  }

  @Test
  void paramsNamedDirectlyAreReadWithTheirSymbol() throws IOException {
    Path symbol = copy("resnet50_v1-symbol.json");
    Path params = dir.resolve("resnet50_v1-0000.params");
    NdArrayWriter.write(
        params,
        List.of(
            new NdArrayWriter.Array("arg:resnetv10_conv0_weight", 0, List.of(64L, 3L, 7L, 7L)),
            new NdArrayWriter.Array("aux:resnetv10_batchnorm0_running_mean", 0, List.of(64L))));

    ModelProfile p = new MxnetReader().read(params, ReadLimits.DEFAULT);

    assertThat(p.graph()).isPresent();
    assertThat(p.weights().parameters()).hasValue(64L * 3 * 7 * 7 + 64);
    assertThat(p.notes()).anyMatch(n -> n.startsWith("297 parameters of the symbol are not in"));
    assertThat(report(p).architecture().family()).isEqualTo(Family.CNN);
    assertThat(symbol).exists();
  }

  @Test
  void theHighestEpochIsReadAndTheOthersNoted() throws IOException {
    Path symbol = copy("resnet50_v1-symbol.json");
    NdArrayWriter.write(
        dir.resolve("resnet50_v1-0009.params"),
        List.of(new NdArrayWriter.Array("arg:resnetv10_conv0_weight", 0, List.of(1L))));
    NdArrayWriter.write(
        dir.resolve("resnet50_v1-0010.params"),
        List.of(new NdArrayWriter.Array("arg:resnetv10_conv0_weight", 2, List.of(10L))));

    ModelProfile p = new MxnetReader().read(symbol, ReadLimits.DEFAULT);

    assertThat(p.weights().parameters()).hasValue(10);
    assertThat(p.weights().dtypes()).containsOnlyKeys(DType.F16);
    assertThat(p.notes()).anyMatch(n -> n.contains("resnet50_v1-0009.params"));
  }

  @Test
  void paramsAloneGiveSizesAndNoGraph() throws IOException {
    Path params = dir.resolve("weights.params");
    NdArrayWriter.write(
        params,
        List.of(
            new NdArrayWriter.Array("dense0_weight", 0, List.of(10L, 20L)),
            new NdArrayWriter.Array("dense0_bias", 6, List.of(10L))));

    List<ModelLocator.Located> found = new ModelLocator(ReadLimits.DEFAULT).locate(dir);
    assertThat(found).extracting(ModelLocator.Located::path).containsExactly(params);
    ModelProfile p = found.get(0).reader().read(params, ReadLimits.DEFAULT);

    assertThat(p.format()).isEqualTo(ModelFormat.MXNET);
    assertThat(p.graph()).isEmpty();
    assertThat(p.weights().parameters()).hasValue(210);
    assertThat(p.weights().bytes()).hasValue(200 * 4 + 10 * 8);
    assertThat(p.notes()).anyMatch(n -> n.contains("no -symbol.json beside it"));
  }

  @Test
  void arraysOfTheOldestLayoutWithoutAMagicAreRead() throws IOException {
    // rank 2 as the first u32, u32 dimensions, context, float16 flag, 6 elements of data
    ByteBuffer b =
        ByteBuffer.allocate(24 + 4 + 8 + 8 + 4 + 12 + 8 + 8 + 1).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0x112).putLong(0).putLong(1);
    b.putInt(2).putInt(2).putInt(3).putInt(1).putInt(0).putInt(2);
    b.position(b.position() + 12);
    b.putLong(1).putLong(1).put((byte) 'w');
    Path params = dir.resolve("old.params");
    Files.write(params, b.array());

    ModelProfile p = new MxnetReader().read(params, ReadLimits.DEFAULT);

    assertThat(p.tensors())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.name()).isEqualTo("w");
              assertThat(t.shape()).containsExactly(2L, 3L);
              assertThat(t.dtype()).isEqualTo(DType.F16);
              assertThat(t.bytes()).isEqualTo(12);
            });
  }

  @Test
  void aPayloadPastTheEndIsRefusedNamingTheArray() throws IOException {
    byte[] whole =
        NdArrayWriter.bytes(List.of(new NdArrayWriter.Array("arg:w", 0, List.of(1000L))));
    Path params = dir.resolve("cut.params");
    Files.write(params, java.util.Arrays.copyOf(whole, 200));

    assertThatThrownBy(() -> new MxnetReader().read(params, ReadLimits.DEFAULT))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(params.toString())
        .hasMessageContaining("array 0: 4000 bytes of data declared");
  }

  @Test
  void aNodeListsOnlyTheOutputsThatAreUsed() throws IOException {
    Path symbol = dir.resolve("m-symbol.json");
    Files.writeString(
        symbol,
        "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []},"
            + " {\"op\": \"SliceChannel\", \"name\": \"s\", \"inputs\": [[0, 0, 0]]},"
            + " {\"op\": \"relu\", \"name\": \"a\", \"inputs\": [[1, 9999, 0]]},"
            + " {\"op\": \"relu\", \"name\": \"b\", \"inputs\": [[1, 2, 0]]}],"
            + " \"heads\": [[2, 0, 0], [3, 0, 0]]}");

    ModelProfile p = new MxnetReader().read(symbol, ReadLimits.DEFAULT);

    assertThat(p.graph().orElseThrow().nodes().get(1).outputs())
        .containsExactly("s", "s:2", "s:9999");
    assertThat(p.graph().orElseThrow().nodes().get(2).inputs()).containsExactly("s:9999");
    assertThat(p.graph().orElseThrow().inputs()).extracting(v -> v.name()).containsExactly("x");
  }

  @Test
  void jsonReportsOfTheFixturesFollowTheSchema() throws IOException {
    List<Report> reports = new ArrayList<>();
    for (String f :
        List.of(
            "resnet50_v1-symbol.json",
            "mask_rcnn_resnet18_v1b_coco-symbol.json",
            "static_bert_qa-symbol.json")) {
      reports.add(report(new MxnetReader().read(copy(f), ReadLimits.DEFAULT)));
    }
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(reports, out);

    JsonNode json = JsonSchemas.report(out.toString());
    assertThat(json.toString()).contains("\"format\":\"mxnet\"");
  }

  /** The symbol's declared parameters as Gluon's export names them: aux: for running stats. */
  private static List<NdArrayWriter.Array> declaredArrays(Path symbol) throws IOException {
    JsonNode json = new ObjectMapper().readTree(symbol.toFile());
    List<NdArrayWriter.Array> out = new ArrayList<>();
    for (JsonNode n : json.get("nodes")) {
      JsonNode shape = n.path("attrs").path("__shape__");
      if (!n.get("op").asText().equals("null") || !shape.isTextual()) {
        continue;
      }
      List<Long> dims = new ArrayList<>();
      for (String d : shape.asText().replaceAll("[() ]", "").split(",")) {
        if (!d.isEmpty()) {
          dims.add(Long.parseLong(d));
        }
      }
      String name = n.get("name").asText();
      boolean aux = name.endsWith("_running_mean") || name.endsWith("_running_var");
      out.add(new NdArrayWriter.Array((aux ? "aux:" : "arg:") + name, 0, dims));
    }
    return out;
  }

  @Test
  void symbolAndParamsAreRecognisedByContent() {
    byte[] params = NdArrayWriter.bytes(List.of());
    assertThat(MxnetFiles.isParamsHead(params, params.length)).isTrue();
    byte[] symbol = " {\"nodes\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(MxnetFiles.isSymbolHead(symbol, symbol.length)).isTrue();
    byte[] config = "{\"model_type\": \"bert\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(MxnetFiles.isSymbolHead(config, config.length)).isFalse();
  }
}
