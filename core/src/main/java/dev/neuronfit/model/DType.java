package dev.neuronfit.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of stored tensors, named as in the safetensors format ({@code F32}, {@code BF16},
 * ...). Sub-byte types carry their bit width so byte sizes of packed tensors come out right.
 */
public enum DType {
  F64(64),
  F32(32),
  F16(16),
  BF16(16),
  F8_E4M3(8),
  F8_E5M2(8),
  F8_E8M0(8),
  F6_E2M3(6),
  F6_E3M2(6),
  F4(4),
  I64(64),
  I32(32),
  I16(16),
  I8(8),
  U64(64),
  U32(32),
  U16(16),
  U8(8),
  BOOL(8);

  private final int bits;

  DType(int bits) {
    this.bits = bits;
  }

  public int bits() {
    return bits;
  }

  /**
   * Bytes taken by {@code elements} values of this type, rounded up to whole bytes for packed
   * sub-byte types.
   *
   * @throws ArithmeticException when the size does not fit in a long
   */
  public long bytesFor(long elements) {
    return (Math.multiplyExact(elements, (long) bits) + 7) / 8;
  }

  /** The dtype with this safetensors name, or empty. */
  public static Optional<DType> fromName(String name) {
    return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
  }

  /**
   * The dtype named by a transformers {@code torch_dtype} / {@code dtype} config value such as
   * {@code "float16"} or {@code "bfloat16"}, or empty when the value is not one of the usual ones.
   */
  public static Optional<DType> fromTorchName(String name) {
    return Optional.ofNullable(
        switch (name) {
          case "float32", "float" -> F32;
          case "float16", "half" -> F16;
          case "bfloat16" -> BF16;
          case "float64", "double" -> F64;
          case "int8" -> I8;
          case "uint8" -> U8;
          default -> null;
        });
  }
}
