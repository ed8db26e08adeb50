package dev.neuronfit.plan;

import dev.neuronfit.estimate.Workload;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.verdict.TodayPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Plans that are one command line: vLLM Neuron's server and optimum-neuron's export. */
final class ServePlans {
  /** vLLM's default share of device memory it plans to use (gpu_memory_utilization). */
  static final double MEMORY_UTILIZATION = 0.9;

  /** vLLM's default cap on sequences per batch (max_num_seqs). */
  static final int MAX_SEQS = 256;

  private static final String VLLM_DOCS = "https://docs.vllm.ai/en/latest/models/engine_args.html";
  private static final String VLLM_FEATURES =
      "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/_sources/vllm-neuron/docs/guides/features-guide.md";

  private ServePlans() {}

  static boolean vllm(Draft d, TodayPath path) {
    Optional<Workload> wo = d.in.workload();
    if (d.in.family() != Family.TRANSFORMER_DECODER || wo.isEmpty()) {
      return false;
    }
    Workload w = wo.get();
    int maxLen = w.sequenceLength().orElse(ExampleInputs.DEFAULT_TOKENS);
    int tp = d.tensorParallel.orElse(1);
    d.tensorParallel = Optional.of(tp);
    long capacity = tp * Planner.memoryPerCore(d);
    long perSeq = Buckets.kvPerToken(w) * maxLen;
    long budget = (long) (capacity * MEMORY_UTILIZATION) - w.weightBytes();
    int seqs =
        perSeq <= 0
            ? MAX_SEQS
            : Buckets.floorPowerOfTwo(Math.min(MAX_SEQS, Math.max(1, budget / perSeq)));
    d.buckets.addAll(Buckets.of(w, maxLen, seqs, capacity));
    Map<String, String> env = new LinkedHashMap<>();
    lnc(d).ifPresent(l -> env.put("NEURON_LOGICAL_NC_CONFIG", String.valueOf(l.lnc())));
    List<String> argv = new ArrayList<>(List.of("vllm", "serve", d.in.profile().path()));
    argv.addAll(
        List.of(
            "--tensor-parallel-size",
            String.valueOf(tp),
            "--max-model-len",
            String.valueOf(maxLen),
            "--max-num-seqs",
            String.valueOf(seqs),
            "--max-num-batched-tokens",
            String.valueOf(maxLen)));
    if (!Buckets.powerOfTwo(maxLen)) {
      // the default prefill buckets stop at the last power of two below the maximum
      argv.add("--additional-config");
      argv.add(
          "{\"neuron_config\": {\""
              + d.flags.use("vllm-neuron neuron_config", "num_batched_tokens_buckets")
              + "\": "
              + Buckets.lengths(maxLen)
              + "}}");
    }
    d.command(
        "Start the OpenAI-compatible server; warm-up compiles one graph per bucket.",
        "vllm serve",
        env,
        argv);
    d.why.add(
        "--max-model-len "
            + maxLen
            + ": the serving context the estimates use"
            + w.sequenceLength().map(s -> "").orElse(" (default)")
            + "; --seq-len changes it.");
    d.why.add(
        "--max-num-seqs "
            + seqs
            + ": after the weights ("
            + Quantities.bytes(w.weightBytes())
            + "), "
            + (int) (MEMORY_UTILIZATION * 100)
            + "% of the "
            + Quantities.bytes(capacity)
            + " on "
            + tp
            + (tp == 1 ? " core" : " cores")
            + " holds the KV cache of "
            + (perSeq <= 0
                ? "any number of"
                : String.valueOf(Math.max(0, budget / Math.max(1, perSeq))))
            + " sequences of "
            + maxLen
            + " tokens ("
            + Quantities.bytes(perSeq)
            + " each), rounded down to a power of two and capped at vLLM's default of "
            + MAX_SEQS
            + ".");
    lnc(d)
        .ifPresent(
            l ->
                d.why.add(
                    "NEURON_LOGICAL_NC_CONFIG="
                        + l.lnc()
                        + ": the default LNC, which the sizing assumes ("
                        + l.coresPerChip()
                        + " logical cores per chip, "
                        + Quantities.bytes(l.memoryPerCoreBytes())
                        + " each)."));
    d.assumptions.add(
        "vLLM plans with "
            + (int) (MEMORY_UTILIZATION * 100)
            + "% of device memory (its gpu_memory_utilization default; "
            + VLLM_DOCS
            + ")");
    d.assumptions.add(
        "prefill is not segmented: --max-num-batched-tokens equals --max-model-len, so prefill"
            + " buckets run from 128 to the maximum (set it lower for segmented prefill; "
            + VLLM_FEATURES
            + ")");
    d.check("NCC_EVRF009", "If warm-up stops on the largest bucket:");
    if (lnc(d).isPresent()) {
      d.check("NCC_EARG001", "If the compiler rejects the LNC:");
    }
    d.checkLine(
        "one compiled graph (NEFF) per bucket during warm-up",
        "the first start compiles every bucket; later starts reuse the compile cache"
            + " (~/.cache/vllm/neuron/compile_cache or $VLLM_CACHE_ROOT)",
        VLLM_FEATURES);
    return true;
  }

  static boolean optimum(Draft d) {
    Family f = d.in.family();
    Optional<Workload> w = d.in.workload();
    int batch = ExampleInputs.batch(w);
    String out = ExampleInputs.stem(d.in.profile().path()) + "-neuron/";
    List<String> argv =
        new ArrayList<>(
            List.of(
                "optimum-cli",
                "export",
                "neuron",
                "--model",
                d.in.profile().path(),
                "--batch_size",
                String.valueOf(batch)));
    if (f == Family.TRANSFORMER_DECODER) {
      int len = w.flatMap(Workload::sequenceLength).orElse(ExampleInputs.DEFAULT_TOKENS);
      int cores = d.tensorParallel.orElse(1);
      argv.addAll(
          List.of(
              "--sequence_length",
              String.valueOf(len),
              "--num_cores",
              String.valueOf(cores),
              "--auto_cast_type",
              "bf16"));
      w.ifPresent(
          x -> d.buckets.addAll(Buckets.of(x, len, batch, cores * Planner.memoryPerCore(d))));
      d.why.add(
          "--sequence_length "
              + len
              + " and --batch_size "
              + batch
              + ": the input the estimates use (--seq-len and --batch change them); --num_cores "
              + cores
              + " is the sizing's NeuronCore count.");
    } else if (f == Family.DIFFUSION) {
      int side = ExampleInputs.image(w);
      argv.addAll(
          List.of(
              "--height",
              String.valueOf(side),
              "--width",
              String.valueOf(side),
              "--num_images_per_prompt",
              "1",
              "--auto_cast",
              "matmul",
              "--auto_cast_type",
              "bf16"));
      d.why.add(
          "--height and --width "
              + side
              + ": the pipeline's image size; each component (text encoder, UNet, VAE) is compiled"
              + " for it and cannot serve another size.");
    } else {
      if (f != Family.CNN && f != Family.VISION_TRANSFORMER) {
        int len = ExampleInputs.tokens(w, positions(d).orElse(Integer.MAX_VALUE));
        argv.addAll(List.of("--sequence_length", String.valueOf(len)));
        d.why.add(
            "--sequence_length "
                + len
                + ": inputs are padded to this fixed length; the compiled model takes no other.");
      }
      argv.addAll(List.of("--auto_cast", "matmul", "--auto_cast_type", "bf16"));
    }
    argv.add(out);
    d.command(
        "Compile the model for " + d.target + " and save it with its config.",
        "optimum-cli export neuron",
        Map.of(),
        argv);
    d.assumptions.add("matrix multiplications are cast to BF16, as the estimates assume");
    d.check("NCC_EVRF009", "If the export stops on memory:");
    d.check("NCC_EUOC002", "If an operator is not supported:");
    return true;
  }

  /** The model's longest input, from its config. */
  static Optional<Integer> positions(Draft d) {
    Optional<HfConfig> c = d.in.profile().hf().flatMap(h -> h.config());
    return c.flatMap(
            x ->
                x.firstInteger(
                    "max_position_embeddings", "n_positions", "max_target_positions", "n_ctx"))
        .map(k -> (int) Math.min(Integer.MAX_VALUE, k.value()));
  }

  static Optional<Hardware.Lnc> lnc(Draft d) {
    return d.in.hardware().target(d.target).flatMap(h -> h.chip().defaultLncConfig());
  }
}
