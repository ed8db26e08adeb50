package dev.neuronfit.io.gguf;

import dev.neuronfit.model.DType;
import java.util.Optional;

/**
 * The ggml tensor types a GGUF tensor info names, with their block layout: a tensor of type T holds
 * its elements in blocks of {@code blockSize} elements taking {@code typeSize} bytes each. The
 * numbers and sizes are the public {@code ggml_type} enum and type traits of ggml (ggml.h,
 * ggml-common.h; also listed in gguf-py's {@code GGML_QUANT_SIZES}). Retired numbers (4, 5, 31-33,
 * 36-38) are absent.
 */
enum GgmlType {
  F32(0, 1, 4, DType.F32),
  F16(1, 1, 2, DType.F16),
  Q4_0(2, 32, 18, null),
  Q4_1(3, 32, 20, null),
  Q5_0(6, 32, 22, null),
  Q5_1(7, 32, 24, null),
  Q8_0(8, 32, 34, null),
  Q8_1(9, 32, 36, null),
  Q2_K(10, 256, 84, null),
  Q3_K(11, 256, 110, null),
  Q4_K(12, 256, 144, null),
  Q5_K(13, 256, 176, null),
  Q6_K(14, 256, 210, null),
  Q8_K(15, 256, 292, null),
  IQ2_XXS(16, 256, 66, null),
  IQ2_XS(17, 256, 74, null),
  IQ3_XXS(18, 256, 98, null),
  IQ1_S(19, 256, 50, null),
  IQ4_NL(20, 32, 18, null),
  IQ3_S(21, 256, 110, null),
  IQ2_S(22, 256, 82, null),
  IQ4_XS(23, 256, 136, null),
  I8(24, 1, 1, DType.I8),
  I16(25, 1, 2, DType.I16),
  I32(26, 1, 4, DType.I32),
  I64(27, 1, 8, DType.I64),
  F64(28, 1, 8, DType.F64),
  IQ1_M(29, 256, 56, null),
  BF16(30, 1, 2, DType.BF16),
  TQ1_0(34, 256, 54, null),
  TQ2_0(35, 256, 66, null),
  MXFP4(39, 32, 17, null);

  private final int id;
  private final int blockSize;
  private final int typeSize;
  private final DType plain;

  GgmlType(int id, int blockSize, int typeSize, DType plain) {
    this.id = id;
    this.blockSize = blockSize;
    this.typeSize = typeSize;
    this.plain = plain;
  }

  /** The type with this number, or empty for a number ggml does not (or no longer) define. */
  static Optional<GgmlType> of(long id) {
    for (GgmlType t : values()) {
      if (t.id == id) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  int blockSize() {
    return blockSize;
  }

  /** Bytes of {@code elements} elements; the caller checks they fill whole blocks. */
  long bytesFor(long elements) {
    return Math.multiplyExact(elements / blockSize, (long) typeSize);
  }

  /**
   * The element type reports tally it under: the plain type, or {@link DType#GGML_QUANT} for a
   * block-quantized one (whose bytes per element are not a whole number of bits).
   */
  DType dtype() {
    return plain != null ? plain : DType.GGML_QUANT;
  }
}
