package dev.neuronfit.estimate.config;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.Quantization;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stored bytes of a quantized checkpoint estimated from its config: the weights the method
 * quantizes at their bits plus the scales and zero points stored beside them, and the rest
 * (embeddings, an untied output head, and for expert-only methods the attention) at the
 * checkpoint's dtype. Which weights are quantized follows the methods' defaults: weight-only
 * quantizers (GPTQ, AWQ, bitsandbytes, fp8, compressed-tensors) convert the linear layers of the
 * blocks and leave embeddings and the head; gpt-oss's MXFP4 converts the experts only.
 */
final class QuantizedBytes {
  /** Bytes of one fp16 scale per group (GPTQ, AWQ and compressed-tensors store fp16 scales). */
  private static final int SCALE_BYTES = 2;

  /** Bytes of one E8M0 shared exponent per MX block (OCP MX specification v1.0). */
  private static final int MX_SCALE_BYTES = 1;

  /** Bytes of one float32 scale per fp8 weight block (DeepSeek-V3's weight_scale_inv). */
  private static final int FP8_BLOCK_SCALE_BYTES = 4;

  /**
   * Values per absmax block in bitsandbytes' 4-bit formats (its default blocksize, 64), each with a
   * float32 absmax.
   */
  private static final int BNB_BLOCK = 64;

  private static final int BNB_ABSMAX_BYTES = 4;

  /** The block of an fp8 scheme as {@link Quantization} writes it, e.g. {@code block 128x128}. */
  private static final Pattern BLOCK = Pattern.compile("block ([1-9][0-9]{0,5})x([1-9][0-9]{0,5})");

  private QuantizedBytes() {}

  /** The stored bytes of {@code total} parameters of config {@code c} quantized by {@code q}. */
  static long of(HfConfig c, long total, DType rest, Quantization q) {
    long embeddings = 0;
    long experts = 0;
    Optional<GeneralDecoder.Breakdown> split =
        GeneralDecoder.breakdown(c)
            .or(() -> TiedEmbeddings.textConfig(c).flatMap(GeneralDecoder::breakdown));
    if (split.isPresent()) {
      embeddings = split.get().embeddings();
      experts = split.get().experts();
    }
    long quantized = q.expertsOnly() ? experts : total - embeddings;
    quantized = Math.max(0, Math.min(total, quantized));
    return Exact.add(quantizedOnly(quantized, rest, q), rest.bytesFor(total - quantized));
  }

  /**
   * The stored bytes of {@code quantized} weights that {@code q} converts, scales and zero points
   * included; at {@code rest}'s width when the config gives no bits.
   */
  static long quantizedOnly(long quantized, DType rest, Quantization q) {
    int bits = q.bits().orElse(rest.bits());
    long packed = Exact.mul(quantized, bits);
    return Exact.add(packed / 8 + (packed % 8 == 0 ? 0 : 1), overhead(quantized, bits, q));
  }

  /** The scales and zero points stored beside {@code quantized} weights. */
  private static long overhead(long quantized, int bits, Quantization q) {
    if (q.method().equals("fp8")) {
      // block-wise scales when the config gives a block (128x128 in DeepSeek-V3), else per tensor
      Matcher m = BLOCK.matcher(q.scheme());
      return m.find()
          ? quantized
              / Exact.mul(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))
              * FP8_BLOCK_SCALE_BYTES
          : 0;
    }
    if (q.method().equals("bitsandbytes")) {
      return bits == 4 ? quantized / BNB_BLOCK * BNB_ABSMAX_BYTES : 0;
    }
    if (q.groupSize().isEmpty()) {
      return 0; // per-channel or per-tensor scales: a few bytes per row, far under 1%
    }
    long groups = quantized / q.groupSize().getAsInt();
    if (q.method().equals("mxfp4")) {
      return Exact.mul(groups, MX_SCALE_BYTES);
    }
    // an fp16 scale and a packed zero point per group
    return Exact.add(Exact.mul(groups, SCALE_BYTES), Exact.mul(groups, bits) / 8);
  }
}
