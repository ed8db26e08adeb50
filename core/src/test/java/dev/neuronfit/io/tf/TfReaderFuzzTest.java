package dev.neuronfit.io.tf;

import static dev.neuronfit.io.tf.TfBytes.FLOAT;
import static dev.neuronfit.io.tf.TfBytes.pb;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.tf.TfGraphWorkload;
import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfBytes.Pb;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.OperatorLists;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Feeds arbitrary bytes to {@link TfReader}, as a frozen GraphDef ({@code model.pb}) and as the
 * {@code saved_model.pb} of a SavedModel folder, and to the content sniffer; the only failure
 * allowed is a one-line {@link ModelFormatException} naming the file. A second target builds graphs
 * from fuzzer-chosen parts (nodes, attributes, tensors, functions calling each other, While bodies)
 * and also classifies them, checks their operator coverage and estimates their workload, which must
 * never fail (what cannot be costed is cost unknown). A third feeds arbitrary bytes as {@code
 * variables/variables.index} beside a valid graph: a bad index is a note, never an error.
 *
 * <p>Plain {@code mvn test} runs the targets in Jazzer's regression mode, once per input in {@code
 * src/test/resources/dev/neuronfit/io/tf/TfReaderFuzzTestInputs/<method>/} (seeds built with {@link
 * TfBytes}, and past findings). To fuzz (the targets one after the other):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=TfReaderFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>Each target runs for its {@code maxDuration}; Jazzer 0.24 has no override, so raise it locally
 * for a longer run (new coverage is kept in {@code core/.cifuzz-corpus/}, which is not committed).
 * A crashing input is written into the inputs folder above: fix the reader, keep the input there,
 * and add it to the malformed corpus ({@code src/test/resources/malformed/tf/fuzz-*}, run by {@link
 * MalformedTfTest}).
 */
class TfReaderFuzzTest {
  private static final OperatorLists LISTS = KnowledgeBase.load().operatorLists();

  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  @BeforeAll
  static void folders() throws IOException {
    Files.createDirectories(dir.resolve("saved/variables"));
    Files.createDirectories(dir.resolve("indexed/variables"));
    Files.write(
        dir.resolve("indexed/saved_model.pb"),
        TfBytes.savedModel(
            TfBytes.graph(MalformedTfCorpus.referenceNodes()),
            List.of(TfBytes.tensorInfo("image", "image:0", FLOAT, -1, 8, 8, 3)),
            List.of(TfBytes.tensorInfo("probs", "Softmax:0", FLOAT, -1, 8, 8, 4))));
  }

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "Const",
    "Placeholder",
    "StatefulPartitionedCall",
    "While",
    "body",
    "value",
    "shape",
    "serving_default",
    "serve",
    // libFuzzer dictionary syntax: bytes outside printable ASCII as \\xNN escapes (a raw control
    // character or newline makes Jazzer refuse the whole dictionary and stop)
    "\\x08\\x01\\x12",
    "\\x0a\\x01n\\x12\\x04Relu"
  })
  void readsAnyBytesOrRefusesThem(byte[] data) throws IOException {
    Path graph = Files.write(dir.resolve("model.pb"), data);
    Files.write(dir.resolve("saved/saved_model.pb"), data);
    for (Path p : List.of(graph, dir.resolve("saved"))) {
      try {
        new TfReader().read(p, ReadLimits.DEFAULT);
      } catch (ModelFormatException e) {
        assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n", "\r");
      }
    }
    try {
      ContentSniffer.sniff(graph);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(graph.toString()).doesNotContain("\n", "\r");
    }
  }

  /**
   * Builds a graph from fuzzer-chosen parts so that the fuzzer reaches the checks behind the wire
   * format (shapes, tensors, function calls) and the classification of what reads.
   */
  @FuzzTest(maxDuration = "20s")
  void readsAndClassifiesAnyGraphBuiltFromParts(FuzzedDataProvider data) throws IOException {
    Path file = dir.resolve("built.pb");
    Files.write(file, graph(data));
    ModelProfile p;
    try {
      p = new TfReader().read(file, ReadLimits.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
      return;
    }
    new Classifier(() -> null).classify(p);
    OperatorCoverage.of(p, LISTS, List.of("inf1", "inf2"));
    TfGraphWorkload.estimate(p, WorkloadOptions.DEFAULT)
        .ifPresent(w -> assertThat(w.phases().get(0).flops()).isFinite().isNotNegative());
  }

  /**
   * Hostile shapes the built-from-parts target also reaches, kept as plain cases: sizes whose
   * products overflow, negative and contradictory sizes, strides of 0, a While whose body calls
   * itself. Each must read, estimate and list what it cannot cost, never fail.
   */
  @Test
  void hostileShapesAreCostUnknownNotErrors() throws IOException {
    long huge = Long.MAX_VALUE / 2;
    List<Pb> nodes =
        List.of(
            TfBytes.placeholder("n0", FLOAT, huge, huge, 3, 3),
            TfBytes.placeholder("n1", FLOAT, -1, 1L << 62),
            TfBytes.constant("n2", TfBytes.floatTensor(3, 3, 3, 2)),
            TfBytes.node(
                "n3",
                "Conv2D",
                List.of("n0", "n2"),
                TfBytes.attrInts("strides", 1, 0, 0, 1),
                TfBytes.attrStr("padding", "EXPLICIT"),
                TfBytes.attrInts("explicit_paddings", 0, 0, huge, huge, 1, 1, 0, 0)),
            TfBytes.node("n4", "MatMul", List.of("n1", "n1"), TfBytes.attrInt("transpose_b", 1)),
            TfBytes.node(
                "n5",
                "Reshape",
                List.of("n1", "n6"),
                TfBytes.attrShapes("_output_shapes", new long[] {huge, huge})),
            TfBytes.node(
                "n6",
                "Const",
                List.of(),
                TfBytes.attrType("dtype", TfBytes.INT32),
                TfBytes.attrTensor(
                    "value", TfBytes.intTensor(new long[] {3}, -7, Integer.MAX_VALUE, 0))),
            TfBytes.node("n7", "BatchMatMulV2", List.of("n5", "n5", "n4")),
            TfBytes.node(
                "n8",
                "StridedSlice",
                List.of("n1", "n6", "n6", "n6"),
                TfBytes.attrInt("ellipsis_mask", -1),
                TfBytes.attrInt("new_axis_mask", -1)),
            TfBytes.node(
                "n9", "SpaceToBatchND", List.of("n0", "n6", "n6"), TfBytes.attrInt("num", -5)),
            TfBytes.node(
                "n10",
                "While",
                List.of("n1"),
                TfBytes.attrFunc("body", "f0"),
                TfBytes.attrFunc("cond", "f0")),
            TfBytes.node(
                "n11", "Split", List.of("n6", "n1"), TfBytes.attrInt("num_split", 1L << 40)));
    Pb f0 =
        TfBytes.function(
            "f0",
            List.of("n0"),
            Map.of("out", "n1:output:0"),
            List.of(
                TfBytes.node("n1", "MatMul", List.of("n0", "n0")),
                TfBytes.node("n2", "While", List.of("n1"), TfBytes.attrFunc("body", "f0"))));
    Path file = Files.write(dir.resolve("hostile.pb"), TfBytes.graph(nodes, f0).toBytes());

    ModelProfile p = new TfReader().read(file, ReadLimits.DEFAULT);
    Workload w = TfGraphWorkload.estimate(p, WorkloadOptions.DEFAULT).orElseThrow();

    assertThat(w.phases().get(0).flops()).isZero();
    assertThat(w.costUnknownOps()).containsKeys("Conv2D", "MatMul", "While");
  }

  @FuzzTest(maxDuration = "20s")
  void aBrokenVariablesIndexIsANote(byte[] data) throws IOException {
    Files.write(dir.resolve("indexed/variables/variables.index"), data);

    ModelProfile p = new TfReader().read(dir.resolve("indexed"), ReadLimits.DEFAULT);

    assertThat(p.notes()).allSatisfy(n -> assertThat(n).doesNotContain("\n"));
  }

  private static final String[] OPS = {
    "Const",
    "Placeholder",
    "MatMul",
    "Conv2D",
    "Softmax",
    "StatefulPartitionedCall",
    "While",
    "If",
    "Enter",
    "Exit",
    "Merge",
    "NextIteration",
    "Sigmoid",
    "Tanh",
    "ConcatV2",
    "Sin",
    "Cos",
    "Conv2DBackpropInput",
    "CropAndResize",
    "NonMaxSuppressionV3",
    "ExtractImagePatches",
    "ResourceGather",
    "Cast",
    "VarHandleOp",
    "ReadVariableOp",
    "LSTMBlockCell",
    "BatchMatMulV2",
    "Einsum",
    "Reshape",
    "StridedSlice",
    "Pack",
    "Shape",
    "MaxPool",
    "DepthwiseConv2dNative",
    "FusedBatchNormV3",
    "Split",
    "GatherV2",
    "Transpose",
    "SpaceToBatchND",
    "PartitionedCall",
    "f0",
    "f1",
    ""
  };

  private static final String[] ATTRS = {
    "value",
    "shape",
    "dtype",
    "f",
    "body",
    "cond",
    "strides",
    "ksizes",
    "frame_name",
    "DstT",
    "data_format",
    "rnn_mode",
    "_output_shapes",
    "index",
    "padding",
    "transpose_a",
    "adj_y",
    "equation",
    "_input_ports",
    "shrink_axis_mask",
    "ellipsis_mask",
    "ksize",
    "num_split",
    "dilations",
    "explicit_paddings"
  };

  private static byte[] graph(FuzzedDataProvider d) {
    List<Pb> nodes = new ArrayList<>();
    for (int i = d.consumeInt(0, 12); i > 0; i--) {
      nodes.add(node(d));
    }
    List<Pb> functions = new ArrayList<>();
    for (int i = d.consumeInt(0, 3); i > 0; i--) {
      List<Pb> body = new ArrayList<>();
      for (int k = d.consumeInt(0, 6); k > 0; k--) {
        body.add(node(d));
      }
      functions.add(
          TfBytes.function(
              "f" + d.consumeInt(0, 2),
              List.of("n0", "n1"),
              Map.of("out", "n" + d.consumeInt(0, 5) + ":out:0"),
              body));
    }
    Pb g = TfBytes.graph(nodes, functions.toArray(Pb[]::new));
    if (d.consumeBoolean()) {
      g.raw(d.consumeBytes(d.consumeInt(0, 16)));
    }
    return g.toBytes();
  }

  private static Pb node(FuzzedDataProvider d) {
    List<String> inputs = new ArrayList<>();
    for (int i = d.consumeInt(0, 3); i > 0; i--) {
      inputs.add("n" + d.consumeInt(0, 11) + (d.consumeBoolean() ? ":0" : ""));
    }
    List<Pb> attrs = new ArrayList<>();
    for (int i = d.consumeInt(0, 3); i > 0; i--) {
      String key = d.pickValue(ATTRS);
      attrs.add(
          switch (d.consumeInt(0, 6)) {
            case 0 -> TfBytes.attrInt(key, d.consumeLong());
            case 1 -> TfBytes.attrStr(key, d.consumeString(8));
            case 2 -> TfBytes.attrInts(key, d.consumeLong(-2, 20), d.consumeLong(-2, 20), 1, 1);
            case 3 ->
                d.consumeBoolean()
                    ? TfBytes.attrShape(key, d.consumeLong(-3, 9), d.consumeLong(-1, 9))
                    : TfBytes.attrShapes(key, new long[] {d.consumeLong(), d.consumeLong()}, null);
            case 4 -> TfBytes.attrFunc(key, "f" + d.consumeInt(0, 3));
            case 5 -> TfBytes.attrTensor(key, tensor(d));
            default -> TfBytes.attr(key, pb().raw(d.consumeBytes(d.consumeInt(0, 12))));
          });
    }
    return TfBytes.node(
        "n" + d.consumeInt(0, 11), d.pickValue(OPS), inputs, attrs.toArray(Pb[]::new));
  }

  private static Pb tensor(FuzzedDataProvider d) {
    long[] dims = new long[d.consumeInt(0, 3)];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = d.consumeBoolean() ? d.consumeLong(0, 5) : d.consumeLong();
    }
    Pb rest = pb();
    switch (d.consumeInt(0, 3)) {
      case 0 -> rest.bytes(4, d.consumeBytes(d.consumeInt(0, 64)));
      case 1 -> rest.bytes(7, d.consumeBytes(d.consumeInt(0, 32)));
      case 2 -> rest.fixed32(5, d.consumeInt());
      default -> {}
    }
    return TfBytes.tensor(d.consumeInt(0, 31), dims, rest);
  }

  /** Each execution writes a file; on Linux's {@code /dev/shm} that is much faster than a disk. */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-tf-fuzz")
          : Files.createTempDirectory("neuronfit-tf-fuzz");
    }
  }
}
