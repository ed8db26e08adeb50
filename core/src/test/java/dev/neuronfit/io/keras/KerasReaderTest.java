package dev.neuronfit.io.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KerasReaderTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    return TestFiles.repoRoot().resolve("core/src/test/resources/keras").resolve(name);
  }

  static ModelProfile read(Path file) throws IOException {
    if (file.getFileName().toString().endsWith(".keras")) {
      try (SafeZip zip = SafeZip.open(file, ReadLimits.DEFAULT)) {
        return KerasReader.readArchive(zip, file, ReadLimits.DEFAULT);
      }
    }
    return new KerasReader().read(file, ReadLimits.DEFAULT);
  }

  private static OpNode node(ModelProfile p, String name) {
    return p.graph().orElseThrow().nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name));
  }

  @Test
  void readsTheLayersOfAFunctionalH5ModelAsNodesWithTheirConnections() throws IOException {
    ModelProfile p = read(fixture("crnn_functional.h5"));
    Graph g = p.graph().orElseThrow();

    assertThat(p.format()).isEqualTo(ModelFormat.KERAS);
    assertThat(p.framework()).isEqualTo(Framework.TENSORFLOW);
    assertThat(g.producer()).isEqualTo("keras 2.15.0");
    assertThat(g.metadata())
        .containsEntry("backend", "tensorflow")
        .containsEntry("optimizer", "Adam");
    assertThat(g.mainNodes())
        .extracting(OpNode::opType)
        .containsExactly(
            "Conv2D",
            "MaxPooling2D",
            "Conv2D",
            "MaxPooling2D",
            "Permute",
            "Reshape",
            "Bidirectional",
            "Dense");
    assertThat(g.inputs())
        .singleElement()
        .satisfies(i -> assertThat(i.shapeText()).isEqualTo("[?, 32, 64, 1]"));
    assertThat(g.outputs()).extracting(v -> v.name()).containsExactly("chars");
    assertThat(node(p, "conv1").domain()).isEqualTo("keras");
    assertThat(node(p, "conv1").inputs()).containsExactly("image");
    assertThat(node(p, "conv1").attributes())
        .containsEntry("filters", new AttributeValue.Int(8))
        .containsEntry("kernel_size", new AttributeValue.Ints(List.of(3L, 3L)));
    assertThat(node(p, "chars").inputs()).containsExactly("bilstm");
    // the wrapped LSTM is a node of its own, in the wrapper's scope
    OpNode lstm = node(p, "lstm");
    assertThat(lstm.scope()).isEqualTo("bilstm");
    assertThat(lstm.attributes())
        .containsEntry("units", new AttributeValue.Int(24))
        .containsEntry("return_sequences", new AttributeValue.Int(1));
    assertThat(node(p, "bilstm").attributes())
        .containsEntry("layer", new AttributeValue.Text("LSTM"))
        .containsEntry("inner", new AttributeValue.Subgraph("bilstm"));
  }

  @Test
  void countsParametersFromTheWeightHeadersLeavingOptimizerStateOut() throws IOException {
    ModelProfile p = read(fixture("crnn_functional.h5"));

    // conv 3*3*1*8+8, conv 3*3*8*16+16, 2 x LSTM 4*((128+24)*24+24), Dense 48*37+37
    assertThat(p.weights().parameters()).hasValue(80 + 1168 + 2 * 14688 + 1813);
    assertThat(p.weights().estimated()).isFalse();
    assertThat(p.weights().dtypes()).containsOnlyKeys(DType.F32);
    assertThat(p.tensors())
        .extracting(TensorInfo::name)
        .contains("model_weights/bilstm/bilstm/forward_lstm/lstm_cell/recurrent_kernel:0")
        .noneMatch(n -> n.startsWith("optimizer_weights"));
    assertThat(p.tensors()).allSatisfy(t -> assertThat(t.file()).isEqualTo("crnn_functional.h5"));
  }

  @Test
  void readsAKerasArchiveWithTheLayerWeightsOfItsWeightsEntry() throws IOException {
    ModelProfile p = read(fixture("vit_patches.keras"));
    Graph g = p.graph().orElseThrow();

    assertThat(g.producer()).isEqualTo("keras 3.3.3");
    assertThat(g.metadata())
        .containsEntry("keras_format", "keras")
        .containsEntry("optimizer", "Adam");
    assertThat(p.weights().parameters()).hasValue(14954);
    assertThat(p.tensors())
        .extracting(TensorInfo::name)
        .contains("layers/patch_embedding/vars/0")
        .noneMatch(n -> n.startsWith("optimizer"));
    assertThat(node(p, "patch_embedding").attributes())
        .containsEntry("strides", new AttributeValue.Ints(List.of(8L, 8L)))
        .containsEntry("input_shape", new AttributeValue.Ints(List.of(-1L, 32L, 32L, 3L)));
    assertThat(node(p, "block_1_attention").inputs()).containsExactly("block_0_attention");
  }

  @Test
  void recordsCausalMasksAndCrossAttentionFromTheCallArguments() throws IOException {
    ModelProfile p = read(fixture("seq2seq_transformer.h5"));

    assertThat(node(p, "decoder_self_attention").attributes())
        .containsEntry("use_causal_mask", new AttributeValue.Int(1))
        .doesNotContainKey("cross_attention");
    assertThat(node(p, "decoder_cross_attention").attributes())
        .containsEntry("cross_attention", new AttributeValue.Int(1));
    assertThat(node(p, "decoder_cross_attention").inputs())
        .containsExactly("decoder_self_attention", "encoder_norm");
    assertThat(node(p, "encoder_self_attention").attributes()).doesNotContainKey("cross_attention");
  }

  @Test
  void keepsTheLayersOfANestedModelInItsOwnScope() throws IOException {
    ModelProfile p = read(fixture("nested_sequential.h5"));

    assertThat(node(p, "features").attributes())
        .containsEntry("layers", new AttributeValue.Subgraph("features"));
    assertThat(node(p, "c1").scope()).isEqualTo("features");
    assertThat(node(p, "c1").inputs()).containsExactly("picture");
    assertThat(node(p, "c2").inputs()).containsExactly("features/c1");
    assertThat(p.weights().parameters()).hasValue(285);
  }

  @Test
  void recordsLambdaBytecodeAsAHazardWithoutDecodingIt() throws IOException {
    ModelProfile p = read(fixture("lambda_mlp.h5"));

    assertThat(p.hazards())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.kind()).isEqualTo("keras-lambda");
              assertThat(h.detail()).contains("scale").contains("config.function");
              assertThat(h.place()).isEqualTo("attribute model_config, config.layers[2]");
            });
    assertThat(node(p, "scale").attributes()).doesNotContainKey("function");
  }

  @Test
  void recordsKeras3LambdaBytecodeAndNotesLambdasThatNameAFunction() throws IOException {
    String config =
        """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"module": "keras.layers", "class_name": "InputLayer",
           "config": {"batch_shape": [null, 4], "name": "x"}},
          {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "code",
           "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAA"}}}},
          {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "named",
           "function": {"module": "builtins", "class_name": "function", "config": "square",
                        "registered_name": "function"}}}]}}
        """;
    Path file = tmp.resolve("lambda.keras");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("config.json"));
      z.write(config.getBytes(StandardCharsets.UTF_8));
    }

    ModelProfile p = read(file);

    assertThat(p.hazards())
        .singleElement()
        .satisfies(h -> assertThat(h.detail()).startsWith("Lambda layer code holds"));
    assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("Lambda layer named calls"));
    assertThat(p.weights().basis()).contains("no weights file");
  }

  @Test
  void readsAnArchiveWhoseMetadataIsBrokenAndSaysSo() throws IOException {
    Path file = tmp.resolve("broken-metadata.keras");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("metadata.json"));
      z.write("{\"keras_version\": ".getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("config.json"));
      z.write(configOf(fixture("vit_patches.keras")).getBytes(StandardCharsets.UTF_8));
    }

    ModelProfile p = read(file);

    assertThat(p.graph().orElseThrow().producer()).isEqualTo("keras");
    assertThat(p.notes())
        .anySatisfy(
            n -> assertThat(n).startsWith("metadata.json ignored: ").contains("not valid JSON"));
  }

  @Test
  void hasNoHazardsWithoutLambdaLayers() throws IOException {
    assertThat(read(fixture("crnn_functional.h5")).hazards()).isEmpty();
  }

  @Test
  void estimatesParametersFromTheConfigsWhenTheFileHasNoWeights() throws IOException {
    ModelProfile p = read(fixture("cnn_config_only.h5"));

    // conv 160, batch norm 4*16, conv 4640, conv without bias 9216, dense 6*6*32*10+10
    assertThat(p.weights().parameters()).hasValue(160 + 64 + 4640 + 9216 + 11530);
    assertThat(p.weights().estimated()).isTrue();
    assertThat(p.weights().basis()).contains("no model_weights group").contains("estimated");
    assertThat(p.tensors()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "crnn_functional.h5",
        "seq2seq_transformer.h5",
        "nested_sequential.h5",
        "vit_patches.keras"
      })
  void estimatesWhatTheWeightsHold(String name) throws IOException {
    ModelProfile p = read(fixture(name));
    Graph g = p.graph().orElseThrow();

    assertThat(KerasParameters.estimate(g.nodes(), g.inputs()).parameters())
        .isEqualTo(Optional.of(p.weights().parameters().orElseThrow()));
  }

  @Test
  void estimatesWhatTheWeightsHoldForTheSharedModelsItCanSize() throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(
        shared.isPresent(),
        TestFiles.skipMessage(
            "that the parameters estimated from the layers of the corpus's Keras models equal"
                + " what their weights hold"));
    int sized = 0;
    for (String line : Files.readAllLines(shared.get().resolve("models/MANIFEST.tsv"))) {
      String[] c = line.split("\t");
      if (c.length > 1 && c[1].startsWith("keras")) {
        ModelProfile p = read(shared.get().resolve("models").resolve(c[0]));
        Graph g = p.graph().orElseThrow();
        Optional<Long> est = KerasParameters.estimate(g.nodes(), g.inputs()).parameters();
        if (est.isPresent()) {
          sized++;
          assertThat(est).as(c[0]).hasValue(p.weights().parameters().orElseThrow());
        }
      }
    }
    assertThat(sized).isGreaterThanOrEqualTo(10);
  }

  @Test
  void neverFollowsSoftOrExternalLinksAmongTheWeights() throws IOException {
    ModelProfile p = read(fixture("links.h5"));

    assertThat(p.weights().parameters()).hasValue(6);
    assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("a link, not followed"));
  }

  @Test
  void estimatesInsteadOfReadingAWeightsEntryOverTheCap() throws IOException {
    Path file = tmp.resolve("big.keras");
    String config = configOf(fixture("vit_patches.keras"));
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("config.json"));
      z.write(config.getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("model.weights.h5"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i <= KerasReader.MAX_WEIGHTS_ENTRY_BYTES >> 20; i++) {
        z.write(zeros);
      }
    }

    ModelProfile p = read(file);

    assertThat(p.weights().estimated()).isTrue();
    assertThat(p.weights().parameters()).hasValue(14954);
    assertThat(p.weights().basis()).contains("over the 67108864 bytes neuronfit reads");
  }

  private static String configOf(Path archive) throws IOException {
    try (SafeZip zip = SafeZip.open(archive, ReadLimits.DEFAULT)) {
      return new String(zip.read("config.json", 1 << 20), StandardCharsets.UTF_8);
    }
  }
}
