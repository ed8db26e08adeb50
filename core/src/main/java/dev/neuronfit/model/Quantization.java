package dev.neuronfit.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How a Hugging Face checkpoint's weights are quantized, as its config declares it: the {@code
 * quantization_config} object of {@code config.json} (transformers' convention for gptq, awq,
 * bitsandbytes, fp8, compressed-tensors, mxfp4 and others) or a separate {@code
 * quantize_config.json} (AutoGPTQ) or {@code quant_config.json} (AutoAWQ). Immutable.
 *
 * @param method the method as the config names it, lower case (e.g. {@code gptq}); {@code
 *     bitsandbytes} for a config that only sets {@code load_in_4bit}/{@code load_in_8bit}
 * @param bits stored bits per weight, when the config says (or the method fixes it)
 * @param groupSize weights sharing one scale along the input dimension, when the config says; empty
 *     for per-channel (GPTQ's {@code -1}) or per-tensor scales
 * @param scheme a further detail worth showing (e.g. {@code nf4}, {@code e4m3}, {@code block
 *     128x128}, {@code pack-quantized}), or empty
 * @param source the file and key it was read from, e.g. {@code config.json quantization_config}
 * @param expertsOnly true when the config leaves attention unconverted and only the experts'
 *     weights are quantized (gpt-oss's MXFP4 checkpoints)
 */
public record Quantization(
    String method,
    OptionalInt bits,
    OptionalInt groupSize,
    String scheme,
    String source,
    boolean expertsOnly) {
  /** Most bits per weight a config can declare and still be read as quantized. */
  private static final int MAX_BITS = 16;

  /**
   * Elements per shared scale in the OCP Microscaling (MX) formats (OCP MX specification v1.0,
   * block size k = 32), which MXFP4 checkpoints use.
   */
  private static final int MX_BLOCK = 32;

  public Quantization {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(bits, "bits");
    Objects.requireNonNull(groupSize, "groupSize");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(source, "source");
  }

  /** A short label, e.g. {@code GPTQ 4-bit, group 128}. */
  public String label() {
    StringBuilder sb = new StringBuilder(method.toUpperCase(Locale.ROOT));
    bits.ifPresent(b -> sb.append(' ').append(b).append("-bit"));
    if (!scheme.isEmpty()) {
      sb.append(' ').append(scheme);
    }
    groupSize.ifPresent(g -> sb.append(", group ").append(g));
    if (expertsOnly) {
      sb.append(", experts only");
    }
    return sb.toString();
  }

  /**
   * The quantization a folder's metadata declares: {@code quantization_config} in the config, else
   * a separate quantize config; empty for an unquantized checkpoint or one whose quantization
   * object names no method and no bits.
   */
  public static Optional<Quantization> of(HfMetadata hf) {
    Optional<HfConfig> inConfig = hf.config().flatMap(c -> c.child("quantization_config"));
    if (inConfig.isPresent()) {
      return of(inConfig.get(), hf.config().get().file() + " quantization_config");
    }
    return hf.quantizeConfig().flatMap(q -> of(q, q.file()));
  }

  private static Optional<Quantization> of(HfConfig q, String source) {
    String method =
        q.string("quant_method")
            .map(m -> m.toLowerCase(Locale.ROOT))
            .orElse(
                q.bool("load_in_4bit").orElse(false) || q.bool("load_in_8bit").orElse(false)
                    ? "bitsandbytes"
                    : q.file().endsWith("quant_config.json") && q.has("w_bit") ? "awq" : "");
    if (method.isEmpty() && q.has("bits") && q.file().endsWith("quantize_config.json")) {
      method = "gptq"; // AutoGPTQ's quantize_config.json predates quant_method
    }
    OptionalLong bits = q.integer("bits").isPresent() ? q.integer("bits") : q.integer("w_bit");
    OptionalLong group =
        q.integer("group_size").isPresent() ? q.integer("group_size") : q.integer("q_group_size");
    String scheme = "";
    boolean expertsOnly = false;
    switch (method) {
      case "bitsandbytes" -> {
        boolean four = q.bool("load_in_4bit").orElse(false);
        bits = OptionalLong.of(four ? 4 : 8);
        scheme = four ? q.string("bnb_4bit_quant_type").orElse("") : "";
      }
      case "fp8" -> {
        bits = OptionalLong.of(8);
        scheme = q.string("fmt").orElse("");
        List<Long> block = q.integers("weight_block_size");
        if (block.size() == 2) {
          scheme =
              (scheme.isEmpty() ? "" : scheme + " ") + "block " + block.get(0) + "x" + block.get(1);
        }
      }
      case "mxfp4" -> {
        bits = OptionalLong.of(4);
        group = OptionalLong.of(MX_BLOCK);
        expertsOnly =
            q.strings("modules_to_not_convert").stream().anyMatch(m -> m.contains("self_attn"));
      }
      case "compressed-tensors" -> {
        Optional<HfConfig> weights =
            q.child("config_groups")
                .flatMap(g -> g.keys().stream().findFirst().flatMap(g::child))
                .flatMap(g -> g.child("weights"));
        if (weights.isPresent()) {
          bits = weights.get().integer("num_bits");
          group = weights.get().integer("group_size");
        }
        scheme = q.string("format").orElse("");
      }
      default -> {}
    }
    if (method.isEmpty() && bits.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Quantization(
            method.isEmpty() ? "unnamed" : method,
            small(bits, MAX_BITS),
            small(group, Integer.MAX_VALUE),
            scheme,
            source,
            expertsOnly));
  }

  /** A positive value no larger than {@code max}; anything else is treated as not given. */
  private static OptionalInt small(OptionalLong v, int max) {
    return v.isPresent() && v.getAsLong() > 0 && v.getAsLong() <= max
        ? OptionalInt.of((int) v.getAsLong())
        : OptionalInt.empty();
  }
}
