package dev.neuronfit.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the malformed-input corpus of {@code src/test/resources/malformed/hf/}: one folder per
 * case, each a small model folder with one fault. Uses the JDK only, so it runs as a source file:
 *
 * <pre>
 * java core/src/test/java/dev/neuronfit/io/MalformedCorpus.java core/src/test/resources/malformed/hf
 * </pre>
 *
 * <p>That rewrites the committed cases (it never deletes: cases added by hand, such as fuzzer
 * findings, stay). Cases too big to commit are built by {@link #atTestTime()} into a temporary
 * folder. The folder's {@code README.md} lists every case; {@link MalformedInputTest} runs them.
 */
public final class MalformedCorpus {
  private MalformedCorpus() {}

  /** Writes one case into its (existing, empty) folder. */
  @FunctionalInterface
  interface Case extends dev.neuronfit.testing.MalformedCases.Builder {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "core/src/test/resources/malformed/hf");
    for (Map.Entry<String, Case> c : committed().entrySet()) {
      Path dir = Files.createDirectories(root.resolve(c.getKey()));
      c.getValue().write(dir);
    }
    System.out.println("wrote " + committed().size() + " cases under " + root);
  }

  /** The cases too big to commit, written at test time (sparse where the file system allows). */
  static Map<String, Case> atTestTime() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put(
        "config-too-big",
        d -> {
          // 40 MiB, over the 32 MiB cap; a sparse file of zeros costs no disk
          try (RandomAccessFile f = new RandomAccessFile(d.resolve("config.json").toFile(), "rw")) {
            f.write('{');
            f.setLength(40L << 20);
          }
        });
    m.put(
        "index-too-many-files",
        d -> {
          StringBuilder b = new StringBuilder("{\"weight_map\": {");
          for (int i = 1; i <= 10_001; i++) {
            b.append(i == 1 ? "" : ",")
                .append(String.format("\"t%d\": \"model-%05d-of-10001.safetensors\"", i, i));
          }
          text(d, "model.safetensors.index.json", b.append("}}").toString());
        });
    m.put(
        "st-header-huge-object",
        d -> {
          // just under the 100 MB header cap: 7.7 million entries {"a0":0,"a1":0,...}, which
          // cost gigabytes of heap when the header was parsed as one JSON tree
          ByteArrayOutputStream h = new ByteArrayOutputStream(99_000_100);
          h.write('{');
          for (int i = 0; h.size() < 99_000_000; i++) {
            h.write((i == 0 ? "" : ",").getBytes(StandardCharsets.US_ASCII));
            h.write(("\"a" + i + "\":0").getBytes(StandardCharsets.US_ASCII));
          }
          h.write('}');
          try (OutputStream out = Files.newOutputStream(d.resolve("model.safetensors"))) {
            out.write(length(h.size()));
            h.writeTo(out);
          }
        });
    // issue 11: links out of the model are refused by ModelFiles, whose message names the link
    // and its target and quotes nothing of it
    m.put(
        "config-link-proc-environ",
        d -> Files.createSymbolicLink(d.resolve("config.json"), Path.of("/proc/self/environ")));
    m.put(
        "shard-link-etc-passwd",
        d -> Files.createSymbolicLink(d.resolve("model.safetensors"), Path.of("/etc/passwd")));
    m.put(
        "component-link-outside",
        d -> {
          text(
              d,
              "model_index.json",
              "{\"_class_name\": \"StableDiffusionPipeline\", \"unet\": [\"diffusers\", \"U\"]}");
          Path outside = Files.createDirectories(d.resolveSibling(d.getFileName() + "-outside"));
          text(outside, "config.json", "{\"_class_name\": \"UNet2DConditionModel\"}");
          Files.createSymbolicLink(d.resolve("unet"), outside);
        });
    // second red-team pass: a link to a device beside a readable model was passed over in
    // silence (the config) or as no checkpoint (the pickle), where every other link is refused
    String st = "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}";
    m.put(
        "config-link-dev-zero",
        d -> {
          header(d, st, 4);
          Files.createSymbolicLink(d.resolve("config.json"), Path.of("/dev/zero"));
        });
    m.put(
        "checkpoint-link-dev-zero",
        d -> {
          text(d, "config.json", "{\"model_type\": \"bert\"}");
          header(d, st, 4);
          Files.createSymbolicLink(d.resolve("pytorch_model.bin"), Path.of("/dev/zero"));
        });
    return m;
  }

  /** The committed cases, by folder name. */
  static Map<String, Case> committed() {
    Map<String, Case> m = new LinkedHashMap<>();
    m.put("empty-config", d -> bytes(d, "config.json", new byte[0]));
    m.put("empty-safetensors", d -> bytes(d, "model.safetensors", new byte[0]));
    m.put(
        "config-not-json",
        d -> text(d, "config.json", "model_type = \"llama\"\nhidden_size = 64\n"));
    m.put("config-array", d -> text(d, "config.json", "[{\"model_type\": \"llama\"}]\n"));
    m.put("config-string", d -> text(d, "config.json", "\"llama\"\n"));
    m.put("config-null", d -> text(d, "config.json", "null\n"));
    m.put(
        "config-truncated",
        d -> text(d, "config.json", "{\"model_type\": \"llama\", \"hidden_size\": 40"));
    m.put(
        "config-duplicate-keys",
        d ->
            text(
                d,
                "config.json",
                "{\"hidden_size\": 4096, \"model_type\": \"llama\", \"hidden_size\": 8}\n"));
    m.put("config-deep-nesting", d -> text(d, "config.json", "{\"a\": " + "[".repeat(10_000)));
    m.put("config-trailing-data", d -> text(d, "config.json", "{\"model_type\": \"bert\"} {}\n"));
    m.put(
        "config-invalid-utf8",
        d ->
            bytes(
                d,
                "config.json",
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'}));
    m.put(
        "config-overlong-number",
        d -> text(d, "config.json", "{\"hidden_size\": 1" + "0".repeat(1_000) + "}\n"));

    m.put("st-seven-bytes", d -> bytes(d, "model.safetensors", new byte[] {16, 0, 0, 0, 0, 0, 0}));
    m.put("st-header-length-past-eof", d -> lengthThen(d, 1_000, "{}"));
    m.put("st-header-length-max-long", d -> lengthThen(d, Long.MAX_VALUE, "{}"));
    m.put("st-header-length-all-ones", d -> lengthThen(d, 0xFFFF_FFFF_FFFF_FFFFL, "{}"));
    m.put("st-header-over-cap", d -> lengthThen(d, 100_000_001L, "{\"w\": {}}"));
    m.put("st-header-length-zero", d -> lengthThen(d, 0, "{}"));
    m.put("st-header-not-json", d -> header(d, "this is not JSON", 0));
    m.put("st-header-array", d -> header(d, "[{\"dtype\": \"F32\"}]", 0));
    m.put("st-header-truncated", d -> header(d, "{\"w\": {\"dtype\": \"F32\", \"shape\": [1]", 0));
    m.put(
        "st-header-deep-nesting",
        d -> header(d, "{\"__metadata__\": {\"a\": " + "[".repeat(10_000), 0));
    m.put(
        "st-header-duplicate-tensor",
        d ->
            header(
                d,
                "{"
                    + tensor("w", "F32", "[1]", "[0, 4]")
                    + ","
                    + tensor("w", "F32", "[1]", "[4, 8]")
                    + "}",
                8));
    m.put("st-metadata-not-object", d -> header(d, "{\"__metadata__\": \"pt\"}", 0));
    m.put("st-tensor-not-object", d -> header(d, "{\"w\": [\"F32\", [1], [0, 4]]}", 4));
    m.put(
        "st-missing-dtype",
        d -> header(d, "{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4));
    m.put(
        "st-control-chars-in-name",
        d -> header(d, one("line\\nbreak\\u001b[31m", "F128", "[1]", "[0, 4]"), 4));
    m.put("st-unknown-dtype", d -> header(d, one("w", "F128", "[1]", "[0, 16]"), 16));
    m.put(
        "st-missing-shape",
        d -> header(d, "{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4));
    m.put("st-negative-dim", d -> header(d, one("w", "F32", "[2, -3]", "[0, 24]"), 24));
    m.put("st-fractional-dim", d -> header(d, one("w", "F32", "[2.5]", "[0, 10]"), 10));
    m.put(
        "st-dim-over-long", d -> header(d, one("w", "F32", "[9223372036854775808]", "[0, 4]"), 4));
    m.put(
        "st-shape-overflow",
        d -> header(d, one("w", "F32", "[4294967296, 4294967296]", "[0, 4]"), 4));
    m.put(
        "st-size-overflow", d -> header(d, one("w", "F64", "[4611686018427387904]", "[0, 8]"), 8));
    m.put("st-offsets-out-of-range", d -> header(d, one("w", "F32", "[100]", "[0, 400]"), 16));
    m.put("st-offsets-end-before-begin", d -> header(d, one("w", "F32", "[1]", "[8, 4]"), 16));
    m.put("st-offsets-negative", d -> header(d, one("w", "F32", "[1]", "[-4, 0]"), 16));
    m.put("st-offsets-span-mismatch", d -> header(d, one("w", "F32", "[2, 2]", "[0, 12]"), 16));
    m.put(
        "st-overlapping-tensors",
        d ->
            header(
                d,
                "{"
                    + tensor("a", "F32", "[4]", "[0, 16]")
                    + ","
                    + tensor("b", "F32", "[2]", "[8, 16]")
                    + "}",
                16));
    m.put("st-offsets-wrong-arity", d -> header(d, one("w", "F32", "[1]", "[0, 4, 8]"), 8));
    m.put("st-offsets-missing", d -> header(d, "{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4));
    m.put("st-offsets-not-integers", d -> header(d, one("w", "F32", "[1]", "[\"0\", \"4\"]"), 4));

    m.put("index-weight-map-missing", d -> index(d, "{\"metadata\": {\"total_size\": 4}}"));
    m.put(
        "index-weight-map-not-object",
        d -> index(d, "{\"weight_map\": [\"model-00001-of-00001.safetensors\"]}"));
    m.put("index-weight-map-non-string", d -> index(d, "{\"weight_map\": {\"w\": 1}}"));
    m.put("index-metadata-not-object", d -> index(d, "{\"metadata\": 4, \"weight_map\": {}}"));
    m.put(
        "index-total-size-negative",
        d ->
            index(
                d,
                "{\"metadata\": {\"total_size\": -1}, \"weight_map\": {\"w\": \"gone.safetensors\"}}"));
    m.put(
        "index-shard-parent-path",
        d -> index(d, "{\"weight_map\": {\"w\": \"../x.safetensors\"}}"));
    m.put("index-shard-absolute-path", d -> index(d, "{\"weight_map\": {\"w\": \"/etc/passwd\"}}"));
    m.put(
        "index-shard-subfolder",
        d -> {
          index(d, "{\"weight_map\": {\"w\": \"sub/x.safetensors\"}}");
          header(
              Files.createDirectories(d.resolve("sub")),
              "x.safetensors",
              one("w", "F32", "[1]", "[0, 4]"),
              4);
        });
    m.put(
        "index-shard-nul-name",
        d -> index(d, "{\"weight_map\": {\"w\": \"x\\u0000.safetensors\"}}"));
    m.put(
        "index-shard-malformed",
        d -> {
          index(d, "{\"weight_map\": {\"w\": \"model-00001-of-00001.safetensors\"}}");
          bytes(d, "model-00001-of-00001.safetensors", new byte[] {16, 0, 0, 0, 0, 0, 0});
        });
    m.put(
        "bin-index-not-json",
        d -> text(d, "pytorch_model.bin.index.json", "weight_map:\n  w: pytorch_model.bin\n"));
    m.put(
        "bin-index-shard-parent-path",
        d ->
            text(
                d,
                "pytorch_model.bin.index.json",
                "{\"metadata\": {\"total_size\": 16}, \"weight_map\": {\"w\":"
                    + " \"../pytorch_model-00001-of-00001.bin\"}}\n"));

    m.put(
        "pipeline-no-class-name",
        d ->
            text(d, "model_index.json", "{\"unet\": [\"diffusers\", \"UNet2DConditionModel\"]}\n"));
    m.put(
        "pipeline-class-name-not-string",
        d -> text(d, "model_index.json", "{\"_class_name\": [\"StableDiffusionPipeline\"]}\n"));
    m.put(
        "pipeline-component-bad-name",
        d ->
            text(
                d,
                "model_index.json",
                "{\"_class_name\": \"XPipeline\", \"../unet\": [\"diffusers\", \"UNet2DConditionModel\"]}\n"));
    m.put(
        "pipeline-component-config-malformed",
        d -> {
          text(
              d,
              "model_index.json",
              "{\"_class_name\": \"XPipeline\", \"unet\": [\"diffusers\", \"UNet2DConditionModel\"]}\n");
          text(Files.createDirectories(d.resolve("unet")), "config.json", "{\"_class_name\": ");
        });
    m.put(
        "pipeline-component-weights-malformed",
        d -> {
          text(
              d,
              "model_index.json",
              "{\"_class_name\": \"XPipeline\", \"unet\": [\"diffusers\", \"UNet2DConditionModel\"]}\n");
          Path unet = Files.createDirectories(d.resolve("unet"));
          text(unet, "config.json", "{\"_class_name\": \"UNet2DConditionModel\"}\n");
          lengthThen(unet, "diffusion_pytorch_model.safetensors", 1_000, "{}");
        });
    m.put("no-model", d -> text(d, "notes.txt", "a folder with no model in it\n"));
    return m;
  }

  private static String tensor(String name, String dtype, String shape, String offsets) {
    return String.format(
        "\"%s\": {\"dtype\": \"%s\", \"shape\": %s, \"data_offsets\": %s}",
        name, dtype, shape, offsets);
  }

  private static String one(String name, String dtype, String shape, String offsets) {
    return "{" + tensor(name, dtype, shape, offsets) + "}";
  }

  private static void index(Path dir, String json) throws IOException {
    text(dir, "model.safetensors.index.json", json + "\n");
  }

  private static void text(Path dir, String name, String text) throws IOException {
    bytes(dir, name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void bytes(Path dir, String name, byte[] bytes) throws IOException {
    Files.write(dir.resolve(name), bytes);
  }

  /** A model.safetensors whose header is {@code header}, followed by {@code dataBytes} bytes. */
  private static void header(Path dir, String header, int dataBytes) throws IOException {
    header(dir, "model.safetensors", header, dataBytes);
  }

  private static void header(Path dir, String name, String header, int dataBytes)
      throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    bytes(dir, name, concat(length(h.length), h, new byte[dataBytes]));
  }

  /** A model.safetensors whose 8-byte length says {@code length}, followed by {@code rest}. */
  private static void lengthThen(Path dir, long length, String rest) throws IOException {
    lengthThen(dir, "model.safetensors", length, rest);
  }

  private static void lengthThen(Path dir, String name, long length, String rest)
      throws IOException {
    bytes(dir, name, concat(length(length), rest.getBytes(StandardCharsets.UTF_8), new byte[0]));
  }

  private static byte[] length(long n) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
  }

  private static byte[] concat(byte[] a, byte[] b, byte[] c) {
    return ByteBuffer.allocate(a.length + b.length + c.length).put(a).put(b).put(c).array();
  }
}
