package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxBytes.DOUBLE;
import static dev.neuronfit.io.onnx.OnnxBytes.FLOAT;
import static dev.neuronfit.io.onnx.OnnxBytes.INT4;
import static dev.neuronfit.io.onnx.OnnxBytes.STRING;
import static dev.neuronfit.io.onnx.OnnxBytes.externalTensor;
import static dev.neuronfit.io.onnx.OnnxBytes.floatTensor;
import static dev.neuronfit.io.onnx.OnnxBytes.graph;
import static dev.neuronfit.io.onnx.OnnxBytes.initializer;
import static dev.neuronfit.io.onnx.OnnxBytes.matmulGraph;
import static dev.neuronfit.io.onnx.OnnxBytes.model;
import static dev.neuronfit.io.onnx.OnnxBytes.nestedIfs;
import static dev.neuronfit.io.onnx.OnnxBytes.node;
import static dev.neuronfit.io.onnx.OnnxBytes.nodePart;
import static dev.neuronfit.io.onnx.OnnxBytes.pb;
import static dev.neuronfit.io.onnx.OnnxBytes.tensor;

import dev.neuronfit.io.onnx.OnnxBytes.Pb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the malformed ONNX corpus of {@code src/test/resources/malformed/onnx/}: one folder per
 * case holding a {@code model.onnx} with one fault (and a {@code weights.bin} where the fault is in
 * external data). JDK only; from the repository root:
 *
 * <pre>
 * javac -d /tmp/onnx-corpus core/src/test/java/dev/neuronfit/io/onnx/{OnnxBytes,MalformedOnnxCorpus}.java
 * java -cp /tmp/onnx-corpus dev.neuronfit.io.onnx.MalformedOnnxCorpus \
 *     core/src/test/resources/onnx core/src/test/resources/malformed/onnx
 * </pre>
 *
 * <p>That rewrites the committed cases and deletes nothing, so fuzzer findings copied in by hand
 * ({@code fuzz-*}) stay. The truncated cases cut real fixtures from {@code
 * src/test/resources/onnx/}. Cases too big to commit, or needing a symbolic link, are built by
 * {@link #atTestTime()}. {@link MalformedOnnxTest} runs them all.
 */
public final class MalformedOnnxCorpus {
  private MalformedOnnxCorpus() {}

  static final String MODEL = "model.onnx";

  /** Writes one case into its (existing, empty) folder. */
  @FunctionalInterface
  interface Case extends dev.neuronfit.testing.MalformedCases.Builder {}

  public static void main(String[] args) throws IOException {
    Path fixtures = Path.of(args.length > 0 ? args[0] : "core/src/test/resources/onnx");
    Path root = Path.of(args.length > 1 ? args[1] : "core/src/test/resources/malformed/onnx");
    Map<String, Case> cases = committed(fixtures);
    for (Map.Entry<String, Case> c : cases.entrySet()) {
      c.getValue().write(Files.createDirectories(root.resolve(c.getKey())));
    }
    System.out.println("wrote " + cases.size() + " cases under " + root);
  }

  /** The committed cases, by folder name; {@code fixtures} is the folder of the real models. */
  static Map<String, Case> committed(Path fixtures) {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put("empty", d -> write(d, new byte[0]));
    m.put("truncated-in-node", d -> write(d, cutInNode(fixtures.resolve("bert_tiny.onnx"), 10)));
    m.put("truncated-in-raw-data", d -> write(d, cutInRawData(fixtures.resolve("crnn_tiny.onnx"))));
    m.put("graph-as-varint", d -> write(d, pb().varint(1, 8).varint(7, 1).toBytes()));
    m.put(
        "node-name-as-varint",
        d -> write(d, model(graph(nodePart(pb().varint(3, 5).str(4, "Relu"))))));
    m.put(
        "graph-length-past-eof",
        d -> write(d, pb().varint(1, 8).lying(7, 1_000_000, new byte[] {0x0A, 0x00}).toBytes()));
    m.put(
        "node-length-past-graph",
        d -> {
          byte[] node = node("n", "Relu", List.of("x"), List.of("y")).toBytes();
          // the node says it is 100 bytes longer than the graph holding it
          Pb graph = pb().lying(1, node.length + 100, node);
          write(d, pb().varint(1, 8).msg(7, graph).raw(new byte[200]).toBytes());
        });
    m.put(
        "varint-11-bytes",
        d -> {
          byte[] eleven = new byte[11];
          Arrays.fill(eleven, (byte) 0x80);
          eleven[10] = 0x01;
          write(d, pb().tag(1, 0).raw(eleven).toBytes());
        });
    m.put(
        "field-number-zero",
        d -> write(d, pb().varint(1, 8).raw(new byte[] {0x02, 0x00}).msg(7, graph()).toBytes()));
    m.put("wire-type-3-group", d -> write(d, pb().varint(1, 8).tag(9, 3).tag(9, 4).toBytes()));
    m.put("if-nested-20-deep", d -> write(d, model(nestedIfs(20))));
    m.put(
        "tensor-proto-alone",
        d -> write(d, floatTensor("W", 2, 2).toBytes())); // a TensorProto, not a ModelProto
    m.put(
        "graph-proto-alone",
        d -> write(d, matmulGraph(floatTensor("W", 8, 4)).toBytes())); // a GraphProto alone
    m.put(
        "model-without-graph",
        d ->
            write(
                d,
                pb().varint(1, 8)
                    .str(2, "neuronfit-test")
                    .msg(8, pb().str(1, "").varint(2, 14))
                    .toBytes()));
    m.put("two-graphs", d -> write(d, pb().varint(1, 8).msg(7, graph()).msg(7, graph()).toBytes()));
    m.put(
        "opset-version-as-string",
        d -> write(d, pb().varint(1, 8).msg(8, pb().str(1, "").str(2, "14")).toBytes()));
    m.put("unknown-data-type", d -> oneTensor(d, tensor("W", 99, new long[] {2}, pb())));
    m.put(
        "data-type-over-int",
        d -> oneTensor(d, tensor("W", (1L << 32) + 1, new long[] {1}, pb().bytes(9, new byte[4]))));
    m.put(
        "negative-dim",
        d -> oneTensor(d, tensor("W", FLOAT, new long[] {2, -3}, pb().bytes(9, new byte[24]))));
    m.put(
        "dims-overflow",
        d -> oneTensor(d, tensor("W", FLOAT, new long[] {1L << 32, 1L << 32}, pb())));
    m.put(
        "dims-65",
        d -> {
          long[] dims = new long[65];
          Arrays.fill(dims, 1);
          oneTensor(d, tensor("W", FLOAT, dims, pb().bytes(9, new byte[4])));
        });
    m.put(
        "dims-packed-past-field",
        d -> {
          // dims packed in 1 byte whose varint goes on into the next field's tag
          Pb t = pb().bytes(1, new byte[] {(byte) 0x80}).varint(2, FLOAT).str(8, "W");
          oneTensor(d, t);
        });
    m.put(
        "size-overflow-no-data",
        d -> oneTensor(d, tensor("W", DOUBLE, new long[] {1L << 60}, pb())));
    m.put(
        "int4-size-wraps",
        d -> oneTensor(d, tensor("W", INT4, new long[] {Long.MAX_VALUE / 4}, pb())));
    m.put(
        "total-size-overflow",
        d ->
            write(
                d,
                model(
                    graph(
                        initializer(tensor("a", STRING, new long[] {1L << 62}, pb())),
                        initializer(tensor("b", STRING, new long[] {1L << 62}, pb()))))));
    m.put(
        "raw-data-length-mismatch",
        d -> oneTensor(d, tensor("W", FLOAT, new long[] {2, 2}, pb().bytes(9, new byte[12]))));
    m.put(
        "typed-data-count-mismatch",
        d ->
            oneTensor(
                d,
                tensor(
                    "W",
                    FLOAT,
                    new long[] {2, 2},
                    pb().fixed32(4, 0).fixed32(4, 0).fixed32(4, 0))));
    m.put(
        "attribute-floats-not-multiple-of-4",
        d ->
            write(
                d,
                model(
                    graph(
                        nodePart(
                            node(
                                "n",
                                "LeakyRelu",
                                List.of("x"),
                                List.of("y"),
                                pb().str(1, "alpha").bytes(7, new byte[5])))))));
    m.put(
        "node-without-op-type",
        d -> write(d, model(graph(nodePart(pb().str(1, "x").str(2, "y").str(3, "nameless"))))));
    m.put(
        "function-node-without-op-type",
        d ->
            write(
                d,
                pb().varint(1, 8)
                    .msg(7, graph())
                    .msg(25, pb().str(1, "F").msg(7, pb().str(1, "x").str(2, "y")).str(10, "d"))
                    .toBytes()));
    m.put(
        "node-name-invalid-utf8",
        d ->
            write(
                d,
                model(
                    graph(
                        nodePart(
                            pb().bytes(3, new byte[] {'a', (byte) 0xC3, '('}).str(4, "Relu"))))));
    m.put(
        "external-absolute-path",
        d -> external(d, 16, "location", "/etc/passwd", "offset", "0", "length", "16"));
    m.put(
        "external-parent-escape",
        d -> external(d, 16, "location", "../weights.bin", "offset", "0", "length", "16"));
    m.put(
        "external-windows-drive",
        d -> external(d, 16, "location", "C:\\weights.bin", "offset", "0", "length", "16"));
    m.put(
        "external-offset-past-end",
        d -> external(d, 16, "location", "weights.bin", "offset", "16", "length", "16"));
    m.put(
        "external-length-mismatch",
        d -> external(d, 16, "location", "weights.bin", "offset", "0", "length", "12"));
    m.put("external-no-location", d -> external(d, 16, "offset", "0", "length", "16"));
    m.put(
        "external-bad-offset",
        d -> external(d, 16, "location", "weights.bin", "offset", "-1", "length", "16"));
    m.put(
        "external-location-is-folder",
        d -> external(d, 16, "location", ".", "offset", "0", "length", "16"));
    m.put(
        "external-key-as-varint",
        d -> {
          Pb t =
              tensor("W", FLOAT, new long[] {2, 2}, pb().msg(13, pb().varint(1, 3)).varint(14, 1));
          oneTensor(d, t);
        });
    return m;
  }

  /** Cases too big to commit or needing a symbolic link, built into a temporary folder. */
  static Map<String, Case> atTestTime() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put(
        "external-symlink-escape",
        d -> {
          Path outside = Files.createDirectories(d.resolve("outside"));
          Files.write(outside.resolve("secret.bin"), new byte[16]);
          Path model = Files.createDirectories(d.resolve("model"));
          Files.createSymbolicLink(model.resolve("weights.bin"), Path.of("../outside/secret.bin"));
          Pb t =
              externalTensor(
                  "W",
                  FLOAT,
                  new long[] {2, 2},
                  "location",
                  "weights.bin",
                  "offset",
                  "0",
                  "length",
                  "16");
          Files.write(model.resolve(MODEL), model(graph(initializer(t))));
        });
    m.put(
        "too-many-nodes",
        d -> {
          // 1,000,001 nodes of 5 bytes each, one over the default limit
          byte[] one = nodePart(pb().str(4, "A")).toBytes();
          ByteArrayOutputStream g = new ByteArrayOutputStream(one.length * 1_000_001);
          for (int i = 0; i < 1_000_001; i++) {
            g.write(one, 0, one.length);
          }
          write(d, model(pb().raw(g.toByteArray())));
        });
    m.put(
        "name-over-limit",
        d -> {
          char[] name = new char[(1 << 20) + 1];
          Arrays.fill(name, 'n');
          write(d, model(graph(nodePart(node(new String(name), "Relu", List.of(), List.of())))));
        });
    return m;
  }

  /** Where a case's model file is: {@code model.onnx}, or {@code model/model.onnx} for a link. */
  static Path modelIn(Path dir) {
    Path nested = dir.resolve("model").resolve(MODEL);
    return Files.exists(nested) ? nested : dir.resolve(MODEL);
  }

  private static void write(Path dir, byte[] model) throws IOException {
    Files.write(dir.resolve(MODEL), model);
  }

  private static void oneTensor(Path dir, Pb tensor) throws IOException {
    write(dir, model(graph(initializer(tensor))));
  }

  /** A model whose one initializer is external, with a weights.bin of {@code dataBytes}. */
  private static void external(Path dir, int dataBytes, String... entries) throws IOException {
    oneTensor(dir, externalTensor("W", FLOAT, new long[] {2, 2}, entries));
    Files.write(dir.resolve("weights.bin"), new byte[dataBytes]);
  }

  /** A real model cut in the middle of its {@code n}th node (counting from 1). */
  static byte[] cutInNode(Path fixture, int n) throws IOException {
    byte[] b = Files.readAllBytes(fixture);
    OnnxBytes.Field graph = OnnxBytes.first(b, 0, b.length, 7);
    OnnxBytes.Field node =
        OnnxBytes.fields(b, graph.valueStart(), graph.end()).stream()
            .filter(f -> f.number() == 1)
            .skip(n - 1)
            .findFirst()
            .orElseThrow();
    return Arrays.copyOf(b, (node.valueStart() + node.end()) / 2);
  }

  /** A real model cut in the middle of its first initializer's raw_data. */
  static byte[] cutInRawData(Path fixture) throws IOException {
    byte[] b = Files.readAllBytes(fixture);
    OnnxBytes.Field graph = OnnxBytes.first(b, 0, b.length, 7);
    OnnxBytes.Field init = OnnxBytes.first(b, graph.valueStart(), graph.end(), 5);
    OnnxBytes.Field raw = OnnxBytes.first(b, init.valueStart(), init.end(), 9);
    return Arrays.copyOf(b, (raw.valueStart() + raw.end()) / 2);
  }
}
