package dev.neuronfit.io.onnx;

import dev.neuronfit.model.DType;
import java.util.Optional;

/** The element types of TensorProto.DataType (ONNX specification), mapped to {@link DType}. */
final class OnnxTypes {
  private OnnxTypes() {}

  static Optional<DType> of(long code) {
    if (code < 0 || code > Integer.MAX_VALUE) {
      return Optional.empty(); // not truncated to int: 2^32 + 1 must not read as FLOAT
    }
    return Optional.ofNullable(
        switch ((int) code) {
          case 1 -> DType.F32;
          case 2 -> DType.U8;
          case 3 -> DType.I8;
          case 4 -> DType.U16;
          case 5 -> DType.I16;
          case 6 -> DType.I32;
          case 7 -> DType.I64;
          case 8 -> DType.STRING;
          case 9 -> DType.BOOL;
          case 10 -> DType.F16;
          case 11 -> DType.F64;
          case 12 -> DType.U32;
          case 13 -> DType.U64;
          case 14 -> DType.C64;
          case 15 -> DType.C128;
          case 16 -> DType.BF16;
          case 17 -> DType.F8_E4M3;
          case 18 -> DType.F8_E4M3FNUZ;
          case 19 -> DType.F8_E5M2;
          case 20 -> DType.F8_E5M2FNUZ;
          case 21 -> DType.U4;
          case 22 -> DType.I4;
          case 23 -> DType.F4;
          default -> null;
        });
  }
}
