package dev.neuronfit.estimate.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workloads of Keras model configs, each checked against a count worked out by hand in its comment
 * (multiply-accumulates; FLOPs are twice that). Configs are written into .keras archives without
 * weights and read by {@link KerasReader}, so the reader's own layer graph is what is walked.
 */
class KerasWorkloadTest {
  @TempDir Path tmp;

  @Test
  void countsAnMlp() throws IOException {
    Workload w =
        estimate(
            sequential(
                input("[null, 784]"),
                layer("Dense", "\"units\": 128"),
                layer("Dense", "\"units\": 10")));

    // 784 * 128 + 128 * 10 = 100,352 + 1,280 = 101,632 MACs
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 101_632);
    assertThat(w.costUnknownOps()).isEmpty();
    // the parameters, estimated from the config, at BF16: (784*128 + 128) + (128*10 + 10)
    assertThat(w.weightBytes()).isEqualTo(2L * (100_480 + 1_290));
    assertThat(w.assumptions()).anySatisfy(a -> assertThat(a).contains("axis 0 of"));
  }

  @Test
  void countsAConv2dWithSameAndValidPadding() throws IOException {
    String conv = "\"filters\": 32, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": ";
    Workload same =
        estimate(sequential(input("[null, 28, 28, 1]"), layer("Conv2D", conv + "\"same\"")));
    Workload valid =
        estimate(sequential(input("[null, 28, 28, 1]"), layer("Conv2D", conv + "\"valid\"")));

    // same keeps 28 x 28: 28 * 28 * 32 outputs of 3 * 3 * 1 MACs = 225,792
    assertThat(same.phases().get(0).flops()).isEqualTo(2.0 * 225_792);
    // valid gives 26 x 26: 26 * 26 * 32 * 9 = 194,688
    assertThat(valid.phases().get(0).flops()).isEqualTo(2.0 * 194_688);
  }

  @Test
  void readsChannelsFirstStridesDilationAndGroups() throws IOException {
    Workload w =
        estimate(
            sequential(
                input("[null, 8, 33, 33]"),
                layer(
                    "Conv2D",
                    "\"filters\": 16, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"valid\","
                        + " \"dilation_rate\": 2, \"groups\": 2, \"data_format\":"
                        + " \"channels_first\"")));

    // effective kernel (3 - 1) * 2 + 1 = 5; (33 - 5) / 2 + 1 = 15 per side; each of 15 * 15 * 16
    // outputs takes 3 * 3 * (8 / 2) = 36 MACs: 129,600
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 129_600);
  }

  @Test
  void readsKeras1ConvolutionNames() throws IOException {
    Workload w =
        estimate(
            sequential(
                input("[null, 3, 10, 10]"),
                layer(
                    "Convolution2D",
                    "\"nb_filter\": 4, \"nb_row\": 3, \"nb_col\": 3, \"subsample\": [1, 1],"
                        + " \"border_mode\": \"same\", \"dim_ordering\": \"th\"")));

    // channels first, same padding keeps 10 x 10: 10 * 10 * 4 outputs of 3 * 3 * 3 = 10,800
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 10_800);
  }

  @Test
  void runsATimeDistributedLayerOncePerStep() throws IOException {
    Workload w =
        estimate(
            sequential(
                input("[null, 7, 12]"),
                layer(
                    "TimeDistributed",
                    "\"layer\": {\"class_name\": \"Dense\", \"config\": {\"name\": \"d\","
                        + " \"units\": 5}}"),
                layer("Flatten", ""),
                layer("Dense", "\"units\": 2")));

    // 7 steps of Dense 12 -> 5: 7 * 60 = 420; flatten 7 * 5 = 35 -> 2: 70. Total 490
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 490);
  }

  @Test
  void countsAnLstmOverItsTimesteps() throws IOException {
    Workload w = estimate(sequential(input("[null, 100, 32]"), layer("LSTM", "\"units\": 64")));

    // 4 gates x 64 units x (32 inputs + 64 state) per step, 100 steps: 4 * 64 * 96 * 100
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 2_457_600);
  }

  @Test
  void keepsABatchTheConfigFixes() throws IOException {
    Workload w = estimate(sequential(input("[25, 1, 1]"), layer("LSTM", "\"units\": 50")));

    // 25 sequences of 1 step: 25 * 4 * 50 * (1 + 50) = 255,000
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 255_000);
    assertThat(w.batch()).isEqualTo(25);
    assertThat(w.phases().get(0).units()).isEqualTo(25);
  }

  @Test
  void countsBothDirectionsOfABidirectionalGru() throws IOException {
    Workload w =
        estimate(
            sequential(
                input("[null, 20, 8]"),
                layer(
                    "Bidirectional",
                    "\"merge_mode\": \"concat\", \"layer\": {\"class_name\": \"GRU\", \"config\":"
                        + " {\"name\": \"gru\", \"units\": 16}}"),
                layer("Dense", "\"units\": 1")));

    // per direction 20 steps x 3 gates x 16 units x (8 + 16) = 23,040; both 46,080; the
    // concatenated 32 features into Dense 1: 32. Total 46,112
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 46_112);
  }

  @Test
  void countsMultiHeadAttentionProjectionsAndProducts() throws IOException {
    String cfg =
        functional(
            input("[null, 50, 64]", "x"),
            called(
                "MultiHeadAttention",
                "mha",
                "\"num_heads\": 4, \"key_dim\": 16",
                "[[[\"x\", 0, 0, {\"value\": [\"x\", 0, 0]}]]]"));
    Workload w = estimate(cfg);

    // query, key, value projections 3 x 50 * 64 * (4 * 16) = 614,400; QK^T 4 * 50 * 50 * 16 =
    // 160,000; AV the same 160,000; output projection 50 * 64 * 64 = 204,800. Total 1,139,200
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 1_139_200);
    assertThat(w.costUnknownOps()).isEmpty();
  }

  @Test
  void bindsUnknownTimestepsToTheSequenceLength() throws IOException {
    String cfg = sequential(input("[null, null, 32]"), layer("SimpleRNN", "\"units\": 8"));

    Workload w = estimate(cfg, opts(2, 10));

    // batch 2, 10 steps: 2 * 10 * 1 gate * 8 * (32 + 8) = 6,400
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 6_400);
    assertThat(w.batch()).isEqualTo(2);
    assertThat(w.assumptions()).anySatisfy(a -> assertThat(a).contains("axis 1 of", "= 10"));
  }

  @Test
  void listsALambdaAndWhatDependsOnIt() throws IOException {
    Workload w = estimate(read(fixture("lambda_mlp.h5")));

    // hidden 20 * 16 = 320; the Lambda's output is unknown, so the Dense after it is too
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 320);
    assertThat(w.costUnknownOps()).isEqualTo(Map.of("Lambda", 1, "Dense", 1));
  }

  @Test
  void countsTheLayersOfANestedSequential() throws IOException {
    Workload w = estimate(read(fixture("nested_sequential.h5")));

    // inside "features": c1 16 * 16 * 4 * (9 * 3) = 27,648; c2 16 * 16 * 4 * (9 * 4) = 36,864;
    // then Dense 4 -> 5 = 20. Total 64,532
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 64_532);
    assertThat(w.costUnknownOps()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // conv 26*26*16*9 = 97,344; pool 13; conv same 13*13*32*(9*16) = 778,752; conv valid
        // stride 2 -> 6: 6*6*32*(9*32) = 331,776; flatten 1,152 -> 10: 11,520. 1,219,392
        "cnn_config_only.h5=1219392",
        // conv1 32*64*8*9 = 147,456; pool; conv2 16*32*16*(9*8) = 589,824; pool 8x16x16, permute
        // 16x8x16, reshape 16x128; BiLSTM 2 * 16 * 4*24*(128 + 24) = 466,944; Dense 16*48*37 =
        // 28,416. Total 1,232,640
        "crnn_functional.h5=1232640",
        // encoder self-attention at 12 tokens, width 32, 2 heads of 16: 4 * 12*32*32 + 2 *
        // 2*12*12*16 = 58,368; decoder self at 10: 4 * 10*32*32 + 2 * 2*10*10*16 = 47,360; cross
        // 10 over 12: 10,240 + 2 * 12,288 + 2 * 3,840 + 10,240 = 52,736; logits 10*32*200 =
        // 64,000. Total 222,464
        "seq2seq_transformer.h5=222464",
        // patch conv 4*4*32*(8*8*3) = 98,304; two blocks at 16 tokens: 4 * 16*32*32 + 2 *
        // 2*16*16*16 = 81,920 each; Dense 32 -> 10 = 320. Total 262,464
        "vit_patches.keras=262464"
      })
  void countsTheFixtures(String fixtureAndMacs) throws IOException {
    String[] f = fixtureAndMacs.split("=");
    Workload w = estimate(read(fixture(f[0])));

    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * Long.parseLong(f[1]));
    assertThat(w.costUnknownOps()).isEmpty();
  }

  @Test
  void listsACustomLayerOfTheTextFixtures() throws IOException {
    Workload w = estimate(read(fixture("gpt_decoder.keras")));

    assertThat(w.costUnknownOps()).containsEntry("PositionEmbedding", 1);
    // the Add after it takes the token embedding's shape, so both blocks and the head count:
    // 2 * (4 * 16*32*32 + 2 * 2*16*16*16 + 16*32*32) + 16*32*500 = 2 * 98,304 + 256,000
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * (2 * 98_304 + 256_000));
  }

  @Test
  void hostileConfigsGiveCostUnknownOrNoWorkloadNeverAnException() {
    String[] configs = {
      sequential(input("[null, 4611686018427387904, 3]"), layer("Dense", "\"units\": 4")),
      sequential(input("[null, 8]"), layer("Dense", "\"units\": 9223372036854775807")),
      sequential(input("[null, 8]"), layer("Dense", "\"units\": -5")),
      sequential(
          input("[null, 28, 28, 1]"),
          layer("Conv2D", "\"filters\": 4, \"kernel_size\": 3, \"strides\": [0, 0]")),
      sequential(
          input("[null, 28, 28, 1]"),
          layer("Conv2D", "\"filters\": 4, \"kernel_size\": 99999999999, \"strides\": 1")),
      sequential(
          input("[null, 28, 28, 1]"),
          layer("Conv2DTranspose", "\"filters\": 4, \"kernel_size\": 3, \"strides\": 2147483647")),
      sequential(
          input("[null, 1000000000, 1000000000, 1000000000]"),
          layer("Conv2D", "\"filters\": 1000000000, \"kernel_size\": 3"),
          layer("Flatten", ""),
          layer("Dense", "\"units\": 1000000000")),
      sequential(input("[null, -3, 8]"), layer("LSTM", "\"units\": 0")),
      sequential(input("[null, 8]"), layer("Reshape", "\"target_shape\": [-1, -1]")),
      sequential(input("[null, 8]"), layer("Reshape", "\"target_shape\": [0, 3]")),
      sequential(input("[null, 8, 8, 8]"), layer("Permute", "\"dims\": [9, -1, 0]")),
      sequential(input("[null, 8, 8]"), layer("MaxPooling1D", "\"pool_size\": 0")),
      sequential(input("[null, 8]"), layer("MultiHeadAttention", "\"num_heads\": -1")),
      // a cycle: a reads b, b reads a
      functional(
          input("[null, 8]", "x"),
          called("Dense", "a", "\"units\": 4", "[[[\"b\", 0, 0, {}]]]"),
          called("Dense", "b", "\"units\": 4", "[[[\"a\", 0, 0, {}]]]")),
      functional(
          input("[null, 8]", "x"),
          called("Concatenate", "c", "\"axis\": 99", "[[[\"x\", 0, 0, {}]]]"))
    };
    for (String c : configs) {
      assertThatCode(
              () -> {
                ModelProfile p;
                try {
                  p = profile(c);
                } catch (ModelFormatException e) {
                  return; // refused by the reader: no workload
                }
                Optional<Workload> w = KerasWorkload.estimate(p, WorkloadOptions.DEFAULT);
                w.ifPresent(x -> assertThat(x.phases().get(0).flops()).isLessThan(1e19));
              })
          .as(c)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void inspectorGivesAKerasFileAWorkloadAndEstimates() throws IOException {
    KnowledgeBase kb = KnowledgeBase.load();
    Report r =
        new Inspector(kb, ReadLimits.DEFAULT)
            .report(read(fixture("crnn_functional.h5")), kb.defaultEdition(), Selection.ALL);

    assertThat(r.workload()).isPresent();
    assertThat(r.workload().get().method()).startsWith("shape propagation through the Keras");
    assertThat(r.estimates()).isNotEmpty();
  }

  @Test
  void bytesMovedAreTheWeightDatasetsAtTheDeviceTypePlusInputsAndOutputs() throws IOException {
    ModelProfile p = read(fixture("nested_sequential.h5"));
    Workload w = estimate(p);

    // weights (3*3*3*4 + 4) + (3*3*4*4 + 4) + (4*5 + 5) = 112 + 148 + 25 = 285 at BF16; input
    // 16*16*3 = 768 and output 5 elements at BF16
    assertThat(p.weights().parameters()).hasValue(285);
    assertThat(w.weightBytes()).isEqualTo(2 * 285);
    assertThat(w.phases().get(0).bytesMoved()).isEqualTo(2.0 * (285 + 768 + 5));
  }

  @Test
  void countsADotOfTwoSequences() throws IOException {
    Workload w =
        estimate(
            functional(
                input("[null, 6, 8]", "x"),
                input("[null, 4, 8]", "y"),
                called("Dot", "d", "\"axes\": 2", "[[[\"x\", 0, 0, {}], [\"y\", 0, 0, {}]]]")));

    // [6, 8] . [4, 8] over the 8s gives [6, 4], each of 8 MACs: 192
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 192);
    assertThat(w.phases().get(0).bytesMoved()).isEqualTo(2.0 * (48 + 32 + 24));
  }

  @Test
  void zeroStridesAndCyclesAreCostUnknown() throws IOException {
    Workload strides =
        estimate(
            sequential(
                input("[null, 28, 28, 1]"),
                layer("Conv2D", "\"filters\": 4, \"kernel_size\": 3, \"strides\": [0, 0]"),
                layer("Flatten", ""),
                layer("Dense", "\"units\": 2")));
    Workload cycle =
        estimate(
            functional(
                input("[null, 8]", "x"),
                called("Dense", "a", "\"units\": 4", "[[[\"b\", 0, 0, {}]]]"),
                called("Dense", "b", "\"units\": 4", "[[[\"a\", 0, 0, {}]]]")));

    assertThat(strides.costUnknownOps()).isEqualTo(Map.of("Conv2D", 1, "Dense", 1));
    assertThat(strides.phases().get(0).flops()).isZero();
    // a reads b before b is written: both unknown
    assertThat(cycle.costUnknownOps()).isEqualTo(Map.of("Dense", 2));
  }

  @Test
  void givesNoWorkloadForOtherFormats() throws IOException {
    ModelProfile k = read(fixture("nested_sequential.h5"));
    ModelProfile p =
        new ModelProfile(
            k.path(),
            ModelFormat.ONNX,
            k.framework(),
            k.weights(),
            k.tensors(),
            k.hf(),
            k.graph(),
            k.hazards(),
            k.notes());

    assertThat(KerasWorkload.estimate(p, WorkloadOptions.DEFAULT)).isEmpty();
  }

  // ---------------------------------------------------------------- config builders

  static String input(String batchShape) {
    return input(batchShape, "input");
  }

  static String input(String batchShape, String name) {
    return "{\"class_name\": \"InputLayer\", \"name\": \""
        + name
        + "\", \"inbound_nodes\": [], \"config\": {\"name\": \""
        + name
        + "\", \"batch_input_shape\": "
        + batchShape
        + ", \"dtype\": \"float32\"}}";
  }

  private static int counter;

  static String layer(String cls, String config) {
    String name = cls.toLowerCase() + "_" + counter++;
    return "{\"class_name\": \""
        + cls
        + "\", \"config\": {\"name\": \""
        + name
        + "\""
        + (config.isEmpty() ? "" : ", " + config)
        + "}}";
  }

  static String called(String cls, String name, String config, String inbound) {
    return "{\"class_name\": \""
        + cls
        + "\", \"name\": \""
        + name
        + "\", \"inbound_nodes\": "
        + inbound
        + ", \"config\": {\"name\": \""
        + name
        + "\", "
        + config
        + "}}";
  }

  static String sequential(String... layers) {
    return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"m\", \"layers\": ["
        + String.join(", ", layers)
        + "]}}";
  }

  /** A functional model whose output is its last layer. */
  static String functional(String... layers) {
    String last = layers[layers.length - 1].replaceAll(".*?\"name\": \"([^\"]+)\".*", "$1");
    return "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
        + String.join(", ", layers)
        + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\""
        + last
        + "\", 0, 0]]}}";
  }

  private static WorkloadOptions opts(int batch, int seq) {
    return new WorkloadOptions(
        OptionalInt.of(batch), OptionalInt.of(seq), OptionalInt.empty(), Optional.empty(), 1.0);
  }

  private Workload estimate(String config) throws IOException {
    return estimate(config, WorkloadOptions.DEFAULT);
  }

  private Workload estimate(String config, WorkloadOptions opts) throws IOException {
    return KerasWorkload.estimate(profile(config), opts).orElseThrow();
  }

  private static Workload estimate(ModelProfile p) {
    return KerasWorkload.estimate(p, WorkloadOptions.DEFAULT).orElseThrow();
  }

  private ModelProfile profile(String config) throws IOException {
    Path file = Files.createTempFile(tmp, "model", ".keras");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("config.json"));
      z.write(config.getBytes(StandardCharsets.UTF_8));
    }
    return read(file);
  }

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
}
