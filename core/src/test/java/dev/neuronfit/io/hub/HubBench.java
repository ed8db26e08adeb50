package dev.neuronfit.io.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Hub benchmark (bench/hub/run.sh), not a test: a loopback Hub that waits 50 ms before every
 * answer serves checkpoints shaped like Llama-3.1-8B (4 safetensors shards), Llama-3.1-405B (191
 * shards) and a 2 GB ONNX model, all sparse (a few bytes of headers over zeros that are never
 * held). Each is checked by id with the neuronfit launcher, as a user would, into an empty cache,
 * then again with the cache filled; the table gives per model the requests, bytes received and wall
 * time, against the bytes a huggingface_hub snapshot download of the same repository would fetch.
 *
 * <p>Usage: {@code HubBench ROOT [RUNS] [LATENCY_MS] [BEFORE]} with ROOT the neuronfit checkout;
 * BEFORE, another checkout (an earlier commit, built), whose launcher then checks each model into
 * an empty cache too, in the same run, for a table of before and after.
 */
public final class HubBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NOTE =
      Pattern.compile("(\\d+) request\\(s\\), ([\\d,]+) bytes received");

  private HubBench() {}

  /** One model of the benchmark: its id, its files, and what a snapshot download would take. */
  record Model(String id, String what, Map<String, LoopbackHub.Blob> files) {
    long snapshotBytes() {
      return files.values().stream().mapToLong(LoopbackHub.Blob::length).sum();
    }
  }

  /** Locates a model in this JVM (no process start), for a look at the network part alone. */
  static double inProcess(LoopbackHub hub, Path cache, String id) throws Exception {
    HubSettings s =
        HubSettings.fromEnvironment(
            Map.of(
                "HF_ENDPOINT",
                hub.endpoint().toString(),
                "XDG_CACHE_HOME",
                cache.toString(),
                "HF_HOME",
                cache.resolve("hf").toString()),
            cache);
    long t0 = System.nanoTime();
    new HubModels(s, dev.neuronfit.io.ReadLimits.DEFAULT).locate(HubId.parse(id).get());
    return (System.nanoTime() - t0) / 1e9;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--serve")) {
      serveOnly(args.length > 1 ? Long.parseLong(args[1]) : 50);
      return;
    }
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath();
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long latency = args.length > 2 ? Long.parseLong(args[2]) : 50;
    Optional<Path> before =
        args.length > 3 ? Optional.of(Path.of(args[3]).toAbsolutePath()) : Optional.empty();
    List<Model> models =
        List.of(
            llama("meta-llama/Llama-3.1-8B", "Llama-3.1-8B, 4 shards", 4096, 14336, 32, 32, 4),
            llama(
                "meta-llama/Llama-3.1-405B",
                "Llama-3.1-405B, 191 shards",
                16384,
                53248,
                126,
                128,
                191),
            onnx(),
            manyInitializers());
    Path work = Files.createTempDirectory("neuronfit-hubbench-");
    try (LoopbackHub hub = new LoopbackHub()) {
      for (Model m : models) {
        hub.serveBlobs(m.id(), HubModelsTest.COMMIT, m.files(), false);
      }
      hub.latency(latency);
      System.out.printf(
          Locale.ROOT,
          "loopback Hub at %s, %d ms before every answer; %d runs each, median wall time;"
              + " load average before: %s%n%n",
          hub.endpoint(),
          latency,
          runs,
          loadAverage());
      System.out.println(
          "| model | snapshot download | neuronfit: requests | bytes received | check, cold cache"
              + " | of which fetching (in one JVM) | second check: requests | wall time"
              + " | snapshot bytes / neuronfit bytes |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Model m : models) {
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> fetch = new ArrayList<>();
        long[] cost = null;
        long[] again = null;
        for (int i = 0; i < runs; i++) {
          Path cache = work.resolve(m.id().replace('/', '-') + "-" + i);
          Files.createDirectories(cache);
          Run c = check(root, hub, cache, m.id());
          cold.add(c.seconds());
          cost = c.cost();
          Run w = check(root, hub, cache, m.id());
          warm.add(w.seconds());
          again = new long[] {w.serverRequests()};
          Path inJvm = work.resolve(m.id().replace('/', '-') + "-jvm-" + i);
          inProcess(hub, Files.createDirectories(inJvm.resolve("warm-up")), m.id());
          fetch.add(inProcess(hub, Files.createDirectories(inJvm.resolve("timed")), m.id()));
        }
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %d | %s | %.2f s | %.2f s | %d | %.2f s | %,.0f |%n",
            m.what(),
            size(m.snapshotBytes()),
            cost[0],
            size(cost[1]),
            median(cold),
            median(fetch),
            again[0],
            median(warm),
            (double) m.snapshotBytes() / cost[1]);
      }
      if (before.isPresent()) {
        System.out.println();
        System.out.println(
            "before (" + before.get() + "), cold cache, load average: " + loadAverage());
        System.out.println();
        System.out.println("| model | requests | bytes received | check, cold cache |");
        System.out.println("|---|---:|---:|---:|");
        for (Model m : models) {
          List<Double> cold = new ArrayList<>();
          long[] cost = null;
          for (int i = 0; i < runs; i++) {
            Path cache = work.resolve(m.id().replace('/', '-') + "-before-" + i);
            Files.createDirectories(cache);
            Run c = check(before.get(), hub, cache, m.id());
            cold.add(c.seconds());
            cost = c.cost();
          }
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %s | %.2f s |%n",
              m.what(),
              cost[0],
              size(cost[1]),
              median(cold));
        }
      }
      System.out.println();
      System.out.println("load average after: " + loadAverage());
      for (Model m : models) {
        long shards = m.files().keySet().stream().filter(f -> f.endsWith(".safetensors")).count();
        long largest =
            m.files().values().stream().mapToLong(LoopbackHub.Blob::length).max().orElse(0);
        System.out.printf(
            Locale.ROOT,
            "%s: a snapshot download fetches %d files (%d safetensors), %s, the largest %s%n",
            m.id(),
            m.files().size(),
            shards,
            size(m.snapshotBytes()),
            size(largest));
      }
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Serves the benchmark's repositories until the process is stopped, for timing or profiling a
   * check by hand: {@code HubBench --serve [LATENCY_MS]} prints the endpoint to set as HF_ENDPOINT.
   */
  private static void serveOnly(long latency) throws Exception {
    try (LoopbackHub hub = new LoopbackHub()) {
      hub.serveBlobs(
          "meta-llama/Llama-3.1-8B",
          HubModelsTest.COMMIT,
          llama("meta-llama/Llama-3.1-8B", "", 4096, 14336, 32, 32, 4).files(),
          false);
      hub.serveBlobs(
          "meta-llama/Llama-3.1-405B",
          HubModelsTest.COMMIT,
          llama("meta-llama/Llama-3.1-405B", "", 16384, 53248, 126, 128, 191).files(),
          false);
      hub.serveBlobs(onnx().id(), HubModelsTest.COMMIT, onnx().files(), false);
      hub.serveBlobs(
          manyInitializers().id(), HubModelsTest.COMMIT, manyInitializers().files(), false);
      hub.latency(latency);
      System.out.println(hub.endpoint());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private record Run(double seconds, long[] cost, long serverRequests) {}

  /**
   * One {@code neuronfit check --format json ID} through the launcher, against the loopback Hub.
   */
  private static Run check(Path root, LoopbackHub hub, Path cache, String id) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(root.resolve("neuronfit").toString(), "check", "--format", "json", id);
    pb.environment().put("HF_ENDPOINT", hub.endpoint().toString());
    pb.environment().put("XDG_CACHE_HOME", cache.toString());
    pb.environment().put("HF_HOME", cache.resolve("hf").toString());
    pb.environment().remove("HF_TOKEN");
    pb.environment().remove("HF_HUB_OFFLINE");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    int before = hub.requests();
    long t0 = System.nanoTime();
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new IllegalStateException(id + ": neuronfit exited " + code);
    }
    JsonNode report = JSON.readTree(new String(out, StandardCharsets.UTF_8));
    long requests = -1;
    long bytes = -1;
    for (JsonNode n : report.at("/model/notes")) {
      Matcher m = NOTE.matcher(n.asText());
      if (m.find()) {
        requests = Long.parseLong(m.group(1));
        bytes = Long.parseLong(m.group(2).replace(",", ""));
      }
    }
    return new Run(seconds, new long[] {requests, bytes}, hub.requests() - before);
  }

  /**
   * A Llama checkpoint as transformers stores it (tensor names and shapes of LlamaForCausalLM,
   * bf16), cut into {@code shards} files of about equal size in tensor order, with its config
   * (values from the model's public config.json) and its safetensors index.
   */
  static Model llama(
      String id, String what, int hidden, int intermediate, int layers, int heads, int shards) {
    int kv = 8 * (hidden / heads);
    long vocab = 128256;
    List<SparseFiles.Tensor> all = new ArrayList<>();
    all.add(new SparseFiles.Tensor("model.embed_tokens.weight", "BF16", vocab, hidden));
    for (int i = 0; i < layers; i++) {
      String p = "model.layers." + i + ".";
      all.add(new SparseFiles.Tensor(p + "input_layernorm.weight", "BF16", hidden));
      all.add(new SparseFiles.Tensor(p + "self_attn.q_proj.weight", "BF16", hidden, hidden));
      all.add(new SparseFiles.Tensor(p + "self_attn.k_proj.weight", "BF16", kv, hidden));
      all.add(new SparseFiles.Tensor(p + "self_attn.v_proj.weight", "BF16", kv, hidden));
      all.add(new SparseFiles.Tensor(p + "self_attn.o_proj.weight", "BF16", hidden, hidden));
      all.add(new SparseFiles.Tensor(p + "post_attention_layernorm.weight", "BF16", hidden));
      all.add(new SparseFiles.Tensor(p + "mlp.gate_proj.weight", "BF16", intermediate, hidden));
      all.add(new SparseFiles.Tensor(p + "mlp.up_proj.weight", "BF16", intermediate, hidden));
      all.add(new SparseFiles.Tensor(p + "mlp.down_proj.weight", "BF16", hidden, intermediate));
    }
    all.add(new SparseFiles.Tensor("model.norm.weight", "BF16", hidden));
    all.add(new SparseFiles.Tensor("lm_head.weight", "BF16", vocab, hidden));
    long total = all.stream().mapToLong(SparseFiles.Tensor::bytes).sum();
    Map<String, LoopbackHub.Blob> files = new TreeMap<>();
    StringBuilder index =
        new StringBuilder("{\"metadata\":{\"total_size\":" + total + "},\"weight_map\":{");
    // each tensor goes to the shard its first byte falls in, cutting the bytes into equal parts
    List<List<SparseFiles.Tensor>> parts = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      parts.add(new ArrayList<>());
    }
    long start = 0;
    for (SparseFiles.Tensor t : all) {
      parts.get((int) (start * shards / total)).add(t);
      start += t.bytes();
    }
    int n = 0;
    String sep = "";
    for (List<SparseFiles.Tensor> shard : parts) {
      if (shard.isEmpty()) {
        continue;
      }
      n++;
      String name = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", n, shards);
      files.put(name, SparseFiles.safetensors(shard));
      for (SparseFiles.Tensor s : shard) {
        index.append(sep).append('"').append(s.name()).append("\":\"").append(name).append('"');
        sep = ",";
      }
    }
    if (n != shards) {
      throw new IllegalStateException(id + ": " + n + " shards, not " + shards);
    }
    index.append("}}");
    files.put("model.safetensors.index.json", blob(index.toString()));
    files.put(
        "config.json",
        blob(
            "{\"architectures\":[\"LlamaForCausalLM\"],\"attention_bias\":false,"
                + "\"attention_dropout\":0.0,\"bos_token_id\":128000,\"eos_token_id\":128001,"
                + "\"hidden_act\":\"silu\",\"hidden_size\":"
                + hidden
                + ",\"initializer_range\":0.02,\"intermediate_size\":"
                + intermediate
                + ",\"max_position_embeddings\":131072,\"mlp_bias\":false,"
                + "\"model_type\":\"llama\",\"num_attention_heads\":"
                + heads
                + ",\"num_hidden_layers\":"
                + layers
                + ",\"num_key_value_heads\":8,\"pretraining_tp\":1,\"rms_norm_eps\":1e-05,"
                + "\"rope_scaling\":{\"factor\":8.0,\"low_freq_factor\":1.0,"
                + "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192,"
                + "\"rope_type\":\"llama3\"},\"rope_theta\":500000.0,"
                + "\"tie_word_embeddings\":false,\"torch_dtype\":\"bfloat16\","
                + "\"transformers_version\":\"4.43.0.dev0\",\"use_cache\":true,"
                + "\"vocab_size\":128256}"));
    files.put(
        "generation_config.json",
        blob("{\"bos_token_id\":128000,\"do_sample\":true,\"eos_token_id\":128001}"));
    return new Model(id, what, files);
  }

  /** A 2 GB ONNX model: 32 MatMul layers, each weight 4096 x 4096 floats inline as raw_data. */
  static Model onnx() {
    return new Model(
        "bench/matmul-2gb-onnx",
        "ONNX, 2.1 GB (32 inline initializers)",
        Map.of("model.onnx", SparseFiles.onnx(32, 4096, 4096).blob()));
  }

  /**
   * An ONNX model of 100 MatMul layers whose weights are 128 x 128 floats (64 KiB each, 6.6 MB):
   * each payload is a jump past what the last range held, one request each unless the reader reads
   * through short gaps.
   */
  static Model manyInitializers() {
    return new Model(
        "bench/matmul-100x64k-onnx",
        "ONNX, 6.6 MB (100 initializers of 64 KiB)",
        Map.of("model.onnx", SparseFiles.onnx(100, 128, 128).blob()));
  }

  /** The machine's load, which the wall times follow (2 cores shared with other builds). */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static LoopbackHub.Blob blob(String text) {
    return LoopbackHub.Blob.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Comparator.naturalOrder());
    return s.get(s.size() / 2);
  }

  private static String size(long bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
