package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GraphClassifierTest {
  private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.load()::catalogue);

  // ---- the committed fixtures (core/src/test/resources/onnx/README.md) -----------------------

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "resnet18_tiny.onnx, cnn",
    "mobilenet_v2_tiny.onnx, cnn",
    "fasterrcnn_tiny.onnx, r-cnn",
    "maskrcnn_tiny.onnx, r-cnn",
    "vit_tiny.onnx, vision-transformer",
    "bert_tiny.onnx, transformer-encoder",
    "external_data/bert_tiny.onnx, transformer-encoder",
    "gpt_tiny.onnx, transformer-decoder",
    "seq2seq_tiny.onnx, transformer-encoder-decoder",
    "lstm_classifier.onnx, lstm",
    "gru_classifier.onnx, lstm",
    "crnn_tiny.onnx, lstm",
    "unet_conditional_tiny.onnx, diffusion",
    "unet_no_timestep.onnx, cnn",
    "single_matmul.onnx, unknown",
  })
  void classifiesTheFixtures(String file, String family) throws IOException {
    Fixture f = fixture(file);
    assertThat(f.result().family().id()).isEqualTo(family);
    assertThat(f.result().evidence()).isNotEmpty();
    if (f.result().isKnown()) {
      assertThat(f.result().confidence()).isGreaterThanOrEqualTo(Confidence.STRUCTURE_WEAK);
      assertThat(namedNodes(f))
          .as("evidence names nodes of the graph: %s", f.result().evidence())
          .isNotEmpty();
    } else {
      assertThat(f.result().confidence()).isZero();
    }
  }

  @Test
  void decoderEvidenceNamesTheTriluAndCountsTheBlocks() throws IOException {
    Classification c = fixture("gpt_tiny.onnx").result();
    assertThat(value(c, "attention blocks")).startsWith("2 MatMul → Softmax → MatMul, e.g. ");
    assertThat(value(c, "causal mask")).isEqualTo("2 of 2 blocks, e.g. Trilu /Trilu");
    assertThat(value(c, "token embedding")).contains("/wte/Gather");
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_STRONG);
    assertThat(c.alsoMatches()).isEmpty();
  }

  @Test
  void encoderDecoderKeysComeFromTheSourceSequence() throws IOException {
    Classification c = fixture("seq2seq_tiny.onnx").result();
    assertThat(value(c, "attention blocks")).startsWith("6 MatMul → Softmax → MatMul");
    assertThat(value(c, "cross-attention"))
        .startsWith("2 blocks, e.g. /transformer/decoder/layers.0/multihead_attn/Softmax")
        .endsWith("keys from src_ids, queries from tgt_ids");
    assertThat(value(c, "causal mask")).startsWith("2 of 6 blocks").contains("Trilu");
  }

  @Test
  void encoderHasAttentionWithoutACausalMask() throws IOException {
    Classification c = fixture("bert_tiny.onnx").result();
    assertThat(value(c, "causal mask")).startsWith("none");
    assertThat(c.evidence()).noneMatch(e -> e.key().equals("cross-attention"));
  }

  @Test
  void rcnnFindsNonMaxSuppressionInsideAnIfAndAlsoMatchesCnn() throws IOException {
    for (String file : List.of("fasterrcnn_tiny.onnx", "maskrcnn_tiny.onnx")) {
      Classification c = fixture(file).result();
      assertThat(value(c, "RoI pooling")).startsWith("RoiAlign ").contains("/roi_heads/");
      assertThat(value(c, "region proposals"))
          .contains("NonMaxSuppression 2", "TopK 1", ".else_branch");
      assertThat(c.alsoMatches()).extracting(AlsoMatch::family).containsExactly(Family.CNN);
    }
  }

  @Test
  void crnnIsAnLstmThatAlsoMatchesCnn() throws IOException {
    Classification c = fixture("crnn_tiny.onnx").result();
    assertThat(value(c, "recurrent layers")).startsWith("LSTM 2, e.g. ");
    assertThat(value(c, "convolutions")).startsWith("Conv 4");
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).containsExactly(Family.CNN);
    assertThat(fixture("lstm_classifier.onnx").result().alsoMatches()).isEmpty();
  }

  @Test
  void diffusionNamesTheTimestepSkipsAndCrossAttentionAndAlsoMatchesCnn() throws IOException {
    Classification c = fixture("unet_conditional_tiny.onnx").result();
    assertThat(value(c, "timestep input"))
        .startsWith("timestep [1]: Sin /Sin and Cos /Cos feed Concat /Concat");
    assertThat(value(c, "skip concatenations")).contains("/Concat_2");
    assertThat(value(c, "cross-attention")).contains("keys from encoder_hidden_states");
    assertThat(value(c, "output")).isEqualTo("noise_pred [1, 4, 16, 16]");
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).containsExactly(Family.CNN);
  }

  @Test
  void unetWithoutTimestepIsACnnAndSaysWhyNotDiffusion() throws IOException {
    Classification c = fixture("unet_no_timestep.onnx").result();
    assertThat(value(c, "skip concatenations")).contains("Concat 3", "no timestep input");
    assertThat(value(c, "convolutions")).startsWith("Conv 15, ConvTranspose 3");
  }

  @Test
  void visionTransformerNamesThePatchConv() throws IOException {
    Classification c = fixture("vit_tiny.onnx").result();
    assertThat(value(c, "patch embedding"))
        .isEqualTo("Conv 1, e.g. /conv_proj/Conv kernel [8, 8] stride [8, 8]");
  }

  @Test
  void cnnGivesItsShareOfNodesAndWeights() throws IOException {
    Classification c = fixture("resnet18_tiny.onnx").result();
    assertThat(value(c, "convolutions"))
        .startsWith("Conv 20, e.g. /conv1/Conv")
        .contains("% of ", " compute nodes", "kernels hold ");
  }

  @Test
  void unknownListsWhatWasLookedAtAndDoesNotFallBackToTensorNames() throws IOException {
    Classification c = fixture("single_matmul.onnx").result();
    assertThat(c.evidence())
        .extracting(Evidence::key)
        .containsExactly("operators", "attention blocks", "recurrent layers", "convolutions");
    assertThat(value(c, "operators")).isEqualTo("1 node: MatMul 1");
  }

  // ---- graphs built here: the edges of "too little evidence" -------------------------------

  @Test
  void aLoneLstmOpIsAnLstmModel() {
    Classification c =
        classify(
            new G()
                .input("X", DType.F32, 1, 3, 2)
                .input("W", DType.F32, 1, 12, 2)
                .input("R", DType.F32, 1, 12, 3)
                .node("", "LSTM", List.of("X", "W", "R"), List.of("", "Y_h")));
    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_WEAK);
    assertThat(c.evidence().get(0).meaning()).contains("lone recurrent op");
  }

  @Test
  void twoConvsWithoutPoolingOrHeadAreAFragment() {
    G g =
        new G()
            .input("x", DType.F32, 1, 3, 32, 32)
            .weight("w1", 8, 3, 3, 3)
            .weight("w2", 8, 8, 3, 3)
            .node("c1", "Conv", List.of("x", "w1"), List.of("a"))
            .node("r1", "Relu", List.of("a"), List.of("b"))
            .node("c2", "Conv", List.of("b", "w2"), List.of("y"));
    Classification c = classify(g);
    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(value(c, "convolutions")).isEqualTo("Conv 2, e.g. c1, c2");
    g.weight("w3", 8, 8, 3, 3).node("c3", "Conv", List.of("y", "w3"), List.of("z"));
    assertThat(classify(g).family()).isEqualTo(Family.CNN);
  }

  @Test
  void oneAttentionOpWithACacheIsAFragmentButWithTokenEmbeddingsAModel() {
    G fragment =
        new G()
            .input("Q", DType.F32, 2, 3, 4, 8)
            .input("K", DType.F32, 2, 3, 6, 8)
            .input("V", DType.F32, 2, 3, 6, 8)
            .input("past_key", DType.F32, 2, 3, 12, 8)
            .output("present_key")
            .node(
                "attn",
                "",
                "Attention",
                List.of("Q", "K", "V", "", "past_key"),
                List.of("Y", "present_key"),
                Map.of("is_causal", new AttributeValue.Int(1)));
    Classification c = classify(fragment);
    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(value(c, "attention blocks")).contains("attn", "is_causal=1");

    G model =
        new G()
            .input("input_ids", DType.I64, 1, 16)
            .weight("wte", 100, 32)
            .weight("qkv", 32, 96)
            .node("emb", "Gather", List.of("wte", "input_ids"), List.of("h"))
            .node(
                "attn",
                "com.microsoft",
                "Attention",
                List.of("h", "qkv"),
                List.of("a"),
                Map.of("unidirectional", new AttributeValue.Int(1)));
    Classification d = classify(model);
    assertThat(d.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(value(d, "causal mask")).isEqualTo("1 of 1 blocks, e.g. unidirectional=1 on attn");
  }

  @Test
  void beamSearchWithAnEncoderIsAnEncoderDecoder() {
    G g =
        new G()
            .input("encoder_input_ids", DType.I64, 1, 8)
            .node(
                "search",
                "com.microsoft",
                "BeamSearch",
                List.of("encoder_input_ids"),
                List.of("sequences"),
                Map.of(
                    "model_type", new AttributeValue.Int(1),
                    "encoder", new AttributeValue.Subgraph("search.encoder"),
                    "decoder", new AttributeValue.Subgraph("search.decoder")));
    Classification c = classify(g);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(value(c, "generation op")).isEqualTo("BeamSearch search (model_type=1)");
  }

  @Test
  void aGraphWithoutNodesIsADecoderByItsCacheSignatureOnly() {
    G g =
        new G()
            .input("input_ids", DType.I64, 1, 8)
            .input("past_key_values.0.key", DType.F32, 1, 2, 4, 8)
            .output("logits")
            .output("present.0.key");
    Classification c = classify(g);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_WEAK);
    assertThat(c.evidence().get(0).meaning()).contains("names only", "no nodes");
    g.input("past_key_cross_0", DType.F32, 1, 2, 4, 8);
    assertThat(classify(g).family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
  }

  @Test
  void roiAlignNeedsProposalLogicWhichMaySitInsideAnIf() {
    G g =
        new G()
            .input("features", DType.F32, 1, 16, 32, 32)
            .input("rois", DType.F32, 10, 4)
            .input("idx", DType.I64, 10)
            .node("roi", "RoiAlign", List.of("features", "rois", "idx"), List.of("pooled"));
    Classification alone = classify(g);
    assertThat(alone.family()).isEqualTo(Family.UNKNOWN);
    assertThat(value(alone, "RoI pooling")).isEqualTo("RoiAlign 1, e.g. roi");
    g.node(
            "check",
            "",
            "If",
            List.of("cond"),
            List.of("kept"),
            Map.of("else_branch", new AttributeValue.Subgraph("check.else_branch")))
        .scoped(
            "check.else_branch",
            "nms",
            "NonMaxSuppression",
            List.of("rois", "scores"),
            List.of("keep"));
    Classification withNms = classify(g);
    assertThat(withNms.family()).isEqualTo(Family.R_CNN);
    assertThat(value(withNms, "region proposals"))
        .isEqualTo("NonMaxSuppression 1, e.g. nms in check.else_branch");
  }

  @Test
  void aLoopBodyWithMatMulAndGatesIsUnrolledRecurrence() {
    G g =
        new G()
            .input("x", DType.F32, 5, 1, 4)
            .weight("w", 8, 16)
            .node(
                "scan",
                "",
                "Scan",
                List.of("h0", "x"),
                List.of("h", "ys"),
                Map.of("body", new AttributeValue.Subgraph("scan.body")))
            .scoped("scan.body", "mm", "MatMul", List.of("xt", "w"), List.of("gates"))
            .scoped("scan.body", "sig", "Sigmoid", List.of("gates"), List.of("i"))
            .scoped("scan.body", "tanh", "Tanh", List.of("gates"), List.of("j"));
    Classification c = classify(g);
    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(value(c, "unrolled recurrence"))
        .isEqualTo("Scan scan whose body has MatMul 1, Sigmoid 1, Tanh 1");
  }

  @Test
  void triangularMasksInEitherOrientationAndWithAnyTwoValues() {
    double inf = Double.NEGATIVE_INFINITY;
    assertThat(CausalMasks.isTriangular(mask(2, 1, 0, 1, 1))).isTrue();
    assertThat(CausalMasks.isTriangular(mask(2, 0, inf, 0, 0))).isTrue();
    assertThat(CausalMasks.isTriangular(mask(3, 0, -1e4, -1e4, 0, 0, -1e4, 0, 0, 0))).isTrue();
    assertThat(CausalMasks.isTriangular(mask(2, 1, 1, 1, 1))).isFalse();
    assertThat(CausalMasks.isTriangular(mask(2, 1, 0, 0, 1))).isFalse();
    assertThat(CausalMasks.isTriangular(new ConstantValue(List.of(1L, 3L), List.of(1.0, 0.0, 0.0))))
        .isFalse();
  }

  // ---- helpers ---------------------------------------------------------------------------

  private record Fixture(Graph graph, Classification result) {}

  private static Fixture fixture(String file) throws IOException {
    ModelProfile p =
        new OnnxReader()
            .read(
                TestFiles.repoRoot().resolve("core/src/test/resources/onnx").resolve(file),
                ReadLimits.DEFAULT);
    return new Fixture(p.graph().orElseThrow(), CLASSIFIER.classify(p));
  }

  /** Names of graph nodes mentioned in the evidence. */
  private static List<String> namedNodes(Fixture f) {
    List<String> found = new ArrayList<>();
    for (OpNode n : f.graph().nodes()) {
      if (!n.name().isEmpty()
          && f.result().evidence().stream().anyMatch(e -> e.value().contains(n.name()))) {
        found.add(n.name());
      }
    }
    return found;
  }

  private static String value(Classification c, String key) {
    return c.evidence().stream()
        .filter(e -> e.key().equals(key))
        .map(Evidence::value)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no evidence " + key + " in " + c.evidence()));
  }

  private static ConstantValue mask(int n, double... values) {
    List<Double> v = new ArrayList<>();
    for (double d : values) {
      v.add(d);
    }
    return new ConstantValue(List.of((long) n, (long) n), v);
  }

  private static Classification classify(G g) {
    Graph graph =
        new Graph(
            Map.of("", 17L), "test", Map.of(), g.inputs, g.outputs, g.nodes, Map.of(), Map.of());
    return CLASSIFIER.classify(
        new ModelProfile(
            "m.onnx",
            ModelFormat.ONNX,
            Framework.UNKNOWN,
            WeightSummary.fromTensors(g.tensors, "test"),
            g.tensors,
            Optional.empty(),
            Optional.of(graph),
            List.of(),
            List.of()));
  }

  /** A small graph under construction. */
  private static final class G {
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    final List<OpNode> nodes = new ArrayList<>();
    final List<TensorInfo> tensors = new ArrayList<>();

    G input(String name, DType type, long... dims) {
      List<ValueInfo.Dim> shape = new ArrayList<>();
      for (long d : dims) {
        shape.add(ValueInfo.Dim.of(d));
      }
      inputs.add(new ValueInfo(name, Optional.of(type), shape));
      return this;
    }

    G output(String name) {
      outputs.add(new ValueInfo(name, Optional.of(DType.F32), List.of()));
      return this;
    }

    G weight(String name, long... dims) {
      List<Long> shape = new ArrayList<>();
      long n = 1;
      for (long d : dims) {
        shape.add(d);
        n *= d;
      }
      tensors.add(new TensorInfo(name, DType.F32, shape, n, 4 * n, "m.onnx"));
      return this;
    }

    G node(String name, String op, List<String> in, List<String> out) {
      return node(name, "", op, in, out, Map.of());
    }

    G node(
        String name,
        String domain,
        String op,
        List<String> in,
        List<String> out,
        Map<String, AttributeValue> attrs) {
      nodes.add(new OpNode(name, op, domain, in, out, attrs, ""));
      return this;
    }

    /** A subgraph node; the reader lists subgraph nodes before their owner. */
    G scoped(String scope, String name, String op, List<String> in, List<String> out) {
      int owner = nodes.size() - 1;
      nodes.add(owner, new OpNode(name, op, "", in, out, Map.of(), scope));
      return this;
    }
  }
}
