package dev.neuronfit.io.tf;

import static dev.neuronfit.io.tf.TfBytes.FLOAT;
import static dev.neuronfit.io.tf.TfBytes.attr;
import static dev.neuronfit.io.tf.TfBytes.attrFunc;
import static dev.neuronfit.io.tf.TfBytes.attrInts;
import static dev.neuronfit.io.tf.TfBytes.constant;
import static dev.neuronfit.io.tf.TfBytes.floatTensor;
import static dev.neuronfit.io.tf.TfBytes.function;
import static dev.neuronfit.io.tf.TfBytes.graph;
import static dev.neuronfit.io.tf.TfBytes.node;
import static dev.neuronfit.io.tf.TfBytes.pb;
import static dev.neuronfit.io.tf.TfBytes.placeholder;
import static dev.neuronfit.io.tf.TfBytes.savedModel;
import static dev.neuronfit.io.tf.TfBytes.shape;
import static dev.neuronfit.io.tf.TfBytes.tensor;
import static dev.neuronfit.io.tf.TfBytes.tensorInfo;

import dev.neuronfit.io.tf.TfBytes.Pb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the malformed TensorFlow corpus of {@code src/test/resources/malformed/tf/}: one folder
 * per case holding either a {@code model.pb} (a frozen GraphDef) or the files of a SavedModel
 * folder, with one fault. JDK only; from the repository root:
 *
 * <pre>
 * javac -d /tmp/tf-corpus core/src/test/java/dev/neuronfit/io/tf/{TfBytes,MalformedTfCorpus}.java
 * java -cp /tmp/tf-corpus dev.neuronfit.io.tf.MalformedTfCorpus core/src/test/resources/malformed/tf
 * </pre>
 *
 * <p>That rewrites the committed cases and deletes nothing, so fuzzer findings copied in by hand
 * ({@code fuzz-*}) stay. Cases too big to commit are built by {@link #atTestTime()}. {@link
 * MalformedTfTest} runs them all.
 */
public final class MalformedTfCorpus {
  private MalformedTfCorpus() {}

  static final String GRAPH = "model.pb";
  static final String SAVED_MODEL = "saved_model.pb";

  /** Writes one case into its (existing, empty) folder. */
  @FunctionalInterface
  interface Case extends dev.neuronfit.testing.MalformedCases.Builder {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "core/src/test/resources/malformed/tf");
    Map<String, Case> cases = committed();
    for (Map.Entry<String, Case> c : cases.entrySet()) {
      c.getValue().write(Files.createDirectories(root.resolve(c.getKey())));
    }
    System.out.println("wrote " + cases.size() + " cases under " + root);
  }

  /** The nodes of a small valid graph: an input, two conv layers with weights, a softmax. */
  static List<Pb> referenceNodes() {
    return List.of(
        placeholder("image", FLOAT, -1, 8, 8, 3),
        constant("conv1/kernel", floatTensor(3, 3, 3, 4)),
        node(
            "conv1/Conv2D",
            "Conv2D",
            List.of("image", "conv1/kernel"),
            attrInts("strides", 1, 1, 1, 1)),
        node("conv1/Relu", "Relu", List.of("conv1/Conv2D")),
        constant("conv2/kernel", floatTensor(3, 3, 4, 4)),
        node(
            "conv2/Conv2D",
            "Conv2D",
            List.of("conv1/Relu", "conv2/kernel"),
            attrInts("strides", 1, 1, 1, 1)),
        node("Softmax", "Softmax", List.of("conv2/Conv2D")));
  }

  /** The committed cases, by folder name. */
  static Map<String, Case> committed() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put("empty", d -> graphFile(d, new byte[0]));
    m.put("truncated-in-node", d -> graphFile(d, cutInNode(3)));
    m.put("truncated-in-tensor-content", d -> graphFile(d, cutInContent()));
    m.put("node-as-varint", d -> graphFile(d, pb().varint(1, 7).toBytes()));
    m.put(
        "node-name-as-varint",
        d -> graphFile(d, pb().msg(1, pb().varint(1, 5).str(2, "Relu")).toBytes()));
    m.put(
        "node-length-past-eof",
        d ->
            graphFile(
                d, pb().lying(1, 1_000_000, node("n", "Relu", List.of()).toBytes()).toBytes()));
    m.put(
        "attr-length-past-node",
        d -> {
          byte[] value = pb().varint(3, 1).toBytes();
          // the attr entry says it is 50 bytes longer than the node holding it; a second node,
          // long enough, follows, so the length stays inside the file
          Pb n = pb().str(1, "n").str(2, "Relu").lying(5, value.length + 50, value);
          graphFile(d, pb().msg(1, n).msg(1, node("x".repeat(80), "Relu", List.of())).toBytes());
        });
    m.put(
        "varint-11-bytes",
        d -> {
          byte[] eleven = new byte[11];
          Arrays.fill(eleven, (byte) 0x80);
          eleven[10] = 0x01;
          graphFile(d, pb().msg(1, node("n", "Relu", List.of())).tag(3, 0).raw(eleven).toBytes());
        });
    m.put(
        "field-number-zero",
        d ->
            graphFile(
                d,
                pb().msg(1, node("n", "Relu", List.of())).raw(new byte[] {0x02, 0x00}).toBytes()));
    m.put(
        "wire-type-3-group",
        d -> graphFile(d, pb().msg(1, node("n", "Relu", List.of())).tag(9, 3).tag(9, 4).toBytes()));
    m.put(
        "node-without-op",
        d -> graphFile(d, pb().msg(1, pb().str(1, "nameless_op").str(3, "x")).toBytes()));
    m.put("node-without-name", d -> graphFile(d, pb().msg(1, pb().str(2, "Relu")).toBytes()));
    m.put(
        "name-invalid-utf8",
        d ->
            graphFile(
                d,
                pb().msg(1, pb().bytes(1, new byte[] {'a', (byte) 0xC3, '('}).str(2, "Relu"))
                    .toBytes()));
    m.put(
        "function-without-name",
        d ->
            graphFile(
                d,
                graph(
                        List.of(node("n", "Relu", List.of())),
                        pb().msg(1, pb().msg(2, pb().str(1, "x"))))
                    .toBytes()));
    m.put(
        "two-functions-same-name",
        d ->
            graphFile(
                d,
                graph(
                        List.of(node("n", "Relu", List.of())),
                        function("f", List.of("x"), Map.of("y", "x"), List.of()),
                        function("f", List.of("x"), Map.of("y", "x"), List.of()))
                    .toBytes()));
    m.put("calls-nested-40-deep", d -> graphFile(d, nestedCalls(40)));
    m.put(
        "negative-dim",
        d -> oneConstant(d, tensor(FLOAT, new long[] {2, -1}, pb().bytes(4, new byte[8]))));
    m.put(
        "dims-overflow", d -> oneConstant(d, tensor(FLOAT, new long[] {1L << 32, 1L << 32}, pb())));
    m.put(
        "shape-65-dims",
        d -> {
          long[] dims = new long[65];
          Arrays.fill(dims, 1);
          oneConstant(d, tensor(FLOAT, dims, pb().bytes(4, new byte[4])));
        });
    m.put(
        "dim-below-minus-one",
        d ->
            graphFile(
                d,
                graph(
                        List.of(
                            node(
                                "x",
                                "Placeholder",
                                List.of(),
                                attr("shape", pb().msg(7, shape(4, -2))))))
                    .toBytes()));
    m.put(
        "list-floats-not-multiple-of-4",
        d ->
            graphFile(
                d,
                graph(
                        List.of(
                            node(
                                "n",
                                "Relu",
                                List.of(),
                                attr("alphas", pb().msg(1, pb().bytes(4, new byte[5]))))))
                    .toBytes()));
    m.put(
        "function-attr-as-varint",
        d ->
            graphFile(
                d,
                graph(
                        List.of(
                            node("c", "PartitionedCall", List.of(), attr("f", pb().varint(10, 3)))))
                    .toBytes()));
    m.put(
        "savedmodel-without-saved-model-pb",
        d -> {
          Files.createDirectories(d.resolve("variables"));
          Files.write(d.resolve("variables/variables.index"), TfBytes.variablesIndex(List.of()));
        });
    m.put(
        "savedmodel-pb-is-a-graphdef",
        d -> Files.write(d.resolve(SAVED_MODEL), graph(referenceNodes()).toBytes()));
    m.put(
        "savedmodel-without-meta-graphs",
        d -> Files.write(d.resolve(SAVED_MODEL), pb().varint(1, 1).toBytes()));
    m.put(
        "savedmodel-meta-graph-without-graph",
        d ->
            Files.write(
                d.resolve(SAVED_MODEL),
                pb().varint(1, 1).msg(2, pb().msg(1, pb().str(4, "serve"))).toBytes()));
    m.put(
        "savedmodel-meta-graph-past-eof",
        d ->
            Files.write(
                d.resolve(SAVED_MODEL),
                pb().varint(1, 1).lying(2, 5000, new byte[] {0x12, 0x00}).toBytes()));
    m.put("savedmodel-truncated", d -> Files.write(d.resolve(SAVED_MODEL), cutSavedModel()));
    m.put(
        "savedmodel-text-format",
        d ->
            Files.writeString(
                d.resolve("saved_model.pbtxt"),
                "saved_model_schema_version: 1\nmeta_graphs {\n}\n",
                StandardCharsets.UTF_8));
    return m;
  }

  /** Cases too big to commit, built into a temporary folder. */
  static Map<String, Case> atTestTime() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put(
        "too-many-nodes",
        d -> {
          // 1,000,001 nodes of 9 bytes each, one over the default limit
          byte[] one = pb().msg(1, pb().str(1, "n").str(2, "A")).toBytes();
          byte[] all = new byte[one.length * 1_000_001];
          for (int i = 0; i < 1_000_001; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
          }
          graphFile(d, all);
        });
    m.put(
        "name-over-limit",
        d -> {
          char[] name = new char[(1 << 20) + 1];
          Arrays.fill(name, 'n');
          graphFile(d, graph(List.of(node(new String(name), "Relu", List.of()))).toBytes());
        });
    return m;
  }

  /** Where a case's model is: its {@code model.pb}, or the case folder as a SavedModel. */
  static Path modelIn(Path dir) {
    Path graph = dir.resolve(GRAPH);
    return Files.exists(graph) ? graph : dir;
  }

  private static void graphFile(Path dir, byte[] bytes) throws IOException {
    Files.write(dir.resolve(GRAPH), bytes);
  }

  private static void oneConstant(Path dir, Pb tensor) throws IOException {
    graphFile(dir, graph(List.of(constant("W", tensor))).toBytes());
  }

  /** Functions f0 .. f(n-1), each calling the next; the main graph calls f0. */
  static byte[] nestedCalls(int n) {
    List<Pb> functions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Pb> body =
          i == n - 1
              ? List.of(node("r", "Relu", List.of("x")))
              : List.of(node("c", "PartitionedCall", List.of("x"), attrFunc("f", "f" + (i + 1))));
      functions.add(function("f" + i, List.of("x"), Map.of("y", i == n - 1 ? "r" : "c"), body));
    }
    return graph(
            List.of(node("call", "PartitionedCall", List.of(), attrFunc("f", "f0"))),
            functions.toArray(Pb[]::new))
        .toBytes();
  }

  /** The reference graph cut in the middle of its {@code k}th node (from 1). */
  static byte[] cutInNode(int k) {
    List<Pb> nodes = referenceNodes();
    Pb before = pb();
    for (int i = 0; i < k - 1; i++) {
      before.msg(1, nodes.get(i));
    }
    byte[] node = pb().msg(1, nodes.get(k - 1)).toBytes();
    return TfBytes.concat(before.toBytes(), Arrays.copyOf(node, node.length / 2));
  }

  /** The reference graph cut in the middle of conv1/kernel's tensor_content (432 bytes). */
  static byte[] cutInContent() {
    byte[] all = graph(referenceNodes()).toBytes();
    byte[] upTo = TfBytes.concat(pb().msg(1, referenceNodes().get(0)).toBytes());
    byte[] second = pb().msg(1, referenceNodes().get(1)).toBytes();
    return Arrays.copyOf(all, upTo.length + second.length - 200);
  }

  /** A SavedModel holding the reference graph and a signature, cut in its graph. */
  static byte[] cutSavedModel() {
    byte[] all =
        savedModel(
            graph(referenceNodes()),
            List.of(tensorInfo("image", "image:0", FLOAT, -1, 8, 8, 3)),
            List.of(tensorInfo("probs", "Softmax:0", FLOAT, -1, 8, 8, 4)));
    return Arrays.copyOf(all, all.length / 2);
  }
}
