package dev.neuronfit.classify;

import static dev.neuronfit.io.tf.TfBytes.FLOAT;
import static dev.neuronfit.io.tf.TfBytes.INT32;
import static dev.neuronfit.io.tf.TfBytes.attrBool;
import static dev.neuronfit.io.tf.TfBytes.attrFunc;
import static dev.neuronfit.io.tf.TfBytes.attrInts;
import static dev.neuronfit.io.tf.TfBytes.attrStr;
import static dev.neuronfit.io.tf.TfBytes.attrType;
import static dev.neuronfit.io.tf.TfBytes.function;
import static dev.neuronfit.io.tf.TfBytes.node;
import static dev.neuronfit.io.tf.TfBytes.tensorInfo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfBytes;
import dev.neuronfit.io.tf.TfBytes.Pb;
import dev.neuronfit.io.tf.TfReader;
import dev.neuronfit.model.Family;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfClassifierTest {
  @TempDir Path tmp;

  @Test
  void threeConvolutionsWithAPoolAndADenseHeadAreACnn() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("image", FLOAT, 1, 32, 32, 3);
    x = n.conv(n.conv(n.conv(x, 3, 8, 3, 1), 8, 8, 3, 1), 8, 8, 3, 1);
    x = n.op("MaxPool", List.of(x), attrInts("ksize", 1, 2, 2, 1), attrInts("strides", 1, 2, 2, 1));
    n.op("Softmax", List.of(n.dense(n.op("Reshape", List.of(x, n.ints(1, 2048))), 2048, 10)));

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.CNN);
    assertThat(c.confidence()).isEqualTo(0.8);
    assertThat(evidence(c)).contains("convolutions: Conv2D 3");
  }

  @Test
  void aLoneMatMulIsAFragment() throws IOException {
    TfNet n = new TfNet();
    n.dense(n.input("x", FLOAT, -1, 8), 8, 4);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(evidence(c)).contains("no family has enough evidence").contains("MatMul 1");
  }

  @Test
  void attentionOverTokenIdsWithoutAMaskIsAnEncoder() throws IOException {
    TfNet n = new TfNet();
    String ids = n.input("input_ids", INT32, -1, 128);
    String h = n.op("GatherV2", List.of(n.weight(1000, 64), ids, n.ints(0)));
    n.attention(n.attention(h, 64, null), 64, null);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(c.confidence()).isEqualTo(0.8);
    assertThat(evidence(c)).contains("attention blocks: 2").contains("token embedding: GatherV2 1");
  }

  @Test
  void aBandPartMaskMakesADecoder() throws IOException {
    TfNet n = new TfNet();
    String ids = n.input("input_ids", INT32, -1, 128);
    String h = n.op("GatherV2", List.of(n.weight(1000, 64), ids, n.ints(0)));
    String mask = n.op("MatrixBandPart", List.of(n.weight(128, 128), n.ints(-1), n.ints(0)));
    n.attention(n.attention(h, 64, mask), 64, mask);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(evidence(c)).contains("causal mask").contains("Trilu");
  }

  @Test
  void aConvolutionWhoseStrideIsItsKernelBeforeAttentionIsAVisionTransformer() throws IOException {
    TfNet n = new TfNet();
    String image = n.input("pixel_values", FLOAT, 1, 224, 224, 3);
    String patches =
        n.op("Conv2D", List.of(image, n.weight(16, 16, 3, 64)), attrInts("strides", 1, 16, 16, 1));
    String h = n.op("Reshape", List.of(patches, n.ints(1, 196, 64)));
    n.attention(n.attention(h, 64, null), 64, null);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(evidence(c))
        .contains("patch embedding: Conv2D 1")
        .contains("kernel [16, 16] stride [16, 16]");
  }

  @Test
  void anLstmBlockCellIsAnLstm() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, -1, 8);
    String cell =
        n.op(
            "LSTMBlockCell",
            List.of(
                x,
                n.weight(1, 16),
                n.weight(1, 16),
                n.weight(24, 64),
                n.weight(16),
                n.weight(16),
                n.weight(16),
                n.weight(64)));
    n.dense(cell, 16, 2);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(evidence(c)).contains("recurrent layers: LSTMBlockCell 1");
  }

  @Test
  void aWhileBodyWithWeightsAndGatesIsAnLstm() throws IOException {
    Map<String, String> ret = new LinkedHashMap<>();
    ret.put("h_out", "h:z:0");
    ret.put("w_out", "w");
    Pb body =
        function(
            "while_body_7",
            List.of("x", "w"),
            ret,
            List.of(
                node("mm", "MatMul", List.of("x", "w")),
                node("gate", "Sigmoid", List.of("mm:product:0")),
                node("cand", "Tanh", List.of("mm:product:0")),
                node("h", "Mul", List.of("gate:y:0", "cand:y:0"))));
    Pb cond = function("while_cond_7", List.of("x", "w"), Map.of("ok", "x"), List.of());
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, -1, 16);
    String w = n.weight(16, 16);
    n.add(
        node(
            "while",
            "While",
            List.of(x, w),
            attrFunc("body", "while_body_7"),
            attrFunc("cond", "while_cond_7")));
    byte[] g = TfBytes.graph(n.nodes(), body, cond).toBytes();

    Classification c = classify(g);

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(evidence(c)).contains("unrolled recurrence: While while whose body has");
  }

  @Test
  void oneKernelMultipliedInChainedGatedStepsIsAnUnrolledRnn() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, -1, 16);
    String kernel = n.weight(32, 16);
    String read = n.op("Identity", List.of(kernel));
    String h = n.weight(1, 16);
    for (int step = 0; step < 4; step++) {
      String z = n.op("MatMul", List.of(n.op("ConcatV2", List.of(x, h, n.ints(1))), read));
      h = n.op("Mul", List.of(n.op("Sigmoid", List.of(z)), n.op("Tanh", List.of(z))));
    }
    n.dense(h, 16, 2);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.confidence()).isEqualTo(0.8);
    assertThat(evidence(c))
        .contains("unrolled recurrence: " + kernel + " multiplied in 4 chained steps");
  }

  @Test
  void aTensorFlow1LoopFrameWithAWeightAndTanhIsARecurrentCell() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, -1, 16);
    String w = n.weight(16, 16);
    n.add(node("rnn/while/Enter", "Enter", List.of(x), attrStr("frame_name", "rnn/while")));
    n.add(
        node(
            "rnn/while/Enter_1",
            "Enter",
            List.of(w),
            attrStr("frame_name", "rnn/while"),
            attrBool("is_constant", true)));
    n.add(node("rnn/while/Merge", "Merge", List.of("rnn/while/Enter", "rnn/while/NextIteration")));
    n.add(node("rnn/while/MatMul", "MatMul", List.of("rnn/while/Merge", "rnn/while/Enter_1")));
    n.add(node("rnn/while/Tanh", "Tanh", List.of("rnn/while/MatMul")));
    n.add(node("rnn/while/NextIteration", "NextIteration", List.of("rnn/while/Tanh")));
    n.add(node("rnn/while/Exit", "Exit", List.of("rnn/while/Tanh")));

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.confidence()).isEqualTo(0.6);
    assertThat(evidence(c))
        .contains("recurrent loop: while loop rnn/while (Enter/NextIteration/Exit)")
        .contains("MatMul 1, Tanh 1");
  }

  @Test
  void cropAndResizeWithNonMaxSuppressionIsAnRcnn() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("image", FLOAT, 1, 64, 64, 3);
    String f = n.conv(n.conv(n.conv(x, 3, 8, 3, 1), 8, 8, 3, 1), 8, 8, 3, 1);
    String boxes =
        n.op(
            "Reshape",
            List.of(n.dense(n.op("Reshape", List.of(f, n.ints(-1, 8))), 8, 4), n.ints(-1, 4)));
    String keep =
        n.op(
            "NonMaxSuppressionV3",
            List.of(boxes, n.weight(100), n.ints(10), n.weight(1), n.weight(1)));
    String picked = n.op("GatherV2", List.of(boxes, keep, n.ints(0)));
    n.op("CropAndResize", List.of(f, picked, n.ints(0), n.ints(7, 7)));

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.R_CNN);
    assertThat(evidence(c))
        .contains("RoI pooling: CropAndResize 1")
        .contains("NonMaxSuppressionV3 1");
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).contains(Family.CNN);
  }

  @Test
  void aTimestepEmbeddingConditioningAUnetIsDiffusion() throws IOException {
    Classification c = classify(unet(true), true);

    assertThat(c.family()).isEqualTo(Family.DIFFUSION);
    assertThat(c.confidence()).isEqualTo(0.8);
    assertThat(evidence(c))
        .contains("timestep input: timestep")
        .contains("Sin")
        .contains("skip concatenations");
  }

  @Test
  void theSameUnetWithoutATimestepIsACnn() throws IOException {
    Classification c = classify(unet(false), true);

    assertThat(c.family()).isEqualTo(Family.CNN);
    assertThat(evidence(c)).contains("but no timestep input");
  }

  @Test
  void layersInFunctionsAreInlinedSoTheCallsReadLikeTheFlatGraph() throws IOException {
    TfNet body = new TfNet();
    String y = body.conv(body.conv(body.conv("image", 3, 8, 3, 1), 8, 8, 3, 1), 8, 8, 3, 1);
    Pb fn = function("__inference_call_3", List.of("image"), Map.of("out", y), body.nodes());
    TfNet main = new TfNet();
    main.input("serving_default_image", FLOAT, -1, 32, 32, 3);
    main.add(
        node(
            "StatefulPartitionedCall",
            "StatefulPartitionedCall",
            List.of("serving_default_image"),
            attrFunc("f", "__inference_call_3")));
    byte[] sm =
        TfBytes.savedModel(
            TfBytes.graph(main.nodes(), fn),
            List.of(tensorInfo("image", "serving_default_image:0", FLOAT, -1, 32, 32, 3)),
            List.of(tensorInfo("out", "StatefulPartitionedCall:0", FLOAT, -1, 32, 32, 8)));

    Classification c = classify(sm, true);

    assertThat(c.family()).isEqualTo(Family.CNN);
    assertThat(evidence(c)).contains("1 function calls inlined").contains("convolutions: Conv2D 3");
  }

  @Test
  void aFloatInputCastToIntegersForAnEmbeddingCarriesTokenIds() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("input_8", FLOAT, -1, 200);
    String ids = n.op("Cast", List.of(x), attrType("DstT", INT32));
    String h = n.op("ResourceGather", List.of(n.weight(1000, 32), ids));
    n.attention(h, 32, null);

    Classification c = classify(n.graphDef());

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(evidence(c)).contains("token ids: input_8 cast to integers");
  }

  /**
   * A small UNet over a [1, 64, 64, 4] sample: two convolutions, a strided one down, a transposed
   * one up, a skip concatenation and an output convolution back to 4 channels; with a timestep [1]
   * embedded by Sin and Cos and added to the features when {@code timestep} is true.
   */
  private static byte[] unet(boolean timestep) {
    TfNet n = new TfNet();
    String sample = n.input("sample", FLOAT, 1, 64, 64, 4);
    String c1 = n.conv(sample, 4, 8, 3, 1);
    if (timestep) {
      String t = n.input("timestep", FLOAT, 1);
      String arg = n.op("Mul", List.of(n.op("ExpandDims", List.of(t, n.ints(1))), n.weight(1, 4)));
      String emb =
          n.op(
              "ConcatV2", List.of(n.op("Sin", List.of(arg)), n.op("Cos", List.of(arg)), n.ints(1)));
      c1 = n.op("AddV2", List.of(c1, n.dense(emb, 8, 8)));
    }
    String down = n.conv(c1, 8, 8, 3, 2);
    String mid = n.conv(down, 8, 8, 3, 1);
    String up = n.upsample(mid, 8, 8);
    String skip = n.op("ConcatV2", List.of(up, c1, n.ints(3)));
    String out = n.conv(skip, 16, 4, 3, 1);
    List<Pb> inputs =
        new ArrayList<>(List.of(tensorInfo("sample", "sample:0", FLOAT, 1, 64, 64, 4)));
    if (timestep) {
      inputs.add(tensorInfo("timestep", "timestep:0", FLOAT, 1));
    }
    return TfBytes.savedModel(
        TfBytes.graph(n.nodes()),
        inputs,
        List.of(tensorInfo("out", out + ":0", FLOAT, 1, 64, 64, 4)));
  }

  private Classification classify(byte[] graphDef) throws IOException {
    return classify(graphDef, false);
  }

  private Classification classify(byte[] bytes, boolean savedModel) throws IOException {
    Path path;
    if (savedModel) {
      path = Files.createDirectories(tmp.resolve("model" + System.nanoTime()));
      Files.write(path.resolve("saved_model.pb"), bytes);
    } else {
      path = Files.write(tmp.resolve("graph" + System.nanoTime() + ".pb"), bytes);
    }
    return new Classifier(() -> null).classify(new TfReader().read(path, ReadLimits.DEFAULT));
  }

  private static String evidence(Classification c) {
    return c.evidence().stream()
        .map(e -> e.key() + ": " + e.value() + " (" + e.meaning() + ")")
        .collect(Collectors.joining("\n"));
  }
}
