package dev.neuronfit.io.pb;

import dev.neuronfit.model.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Numbers stored as little-endian bytes inside a protobuf message: ONNX's {@code raw_data} and
 * TensorFlow's {@code tensor_content} hold them the same way, as do the 16 bits of a half or
 * bfloat16 value. Written by hand because the JDK has no half-precision conversion in Java 17.
 */
public final class RawValues {
  private RawValues() {}

  /**
   * The values of {@code len} bytes at {@code at}, read without moving the reader.
   *
   * @throws IllegalStateException for a type that is not numeric
   */
  public static List<Double> decode(ProtoReader r, long at, int len, DType dtype)
      throws IOException {
    long back = r.position();
    r.seek(at);
    ByteBuffer b = ByteBuffer.wrap(r.readRaw(len)).order(ByteOrder.LITTLE_ENDIAN);
    r.seek(back);
    List<Double> out = new ArrayList<>();
    while (b.hasRemaining()) {
      out.add(
          switch (dtype) {
            case F32 -> (double) b.getFloat();
            case F64 -> b.getDouble();
            case F16 -> (double) half(b.getShort());
            case BF16 -> bfloat16(b.getShort());
            case I8 -> (double) b.get();
            case U8, BOOL -> (double) (b.get() & 0xFF);
            case I16 -> (double) b.getShort();
            case U16 -> (double) (b.getShort() & 0xFFFF);
            case I32 -> (double) b.getInt();
            case U32 -> (double) (b.getInt() & 0xFFFF_FFFFL);
            case I64 -> (double) b.getLong();
            case U64 -> unsigned(b.getLong());
            default -> throw new IllegalStateException("not numeric: " + dtype);
          });
    }
    return out;
  }

  /** A 64-bit value read as unsigned. */
  public static double unsigned(long v) {
    return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
  }

  /** A bfloat16 value from its 16 bits (the high half of a float). */
  public static double bfloat16(int bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** IEEE 754 half precision to float. */
  public static float half(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits >>> 15) << 31;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0) {
      return (sign == 0 ? 1 : -1) * mant * 0x1p-24f;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
