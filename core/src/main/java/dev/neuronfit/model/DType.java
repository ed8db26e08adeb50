package dev.neuronfit.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of stored tensors, named as in the safetensors format ({@code F32}, {@code BF16},
 * ...), plus the ONNX types safetensors lacks (complex, FNUZ float8, 4-bit integers, strings).
 * Sub-byte types carry their bit width so byte sizes of packed tensors come out right.
 */
public enum DType {
  F64(64, true),
  F32(32, true),
  F16(16, true),
  BF16(16, true),
  F8_E4M3(8, true),
  F8_E4M3FNUZ(8, false),
  F8_E5M2(8, true),
  F8_E5M2FNUZ(8, false),
  F8_E8M0(8, true),
  F6_E2M3(6, true),
  F6_E3M2(6, true),
  F4(4, true),
  C128(128, false),
  C64(64, false),
  I64(64, true),
  I32(32, true),
  I16(16, true),
  I8(8, true),
  U64(64, true),
  U32(32, true),
  U16(16, true),
  U8(8, true),
  I4(4, false),
  U4(4, false),
  BOOL(8, true),
  /** Variable-length strings: the size comes from the stored data, not from the element count. */
  STRING(0, false),
  /**
   * ggml's block-quantized types (Q4_K, Q8_0, IQ2_XS ...) in GGUF files: a few scale bytes per
   * block of 32 or 256 elements, so the size comes from the block layout, not from a bit width.
   */
  GGML_QUANT(0, false);

  private final int bits;
  private final boolean safetensors;

  DType(int bits, boolean safetensors) {
    this.bits = bits;
    this.safetensors = safetensors;
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
    return Math.addExact(Math.multiplyExact(elements, (long) bits), 7) / 8;
  }

  /** The dtype with this name in the safetensors format, or empty (also for ONNX-only types). */
  public static Optional<DType> fromSafetensorsName(String name) {
    return Arrays.stream(values()).filter(d -> d.safetensors && d.name().equals(name)).findFirst();
  }

  /**
   * The dtype of a TensorFlow {@code DataType} code (tensorflow/core/framework/types.proto); the
   * {@code _REF} codes (the type plus 100) are the same types, and quantized types count as their
   * storage type. Empty for types without a size (DT_RESOURCE 20, DT_VARIANT 21) and unknown codes.
   */
  public static Optional<DType> fromTensorFlowCode(long code) {
    long c = code > 100 && code < 200 ? code - 100 : code;
    return Optional.ofNullable(
        switch ((int) Math.max(0, Math.min(c, 1000))) {
          case 1 -> F32;
          case 2 -> F64;
          case 3, 13 -> I32; // DT_INT32, DT_QINT32
          case 4, 12 -> U8; // DT_UINT8, DT_QUINT8
          case 5, 15 -> I16; // DT_INT16, DT_QINT16
          case 6, 11 -> I8; // DT_INT8, DT_QINT8
          case 7 -> STRING;
          case 8 -> C64;
          case 9 -> I64;
          case 10 -> BOOL;
          case 14 -> BF16;
          case 16, 17 -> U16; // DT_QUINT16, DT_UINT16
          case 18 -> C128;
          case 19 -> F16;
          case 22 -> U32;
          case 23 -> U64;
          case 24 -> F8_E5M2;
          case 25 -> F8_E4M3;
          case 26 -> F8_E4M3FNUZ;
          case 28 -> F8_E5M2FNUZ;
          case 29 -> I4;
          case 30 -> U4;
          default -> null;
        });
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
