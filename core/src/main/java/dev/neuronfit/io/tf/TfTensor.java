package dev.neuronfit.io.tf;

import static dev.neuronfit.io.pb.ProtoReader.FIXED32;
import static dev.neuronfit.io.pb.ProtoReader.FIXED64;
import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;
import static dev.neuronfit.io.tf.TfFields.DIM_SIZE;
import static dev.neuronfit.io.tf.TfFields.SHAPE_DIM;
import static dev.neuronfit.io.tf.TfFields.SHAPE_UNKNOWN_RANK;
import static dev.neuronfit.io.tf.TfFields.TENSOR_BOOL_VAL;
import static dev.neuronfit.io.tf.TfFields.TENSOR_CONTENT;
import static dev.neuronfit.io.tf.TfFields.TENSOR_DOUBLE_VAL;
import static dev.neuronfit.io.tf.TfFields.TENSOR_DTYPE;
import static dev.neuronfit.io.tf.TfFields.TENSOR_FLOAT_VAL;
import static dev.neuronfit.io.tf.TfFields.TENSOR_HALF_VAL;
import static dev.neuronfit.io.tf.TfFields.TENSOR_INT64_VAL;
import static dev.neuronfit.io.tf.TfFields.TENSOR_INT_VAL;
import static dev.neuronfit.io.tf.TfFields.TENSOR_SHAPE;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.io.pb.RawValues;
import dev.neuronfit.model.DType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One TensorFlow TensorProto as read: its type, its shape and, for a small numeric tensor, its
 * values (shape constants, axes, masks). The payload of a larger tensor ({@code tensor_content} or
 * the typed value fields) is skipped by seeking, never read.
 *
 * @param dtype the element type, empty for types neuronfit has no name for (resource, variant)
 * @param typeCode the DataType enum value as stored
 * @param dims the dimensions, each at least 0
 * @param elements the product of the dimensions
 * @param storedBytes bytes of payload the file holds for it
 * @param values the elements, row-major, when the tensor is numeric and small enough to keep
 */
record TfTensor(
    Optional<DType> dtype,
    long typeCode,
    List<Long> dims,
    long elements,
    long storedBytes,
    Optional<List<Double>> values) {

  /** The element type of a TensorFlow DataType code; see {@link DType#fromTensorFlowCode}. */
  static Optional<DType> dtypeOf(long code) {
    return DType.fromTensorFlowCode(code);
  }

  /**
   * A TensorShapeProto whose length prefix comes next: the dimensions, -1 for an unknown size, or
   * empty when the rank itself is unknown.
   *
   * @return the dims, or empty for an unknown rank
   */
  static Optional<List<Long>> readShape(ProtoReader r, String place) throws IOException {
    long token = r.beginMessage();
    List<Long> dims = new ArrayList<>();
    boolean unknownRank = false;
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case SHAPE_DIM -> {
          r.expect(tag, LENGTH_DELIMITED, place + " dim");
          if (dims.size() >= ReadLimits.MAX_RANK) {
            throw r.error(
                r.position(), place + ": more than " + ReadLimits.MAX_RANK + " dimensions");
          }
          long dimToken = r.beginMessage();
          long size = 0;
          int t;
          while ((t = r.nextTag()) != -1) {
            if (ProtoReader.fieldNumber(t) == DIM_SIZE) {
              r.expect(t, VARINT, place + " dim size");
              size = r.readVarint();
            } else {
              r.skipValue(t);
            }
          }
          r.endMessage(dimToken);
          if (size < -1) {
            throw r.error(r.position(), place + ": dimension " + size + " is below -1");
          }
          dims.add(size);
        }
        case SHAPE_UNKNOWN_RANK -> {
          r.expect(tag, VARINT, place + " unknown_rank");
          unknownRank = r.readVarint() != 0;
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return unknownRank ? Optional.empty() : Optional.of(dims);
  }

  /**
   * Reads a TensorProto whose length prefix comes next.
   *
   * @param keep tensors of at most this many numeric elements keep their values
   * @param place where it is, for messages (e.g. {@code node "w" attr value})
   */
  static TfTensor read(ProtoReader r, int keep, String place) throws IOException {
    long start = r.position();
    long token = r.beginMessage();
    long code = 0;
    List<Long> dims = List.of();
    long contentAt = -1;
    long contentLen = 0;
    long stored = 0;
    List<Double> typed = new ArrayList<>();
    boolean typedDropped = false;
    boolean halfBits = false;
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case TENSOR_DTYPE -> {
          r.expect(tag, VARINT, place + " dtype");
          code = r.readVarint();
        }
        case TENSOR_SHAPE -> {
          r.expect(tag, LENGTH_DELIMITED, place + " tensor_shape");
          dims = readShape(r, place + " tensor_shape").orElse(List.of());
        }
        case TENSOR_CONTENT -> {
          r.expect(tag, LENGTH_DELIMITED, place + " tensor_content");
          contentLen = r.readLength();
          contentAt = r.position();
          stored += contentLen;
          r.skip(contentLen);
        }
        case TENSOR_FLOAT_VAL,
            TENSOR_DOUBLE_VAL,
            TENSOR_INT_VAL,
            TENSOR_INT64_VAL,
            TENSOR_BOOL_VAL,
            TENSOR_HALF_VAL -> {
          long before = r.position();
          typedDropped |= readTyped(r, tag, typed, keep, place);
          halfBits |= ProtoReader.fieldNumber(tag) == TENSOR_HALF_VAL;
          stored += r.position() - before;
        }
        default -> {
          long before = r.position();
          r.skipValue(tag);
          stored += r.position() - before;
        }
      }
    }
    r.endMessage(token);
    long elements = 1;
    for (long d : dims) {
      if (d < 0) {
        throw r.error(start, place + ": negative dimension " + d + " in " + dims);
      }
      try {
        elements = Math.multiplyExact(elements, d);
      } catch (ArithmeticException e) {
        throw r.error(start, place + ": dims " + dims + " overflow");
      }
    }
    Optional<DType> dtype = dtypeOf(code);
    if (dtype.isPresent() && dtype.get().bits() > 0 && elements > Long.MAX_VALUE / 128) {
      throw r.error(start, place + ": size of " + elements + " elements overflows");
    }
    Optional<List<Double>> values = Optional.empty();
    if (dtype.isPresent() && numeric(dtype.get()) && elements <= keep) {
      DType d = dtype.get();
      if (contentAt >= 0) {
        if (contentLen == d.bytesFor(elements)) {
          values = Optional.of(RawValues.decode(r, contentAt, (int) contentLen, d));
        }
      } else if (!typedDropped && !typed.isEmpty() && typed.size() <= elements) {
        // as TensorFlow does, fewer values than elements repeat the last one
        List<Double> filled = new ArrayList<>();
        for (double v : typed) {
          filled.add(halfBits ? fromBits(d, (int) v) : v);
        }
        while (filled.size() < elements) {
          filled.add(filled.get(filled.size() - 1));
        }
        values = Optional.of(filled);
      } else if (typed.isEmpty() && elements == 0) {
        values = Optional.of(List.of());
      }
    }
    return new TfTensor(dtype, code, List.copyOf(dims), elements, stored, values);
  }

  /** Bytes the tensor's data takes: its element size times its elements, or what is stored. */
  long bytes() {
    return dtype.filter(d -> d.bits() > 0).map(d -> d.bytesFor(elements)).orElse(storedBytes);
  }

  private static boolean numeric(DType d) {
    return switch (d) {
      case F32, F64, F16, BF16, I8, I16, I32, I64, U8, U16, U32, U64, BOOL -> true;
      default -> false;
    };
  }

  /**
   * Reads one typed value field, packed or not, keeping values while fewer than {@code keep} are
   * kept; returns true when some were skipped. Floats and doubles are fixed width; the others are
   * varints (half_val holds the 16 bits of a half or bfloat16 in an int32).
   */
  private static boolean readTyped(ProtoReader r, int tag, List<Double> out, int keep, String place)
      throws IOException {
    int field = ProtoReader.fieldNumber(tag);
    int width = field == TENSOR_FLOAT_VAL ? 4 : field == TENSOR_DOUBLE_VAL ? 8 : 0;
    if (ProtoReader.wireType(tag) != LENGTH_DELIMITED) {
      double v;
      if (width == 4) {
        r.expect(tag, FIXED32, place + " float_val");
        v = Float.intBitsToFloat(r.readFixed32());
      } else if (width == 8) {
        r.expect(tag, FIXED64, place + " double_val");
        v = Double.longBitsToDouble(r.readFixed64());
      } else {
        r.expect(tag, VARINT, place + " integer values");
        v = integer(field, r.readVarint());
      }
      if (out.size() >= keep) {
        return true;
      }
      out.add(v);
      return false;
    }
    long len = r.readLength();
    long end = r.position() + len;
    if ((width > 0 && (len % width != 0 || out.size() + len / width > keep))
        || (width == 0 && len > 10L * keep)) {
      r.skip(len);
      return true;
    }
    while (r.position() < end) {
      double v =
          width == 4
              ? Float.intBitsToFloat(r.readFixed32())
              : width == 8
                  ? Double.longBitsToDouble(r.readFixed64())
                  : integer(field, r.readVarint());
      if (out.size() >= keep) {
        r.seek(end);
        return true;
      }
      out.add(v);
    }
    if (r.position() != end) {
      throw r.error(end, place + ": packed values run past their field");
    }
    return false;
  }

  private static double integer(int field, long raw) {
    return switch (field) {
      case TENSOR_INT64_VAL -> raw;
      case TENSOR_BOOL_VAL -> raw != 0 ? 1 : 0;
      default -> (int) raw; // int_val and half_val are int32 on the wire
    };
  }

  /** A half or bfloat16 value from the 16 bits half_val holds. */
  private static double fromBits(DType d, int bits) {
    return d == DType.BF16
        ? RawValues.bfloat16(bits)
        : d == DType.F16 ? RawValues.half((short) bits) : bits;
  }
}
