package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.Family;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Families of Keras models from their layers. Models are Keras 3 functional configs built here (one
 * layer per call, connected by {@code __keras_tensor__} arguments), written into a .keras archive
 * without weights and read through {@link KerasReader#readArchive}; the fixtures of {@code
 * src/test/resources/keras/} add the Keras 2 call format.
 */
class KerasClassifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** A Keras 3 functional model under construction. */
  private static final class Model {
    private final ArrayNode layers = JSON.createArrayNode();
    private String last;

    Model input(String name, Integer... shape) {
      ObjectNode config = JSON.createObjectNode();
      ArrayNode batch = config.putArray("batch_shape").addNull();
      for (Integer d : shape) {
        batch.add(d);
      }
      config.put("name", name);
      layer("InputLayer", name, config, List.of(), Map.of());
      return this;
    }

    /** A layer called on the last layer's output. */
    Model then(String cls, String name, Object... config) {
      return call(cls, name, List.of(last), Map.of(), config);
    }

    Model call(
        String cls, String name, List<String> args, Map<String, Object> kwargs, Object... config) {
      ObjectNode c = JSON.createObjectNode().put("name", name);
      for (int i = 0; i < config.length; i += 2) {
        c.set((String) config[i], JSON.valueToTree(config[i + 1]));
      }
      return layer(cls, name, c, args, kwargs);
    }

    private Model layer(
        String cls, String name, ObjectNode config, List<String> args, Map<String, Object> kwargs) {
      ObjectNode l = layers.addObject().put("module", "keras.layers").put("class_name", cls);
      l.set("config", config);
      l.put("name", name);
      ArrayNode inbound = l.putArray("inbound_nodes");
      if (!args.isEmpty()) {
        ObjectNode call = inbound.addObject();
        ArrayNode a = call.putArray("args");
        args.forEach(src -> a.add(tensor(src)));
        call.set("kwargs", JSON.valueToTree(kwargs));
      }
      last = name;
      return this;
    }

    static ObjectNode tensor(String layer) {
      ObjectNode t = JSON.createObjectNode().put("class_name", "__keras_tensor__");
      t.putObject("config").putArray("keras_history").add(layer).add(0).add(0);
      return t;
    }

    String json() {
      ObjectNode root = JSON.createObjectNode().put("class_name", "Functional");
      ObjectNode config = root.putObject("config").put("name", "m");
      config.set("layers", layers);
      config.putArray("output_layers").addArray().add(last).add(0).add(0);
      return root.toString();
    }
  }

  private Classification classify(Model m) throws IOException {
    Path file = tmp.resolve("m" + System.nanoTime() + ".keras");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("config.json"));
      z.write(m.json().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try (SafeZip zip = SafeZip.open(file, ReadLimits.DEFAULT)) {
      return classifier().classify(KerasReader.readArchive(zip, file, ReadLimits.DEFAULT));
    }
  }

  private static Classifier classifier() {
    return new Classifier(
        () -> {
          throw new IllegalStateException("Keras models do not need the catalogue");
        });
  }

  private static Classification fixture(String name) throws IOException {
    Path file = TestFiles.repoRoot().resolve("core/src/test/resources/keras").resolve(name);
    if (name.endsWith(".keras")) {
      try (SafeZip zip = SafeZip.open(file, ReadLimits.DEFAULT)) {
        return classifier().classify(KerasReader.readArchive(zip, file, ReadLimits.DEFAULT));
      }
    }
    return classifier().classify(new KerasReader().read(file, ReadLimits.DEFAULT));
  }

  private static Model text(int blocks, Map<String, Object> kwargs) {
    Model m =
        new Model().input("ids", 16).then("Embedding", "tokens", "input_dim", 100, "output_dim", 8);
    String x = "tokens";
    for (int i = 0; i < blocks; i++) {
      m.call("MultiHeadAttention", "mha" + i, List.of(x, x), kwargs, "num_heads", 2, "key_dim", 4);
      x = "mha" + i;
    }
    return m.then("Dense", "out", "units", 2);
  }

  @Test
  void aStackOfLstmsIsAnLstmModel() throws IOException {
    Classification c =
        classify(
            new Model()
                .input("x", 10, 4)
                .then("LSTM", "l1", "units", 8, "return_sequences", true)
                .then("LSTM", "l2", "units", 8)
                .then("Dense", "d", "units", 1));

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_STRONG);
    assertThat(c.evidence()).anySatisfy(e -> assertThat(e.value()).isEqualTo("2 LSTM (l1, l2)"));
  }

  @Test
  void simpleRnnsAloneAreTheRecurrentFamilyWithLessConfidence() throws IOException {
    Classification c =
        classify(
            new Model()
                .input("x", 10, 4)
                .then("SimpleRNN", "rnn", "units", 8)
                .then("Dense", "d", "units", 1));

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_WEAK);
  }

  @Test
  void aCrnnIsAnLstmThatAlsoMatchesCnn() throws IOException {
    Classification c = fixture("crnn_functional.h5");

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.evidence())
        .anySatisfy(e -> assertThat(e.value()).isEqualTo("1 LSTM (lstm in bilstm)"));
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).containsExactly(Family.CNN);
  }

  @Test
  void threeConvolutionsAreACnn() throws IOException {
    Classification c = fixture("cnn_config_only.h5");

    assertThat(c.family()).isEqualTo(Family.CNN);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_STRONG);
  }

  @Test
  void twoConvolutionsInANestedSequentialAreASmallCnn() throws IOException {
    Classification c = fixture("nested_sequential.h5");

    assertThat(c.family()).isEqualTo(Family.CNN);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_WEAK);
    assertThat(c.evidence()).anySatisfy(e -> assertThat(e.value()).contains("c1 in features"));
  }

  @Test
  void oneConvolutionWithoutPoolingIsNotACnn() throws IOException {
    Classification c =
        classify(
            new Model()
                .input("x", 8, 8, 3)
                .then("Conv2D", "c", "filters", 4, "kernel_size", List.of(3, 3))
                .then("Flatten", "f")
                .then("Dense", "d", "units", 2));

    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(c.evidence()).anySatisfy(e -> assertThat(e.meaning()).contains("one convolution"));
  }

  @Test
  void embeddedTokensThroughAttentionBlocksAreAnEncoder() throws IOException {
    Classification c = classify(text(2, Map.of()));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_STRONG);
    assertThat(fixture("text_encoder.keras").family()).isEqualTo(Family.TRANSFORMER_ENCODER);
  }

  @Test
  void attentionWithACausalMaskIsADecoder() throws IOException {
    Classification c = classify(text(2, Map.of("use_causal_mask", true)));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.evidence()).anySatisfy(e -> assertThat(e.key()).isEqualTo("causal masking"));
    assertThat(fixture("gpt_decoder.keras").family()).isEqualTo(Family.TRANSFORMER_DECODER);
  }

  @Test
  void attentionFalseForTheCausalMaskIsStillAnEncoder() throws IOException {
    assertThat(classify(text(2, Map.of("use_causal_mask", false))).family())
        .isEqualTo(Family.TRANSFORMER_ENCODER);
  }

  @Test
  void crossAttentionBetweenTwoInputsIsAnEncoderDecoder() throws IOException {
    Model m =
        new Model()
            .input("src", 12)
            .then("Embedding", "src_emb", "input_dim", 50, "output_dim", 8)
            .input("tgt", 10)
            .then("Embedding", "tgt_emb", "input_dim", 50, "output_dim", 8)
            .call(
                "MultiHeadAttention",
                "enc",
                List.of("src_emb", "src_emb"),
                Map.of(),
                "num_heads",
                2)
            .call(
                "MultiHeadAttention", "cross", List.of("tgt_emb", "enc"), Map.of(), "num_heads", 2)
            .then("Dense", "logits", "units", 50);

    Classification c = classify(m);

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(c.evidence())
        .anySatisfy(e -> assertThat(e.value()).isEqualTo("1 MultiHeadAttention (cross)"));
    assertThat(fixture("seq2seq_transformer.h5").family())
        .isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
  }

  @Test
  void aStridedPatchConvolutionBeforeAttentionIsAVisionTransformer() throws IOException {
    Classification c = fixture("vit_patches.keras");

    assertThat(c.family()).isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(c.evidence())
        .anySatisfy(e -> assertThat(e.value()).isEqualTo("1 Conv2D (patch_embedding)"));
    assertThat(c.alsoMatches()).isEmpty();
  }

  @Test
  void attentionOverAnOrdinaryConvolutionIsNoPatchEmbedding() throws IOException {
    Model m =
        new Model()
            .input("img", 32, 32, 3)
            .then(
                "Conv2D",
                "conv",
                "filters",
                8,
                "kernel_size",
                List.of(3, 3),
                "strides",
                List.of(1, 1))
            .then("Reshape", "seq", "target_shape", List.of(1024, 8))
            .call("MultiHeadAttention", "a0", List.of("seq", "seq"), Map.of(), "num_heads", 2)
            .call("MultiHeadAttention", "a1", List.of("a0", "a0"), Map.of(), "num_heads", 2);

    Classification c = classify(m);

    assertThat(c.family()).isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_WEAK);
    assertThat(c.evidence()).noneSatisfy(e -> assertThat(e.key()).isEqualTo("patch embedding"));
  }

  @Test
  void aLoneAttentionLayerWithoutEmbeddingIsUnknown() throws IOException {
    Model m =
        new Model()
            .input("x", 22)
            .then("Dense", "d", "units", 8)
            .call("Attention", "att", List.of("d", "d"), Map.of())
            .then("Dense", "out", "units", 1);

    Classification c = classify(m);

    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(c.confidence()).isZero();
    assertThat(c.evidence())
        .anySatisfy(e -> assertThat(e.meaning()).contains("one attention layer"));
  }

  @Test
  void aDenseModelWithEmbeddingsIsUnknown() throws IOException {
    Classification c =
        classify(
            new Model()
                .input("user", 1)
                .then("Embedding", "e", "input_dim", 100, "output_dim", 4)
                .then("Flatten", "f")
                .then("Dense", "d", "units", 1));

    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(fixture("lambda_mlp.h5").family()).isEqualTo(Family.UNKNOWN);
  }

  @Test
  void roiPoolingWithProposalLayersIsAnRcnn() throws IOException {
    Model m =
        new Model()
            .input("img", 64, 64, 3)
            .then("Conv2D", "c1", "filters", 4)
            .then("Conv2D", "c2", "filters", 4)
            .then("Conv2D", "c3", "filters", 4)
            .then("ProposalLayer", "rpn_proposals")
            .then("PyramidROIAlign", "roi_align")
            .then("Dense", "cls", "units", 3);

    Classification c = classify(m);

    assertThat(c.family()).isEqualTo(Family.R_CNN);
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).contains(Family.CNN);
  }

  @Test
  void roiPoolingWithoutProposalsIsNotAnRcnn() throws IOException {
    Model m =
        new Model()
            .input("img", 64, 64, 3)
            .then("Conv2D", "c1", "filters", 4)
            .then("Conv2D", "c2", "filters", 4)
            .then("Conv2D", "c3", "filters", 4)
            .then("PyramidROIAlign", "roi_align");

    assertThat(classify(m).family()).isEqualTo(Family.CNN);
  }
}
