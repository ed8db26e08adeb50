package dev.neuronfit.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The weight figures of a quantized checkpoint from its tensor headers: packed tensors unpacked to
 * the logical parameters they hold, the quantizers' scales, zero points and indices not counted as
 * parameters, and the bytes as stored. The tensor names are the ones the quantizers write:
 *
 * <ul>
 *   <li>GPTQ and AWQ: {@code qweight} (int32, 32/bits values each), {@code qzeros}, {@code scales},
 *       {@code g_idx};
 *   <li>compressed-tensors: {@code weight_packed} (int32), {@code weight_scale}, {@code
 *       weight_zero_point}, {@code weight_shape}, {@code weight_g_idx}, {@code input_scale};
 *   <li>bitsandbytes: 4-bit {@code weight} as uint8 (two values a byte) with {@code absmax}, {@code
 *       quant_map}, {@code nested_*} and {@code quant_state.*}; 8-bit {@code weight} as int8 with
 *       {@code SCB} and {@code weight_format};
 *   <li>fp8: {@code weight} as float8 with {@code weight_scale} or {@code weight_scale_inv};
 *   <li>MXFP4 (gpt-oss): {@code *_blocks} (uint8, two values a byte) with {@code *_scales}.
 * </ul>
 */
public final class QuantizedWeights {
  /** Name endings of tensors that describe a quantization rather than hold parameters. */
  private static final List<String> QUANTIZER_STATE =
      List.of(
          ".qzeros",
          ".scales",
          ".g_idx",
          ".weight_scale",
          ".weight_scale_inv",
          ".weight_zero_point",
          ".weight_shape",
          ".weight_g_idx",
          ".weight_global_scale",
          ".input_scale",
          ".input_global_scale",
          ".output_scale",
          ".k_scale",
          ".v_scale",
          ".SCB",
          ".weight_format",
          ".absmax",
          ".quant_map",
          ".nested_absmax",
          ".nested_quant_map",
          ".quant_state.bitsandbytes__nf4",
          ".quant_state.bitsandbytes__fp4");

  /** Name endings of integer tensors that pack several quantized values per element. */
  private static final List<String> PACKED = List.of(".qweight", ".weight_packed");

  private QuantizedWeights() {}

  /**
   * The figures of {@code tensors} read as a checkpoint quantized by {@code q}.
   *
   * @param basis where the tensors were read, e.g. {@code "safetensors headers of 2 files"}
   */
  public static WeightSummary summarize(List<TensorInfo> tensors, Quantization q, String basis) {
    Map<DType, WeightSummary.DTypeTally> byType = new TreeMap<>();
    long parameters = 0;
    long bytes = 0;
    int unpacked = 0;
    int state = 0;
    for (TensorInfo t : tensors) {
      bytes = Quantities.saturatedSum(bytes, t.bytes());
      byType.merge(
          t.dtype(),
          new WeightSummary.DTypeTally(t.elements(), t.bytes()),
          (a, b) ->
              new WeightSummary.DTypeTally(
                  Quantities.saturatedSum(a.elements(), b.elements()),
                  Quantities.saturatedSum(a.bytes(), b.bytes())));
      if (isQuantizerState(t.name(), q)) {
        state++;
        continue;
      }
      long values = logicalValues(t, q);
      if (values != t.elements()) {
        unpacked++;
      }
      parameters = Quantities.saturatedSum(parameters, values);
    }
    List<String> said = new ArrayList<>();
    said.add(basis);
    said.add(q.label() + " from " + q.source());
    if (unpacked > 0) {
      said.add(unpacked + " packed tensors unpacked to their logical parameters");
    }
    if (state > 0) {
      said.add(state + " scale/zero-point/index tensors not counted as parameters");
    }
    return new WeightSummary(
        OptionalLong.of(parameters),
        OptionalLong.of(bytes),
        byType,
        false,
        String.join("; ", said));
  }

  static boolean isQuantizerState(String name, Quantization q) {
    if (q.method().equals("mxfp4") && name.endsWith("_scales")) {
      return true;
    }
    return QUANTIZER_STATE.stream().anyMatch(name::endsWith);
  }

  /**
   * The logical values {@code t} holds under {@code q}: its stored bits over the quantized width
   * for a packed tensor (GPTQ's 3-bit values span int32 boundaries, so the division is over the
   * whole tensor), else its elements.
   */
  static long logicalValues(TensorInfo t, Quantization q) {
    if (q.bits().isEmpty()) {
      return t.elements();
    }
    int bits = q.bits().getAsInt();
    int stored = t.dtype().bits();
    boolean integer = t.dtype() == DType.I32 || t.dtype() == DType.U8 || t.dtype() == DType.I8;
    boolean packed =
        PACKED.stream().anyMatch(t.name()::endsWith)
            || (q.method().equals("mxfp4") && t.name().endsWith("_blocks"))
            || (q.method().equals("bitsandbytes")
                && t.dtype() == DType.U8
                && t.name().endsWith(".weight"));
    if (!packed || !integer || bits >= stored) {
      return t.elements();
    }
    long storedBits = saturatedTimes(t.elements(), stored);
    return storedBits == Long.MAX_VALUE ? storedBits : storedBits / bits;
  }

  private static long saturatedTimes(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
