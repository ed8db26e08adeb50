package dev.neuronfit.estimate.tf;

import static dev.neuronfit.io.tf.TfBytes.FLOAT;
import static dev.neuronfit.io.tf.TfBytes.attrFunc;
import static dev.neuronfit.io.tf.TfBytes.attrInt;
import static dev.neuronfit.io.tf.TfBytes.attrInts;
import static dev.neuronfit.io.tf.TfBytes.attrShape;
import static dev.neuronfit.io.tf.TfBytes.attrShapes;
import static dev.neuronfit.io.tf.TfBytes.attrStr;
import static dev.neuronfit.io.tf.TfBytes.attrType;
import static dev.neuronfit.io.tf.TfBytes.function;
import static dev.neuronfit.io.tf.TfBytes.node;
import static dev.neuronfit.io.tf.TfBytes.tensorInfo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.classify.TfNet;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfBytes;
import dev.neuronfit.io.tf.TfBytes.Pb;
import dev.neuronfit.io.tf.TfReader;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workloads of TensorFlow graphs built with {@link TfNet}, each checked against a count worked out
 * by hand in its comment (multiply-accumulates; FLOPs are twice that).
 */
class TfGraphWorkloadTest {
  @TempDir Path tmp;

  @Test
  void countsAConv2dWithSamePaddingChannelsLast() throws IOException {
    TfNet n = new TfNet();
    n.conv(n.input("image", FLOAT, 1, 224, 224, 32), 32, 64, 3, 1);

    Workload w = estimate(n);

    // SAME keeps 224 x 224; each of the 224 * 224 * 64 outputs takes 3 * 3 * 32 MACs
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 224 * 224 * 64 * 3 * 3 * 32);
    assertThat(w.costUnknownOps()).isEmpty();
  }

  @Test
  void readsChannelsFirstStridesAndValidPadding() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("image", FLOAT, 1, 32, 225, 225);
    n.op(
        "Conv2D",
        List.of(x, n.weight(3, 3, 32, 64)),
        attrInts("strides", 1, 1, 2, 2),
        attrStr("padding", "VALID"),
        attrStr("data_format", "NCHW"));

    // VALID, stride 2: (225 - 3) / 2 + 1 = 112 per side; 112 * 112 * 64 outputs x 3 * 3 * 32
    assertThat(flops(n)).isEqualTo(2.0 * 112 * 112 * 64 * 3 * 3 * 32);
  }

  @Test
  void countsDilatedAndDepthwiseConvolutions() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("image", FLOAT, 1, 112, 112, 32);
    String d =
        n.op(
            "DepthwiseConv2dNative",
            List.of(x, n.weight(3, 3, 32, 2)),
            attrInts("strides", 1, 1, 1, 1),
            attrStr("padding", "SAME"));
    n.op(
        "Conv2D",
        List.of(d, n.weight(3, 3, 64, 16)),
        attrInts("strides", 1, 1, 1, 1),
        attrInts("dilations", 1, 2, 2, 1),
        attrStr("padding", "VALID"));

    // depthwise, multiplier 2: 112 * 112 * 64 outputs x 3 * 3; then a 3x3 conv dilated by 2
    // spans 5 pixels: 108 * 108 * 16 outputs x 3 * 3 * 64
    assertThat(flops(n)).isEqualTo(2.0 * (112 * 112 * 64 * 9 + 108 * 108 * 16 * 9 * 64));
  }

  @Test
  void countsATransposedConvolutionPerInputElement() throws IOException {
    TfNet n = new TfNet();
    n.upsample(n.input("x", FLOAT, 1, 32, 32, 8), 8, 4);

    // each of the 32 * 32 * 8 input elements is spread over a 2 x 2 window of 4 channels
    assertThat(flops(n)).isEqualTo(2.0 * 32 * 32 * 8 * 2 * 2 * 4);
  }

  @Test
  void countsMatMulWithTransposedOperands() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, 1, 768);
    String h = n.op("MatMul", List.of(x, n.weight(768, 3072)));
    n.op("MatMul", List.of(n.weight(10, 3072), h), attrInt("transpose_b", 1));

    // [1, 768] x [768, 3072], then [10, 3072] x [1, 3072]^T = [10, 1]
    assertThat(flops(n)).isEqualTo(2.0 * (768 * 3072 + 10 * 3072));
  }

  @Test
  void countsBatchMatMulAttentionWithAdjointAndBroadcastBatch() throws IOException {
    TfNet n = new TfNet();
    String q = n.input("q", FLOAT, 2, 8, 128, 64);
    String k = n.input("k", FLOAT, 8, 128, 64);
    String scores = n.op("BatchMatMulV2", List.of(q, k), attrInt("adj_y", 1));
    String probs = n.op("Softmax", List.of(scores));
    n.op("BatchMatMulV2", List.of(probs, n.input("v", FLOAT, 2, 8, 128, 64)));

    // scores: batch [2, 8] broadcast, 128 x 128 outputs x 64; context: 128 x 64 outputs x 128
    assertThat(flops(n)).isEqualTo(2.0 * 2 * (2 * 8 * 128 * 128 * 64));
  }

  @Test
  void countsEinsumAttentionAsKerasWritesIt() throws IOException {
    TfNet n = new TfNet();
    String q = n.input("q", FLOAT, 1, 200, 2, 128);
    String k = n.input("k", FLOAT, 1, 200, 2, 128);
    n.op("Einsum", List.of(k, q), attrStr("equation", "aecd,abcd->acbe"));

    // every index once: a 1, b 200, c 2, d 128, e 200
    assertThat(flops(n)).isEqualTo(2.0 * 200 * 2 * 128 * 200);
  }

  @Test
  void followsShapeArithmeticIntoAReshape() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("features", FLOAT, -1, 7, 7, 64);
    String shape = n.op("Shape", List.of(x));
    String batch =
        n.op(
            "StridedSlice",
            List.of(shape, n.ints(0), n.ints(1), n.ints(1)),
            attrInt("shrink_axis_mask", 1));
    String flat =
        n.op("Reshape", List.of(x, n.op("Pack", List.of(batch, n.scalar(-1)), attrInt("N", 2))));
    n.op("MatMul", List.of(flat, n.weight(3136, 10)));

    Workload w = estimate(n, opts(4));

    // batch 4 bound; Pack [4, -1] flattens 7 * 7 * 64 = 3136
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 4 * 3136 * 10);
    assertThat(w.batch()).isEqualTo(4);
  }

  @Test
  void bindsAnUnknownBatchToTheRequestedOne() throws IOException {
    TfNet n = new TfNet();
    n.dense(n.input("x", FLOAT, -1, 768), 768, 3072);

    Workload one = estimate(n);
    Workload four = estimate(n, opts(4));

    assertThat(one.phases().get(0).flops()).isEqualTo(2.0 * 768 * 3072);
    assertThat(four.phases().get(0).flops()).isEqualTo(4 * 2.0 * 768 * 3072);
    assertThat(four.assumptions())
        .contains("batch 4", "unknown input dimensions bound by position: axis 0 of x = 4");
  }

  @Test
  void bindsAnUnknownImageSizeChannelsLast() throws IOException {
    TfNet n = new TfNet();
    n.conv(n.input("image", FLOAT, -1, -1, -1, 3), 3, 8, 3, 2);

    Workload w =
        estimate(
            n,
            new WorkloadOptions(
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(64), Optional.empty(), 1));

    // batch 1, 64 x 64 pixels; stride 2 SAME gives 32 x 32 x 8 outputs of 3 * 3 * 3 each
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 32 * 32 * 8 * 27);
    assertThat(w.imageSize()).contains(64);
    assertThat(w.assumptions())
        .contains(
            "unknown input dimensions bound by position: axis 0 of image = 1, axis 1 of image ="
                + " 64, axis 2 of image = 64");
  }

  @Test
  void listsWhatItCannotCostAndCountsTheRest() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, 1, 16);
    n.op("MatMul", List.of(x, n.weight(16, 8)));
    String odd = n.op("MyCustomOp", List.of(x));
    n.op("MatMul", List.of(odd, n.weight(16, 8)));
    n.add(node("mystery", "Placeholder", List.of(), attrType("dtype", FLOAT)));
    n.op("Conv2D", List.of("mystery", n.weight(3, 3, 3, 8)), attrStr("padding", "SAME"));

    Workload w = estimate(n);

    // the custom op is unknown, the MatMul after it has no input shape, the Conv2D's input
    // has no declared rank; the first MatMul is 16 x 8
    assertThat(w.costUnknownOps())
        .containsOnly(Map.entry("MyCustomOp", 1), Map.entry("MatMul", 1), Map.entry("Conv2D", 1));
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 16 * 8);
    assertThat(w.assumptions()).anyMatch(a -> a.contains("leave out 3 nodes"));
  }

  @Test
  void declaredOutputShapesFillWhatPropagationCannot() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, 1, 16);
    String odd = n.op("MyCustomOp", List.of(x), attrShapes("_output_shapes", new long[] {-1, 32}));
    n.op("MatMul", List.of(odd, n.weight(32, 8)));

    Workload w = estimate(n, opts(2));

    // the declared [-1, 32] has no batch; the MatMul's cost needs one, so it stays unknown
    assertThat(w.costUnknownOps()).containsOnly(Map.entry("MyCustomOp", 1), Map.entry("MatMul", 1));

    TfNet m = new TfNet();
    String y = m.input("x", FLOAT, 2, 16);
    String known = m.op("MyCustomOp", List.of(y), attrShapes("_output_shapes", new long[] {2, 32}));
    m.op("MatMul", List.of(known, m.weight(32, 8)));
    Workload filled = estimate(m);
    assertThat(filled.costUnknownOps()).containsOnly(Map.entry("MyCustomOp", 1));
    assertThat(filled.phases().get(0).flops()).isEqualTo(2.0 * 2 * 32 * 8);
  }

  @Test
  void countsLstmAndGruBlockCells() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, 1, 32);
    String h = n.input("h", FLOAT, 1, 64);
    n.op(
        "LSTMBlockCell",
        List.of(
            x, h, h, n.weight(96, 256), n.weight(64), n.weight(64), n.weight(64), n.weight(256)));
    n.op(
        "GRUBlockCell",
        List.of(x, h, n.weight(96, 128), n.weight(96, 64), n.weight(128), n.weight(64)));

    // LSTM: [1, 32 + 64] x [96, 4 * 64]; GRU: [1, 96] x [96, 2 * 64] and [96, 64]
    assertThat(flops(n)).isEqualTo(2.0 * (96 * 256 + 96 * 192));
  }

  @Test
  void loopsWhoseBodiesMultiplyAreCostUnknown() throws IOException {
    TfNet n = new TfNet();
    String x = n.input("x", FLOAT, 1, 16);
    String enter = n.op("Enter", List.of(x), attrStr("frame_name", "rnn/while"));
    String mm = n.op("MatMul", List.of(enter, n.weight(16, 16)));
    n.op("Exit", List.of(mm));
    n.op("MatMul", List.of(x, n.weight(16, 4)));

    Workload w = estimate(n);

    // the MatMul in the TF1 frame runs an unknown number of times; the one after it is 16 x 4
    assertThat(w.costUnknownOps()).containsOnly(Map.entry("MatMul", 1));
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 16 * 4);
    assertThat(w.assumptions()).anyMatch(a -> a.contains("loop frames"));
  }

  @Test
  void aSavedModelCountsWhatItsSignatureCallsAndEachCallOnce() throws IOException {
    Map<String, String> ret = Map.of("out", "second:output:0");
    Pb layer =
        function(
            "__inference_call_7",
            List.of("x", "w"),
            Map.of("y", "mm:product:0"),
            List.of(
                node("read", "ReadVariableOp", List.of("w")),
                node("mm", "MatMul", List.of("x", "read:value:0"))));
    // the signature calls the layer twice: the second call is reused, not walked, but counted
    Pb wrapper =
        function(
            "__inference_signature_wrapper_9",
            List.of("x", "w"),
            ret,
            List.of(
                node(
                    "first",
                    "StatefulPartitionedCall",
                    List.of("x", "w"),
                    attrFunc("f", "__inference_call_7")),
                node(
                    "square",
                    "StatefulPartitionedCall",
                    List.of("first:output:0", "w"),
                    attrFunc("f", "__inference_call_7")),
                node("second", "Identity", List.of("square:output:0"))));
    // another trace of the same layer and a saver, neither called by the signature
    Pb otherTrace =
        function(
            "__inference_dense_layer_call_fn_3",
            List.of("x", "w"),
            Map.of("y", "mm:product:0"),
            List.of(node("mm", "MatMul", List.of("x", "w"))));
    Pb saver =
        function(
            "__inference__traced_save_5",
            List.of("x", "w"),
            Map.of("y", "mm:product:0"),
            List.of(node("mm", "MatMul", List.of("x", "w"))));
    Pb graph =
        TfBytes.graph(
            List.of(
                node(
                    "serving_default_x",
                    "Placeholder",
                    List.of(),
                    attrType("dtype", FLOAT),
                    attrShape("shape", -1, 64)),
                node(
                    "w",
                    "VarHandleOp",
                    List.of(),
                    attrType("dtype", FLOAT),
                    attrShape("shape", 64, 64)),
                node(
                    "StatefulPartitionedCall",
                    "StatefulPartitionedCall",
                    List.of("serving_default_x", "w"),
                    attrFunc("f", "__inference_signature_wrapper_9")),
                node(
                    "StatefulPartitionedCall_1",
                    "StatefulPartitionedCall",
                    List.of("serving_default_x", "w"),
                    attrFunc("f", "__inference__traced_save_5")),
                node(
                    "unused",
                    "StatefulPartitionedCall",
                    List.of("serving_default_x", "w"),
                    attrFunc("f", "__inference_dense_layer_call_fn_3"))),
            layer,
            wrapper,
            otherTrace,
            saver);
    Path dir = Files.createDirectories(tmp.resolve("saved"));
    Files.write(
        dir.resolve("saved_model.pb"),
        TfBytes.savedModel(
            graph,
            List.of(tensorInfo("x", "serving_default_x:0", FLOAT, -1, 64)),
            List.of(tensorInfo("out", "StatefulPartitionedCall:0", FLOAT, -1, 64))));
    ModelProfile p = new TfReader().read(dir, ReadLimits.DEFAULT);

    Workload w = TfGraphWorkload.estimate(p, opts(2)).orElseThrow();

    // two calls of a [2, 64] x [64, 64] product; the other trace and the saver are not counted
    assertThat(w.phases().get(0).flops()).isEqualTo(2.0 * 2 * (2 * 64 * 64));
    assertThat(w.costUnknownOps()).isEmpty();
    assertThat(w.method()).contains("3 function calls");
  }

  @Test
  void hugeDimensionsAreCostUnknownNotOverflowed() throws IOException {
    TfNet n = new TfNet();
    n.add(
        node(
            "huge",
            "VariableV2",
            List.of(),
            attrType("dtype", FLOAT),
            attrShape("shape", 1L << 40, 1L << 40)));
    n.add(
        node(
            "x",
            "Placeholder",
            List.of(),
            attrType("dtype", FLOAT),
            attrShape("shape", 1L << 40, 1L << 40)));
    n.op("MatMul", List.of("x", "huge"));
    n.op(
        "Conv2D",
        List.of(n.input("img", FLOAT, 1, 1L << 40, 1L << 40, 3), n.weight(3, 3, 3, 8)),
        attrStr("padding", "SAME"));

    Workload w = estimate(n);

    assertThat(w.costUnknownOps()).containsOnly(Map.entry("MatMul", 1), Map.entry("Conv2D", 1));
    assertThat(w.phases().get(0).flops()).isZero();
  }

  @Test
  void otherFormatsAreNotItsToEstimate() throws IOException {
    TfNet n = new TfNet();
    n.dense(n.input("x", FLOAT, 1, 8), 8, 8);
    ModelProfile p = read(n);
    ModelProfile onnx =
        new ModelProfile(
            p.path(),
            dev.neuronfit.model.ModelFormat.ONNX,
            p.framework(),
            p.weights(),
            p.tensors(),
            p.hf(),
            p.graph(),
            p.hazards(),
            p.notes());

    assertThat(TfGraphWorkload.estimate(onnx, WorkloadOptions.DEFAULT)).isEmpty();
    assertThat(TfGraphWorkload.estimate(p, WorkloadOptions.DEFAULT)).isPresent();
  }

  private static WorkloadOptions opts(int batch) {
    return new WorkloadOptions(
        OptionalInt.of(batch), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), 1.0);
  }

  private ModelProfile read(TfNet n) throws IOException {
    Path file = Files.write(tmp.resolve("graph" + System.nanoTime() + ".pb"), n.graphDef());
    return new TfReader().read(file, ReadLimits.DEFAULT);
  }

  private Workload estimate(TfNet n) throws IOException {
    return estimate(n, WorkloadOptions.DEFAULT);
  }

  private Workload estimate(TfNet n, WorkloadOptions o) throws IOException {
    return TfGraphWorkload.estimate(read(n), o).orElseThrow();
  }

  private double flops(TfNet n) throws IOException {
    Workload w = estimate(n);
    assertThat(w.costUnknownOps()).isEmpty();
    return w.phases().get(0).flops();
  }
}
