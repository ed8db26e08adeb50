package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxFields.ENTRY_KEY;
import static dev.neuronfit.io.onnx.OnnxFields.ENTRY_VALUE;
import static dev.neuronfit.io.onnx.OnnxFields.LOCATION_EXTERNAL;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_DATA_LOCATION;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_DATA_TYPE;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_DIMS;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_DOUBLE_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_EXTERNAL_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_FLOAT_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_INT32_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_INT64_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_NAME;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_RAW_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_STRING_DATA;
import static dev.neuronfit.io.onnx.OnnxFields.TENSOR_UINT64_DATA;
import static dev.neuronfit.io.pb.ProtoReader.FIXED32;
import static dev.neuronfit.io.pb.ProtoReader.FIXED64;
import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.io.pb.RawValues;
import dev.neuronfit.model.DType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One TensorProto as read: name, type, dims and where its bytes are, plus the numbers of a small
 * numeric tensor. Payloads of larger tensors are skipped by seeking, never read.
 */
record OnnxTensor(
    String name,
    DType dtype,
    List<Long> dims,
    long elements,
    long storedBytes,
    Map<String, String> external,
    Optional<List<Double>> values) {

  boolean isExternal() {
    return !external.isEmpty();
  }

  /**
   * Reads a TensorProto whose length prefix comes next.
   *
   * @param keepElements tensors with at most this many numeric elements have their values decoded
   * @param maxName longest name accepted
   */
  static OnnxTensor read(ProtoReader r, int keepElements, int maxName, String place)
      throws IOException {
    long start = r.position();
    long token = r.beginMessage();
    String name = "";
    long typeCode = 0;
    List<Long> dims = new ArrayList<>();
    boolean external = false;
    Map<String, String> ext = new LinkedHashMap<>();
    long payloadBytes = 0;
    long rawAt = -1;
    long rawLen = -1;
    List<Double> typed = new ArrayList<>();
    long typedCount = 0;
    boolean typedCountKnown = true;
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case TENSOR_DIMS -> readInts(r, tag, dims, ReadLimits.MAX_RANK, place + " dims");
        case TENSOR_DATA_TYPE -> {
          r.expect(tag, VARINT, place + " data_type");
          typeCode = r.readVarint();
        }
        case TENSOR_NAME -> {
          r.expect(tag, LENGTH_DELIMITED, place + " name");
          name = r.readString(maxName, "tensor name");
        }
        case TENSOR_RAW_DATA -> {
          r.expect(tag, LENGTH_DELIMITED, place + " raw_data");
          rawLen = r.readLength();
          rawAt = r.position();
          payloadBytes += rawLen;
          r.skip(rawLen);
        }
        case TENSOR_FLOAT_DATA,
            TENSOR_INT32_DATA,
            TENSOR_INT64_DATA,
            TENSOR_DOUBLE_DATA,
            TENSOR_UINT64_DATA -> {
          long[] counted = readTyped(r, tag, typed, keepElements);
          if (counted[0] < 0) {
            typedCountKnown = false;
          } else {
            typedCount += counted[0];
          }
          payloadBytes += counted[1];
        }
        case TENSOR_STRING_DATA -> {
          r.expect(tag, LENGTH_DELIMITED, place + " string_data");
          long len = r.readLength();
          payloadBytes += len;
          typedCount++;
          r.skip(len);
        }
        case TENSOR_EXTERNAL_DATA -> {
          r.expect(tag, LENGTH_DELIMITED, place + " external_data");
          readEntry(r, ext, maxName);
        }
        case TENSOR_DATA_LOCATION -> {
          r.expect(tag, VARINT, place + " data_location");
          external = r.readVarint() == LOCATION_EXTERNAL;
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    String where = name.isEmpty() ? place : "tensor \"" + name + "\"";
    long tc = typeCode;
    DType dtype =
        OnnxTypes.of(typeCode)
            .orElseThrow(() -> r.error(start, where + ": unknown data_type " + tc));
    long elements = 1;
    for (long d : dims) {
      if (d < 0) {
        throw r.error(start, where + ": negative dimension " + d);
      }
      try {
        elements = Math.multiplyExact(elements, d);
      } catch (ArithmeticException e) {
        throw r.error(start, where + ": dims " + dims + " overflow");
      }
    }
    if (dtype != DType.STRING) {
      expectedBytes(dtype, elements, r, start, where);
    }
    Optional<List<Double>> values = Optional.empty();
    // as the onnx library does, the data is external only when data_location says so
    if (external) {
      if (!ext.containsKey("location")) {
        throw r.error(
            start, where + ": data_location is EXTERNAL but external_data has no location");
      }
      return new OnnxTensor(name, dtype, dims, elements, 0, ext, values);
    }
    if (rawLen >= 0 && dtype != DType.STRING) {
      long expected = expectedBytes(dtype, elements, r, start, where);
      if (rawLen != expected) {
        throw r.error(
            start,
            where
                + ": raw_data has "
                + rawLen
                + " bytes but "
                + dtype
                + " "
                + dims
                + " needs "
                + expected);
      }
      if (elements <= keepElements && numeric(dtype)) {
        values = Optional.of(RawValues.decode(r, rawAt, (int) rawLen, dtype));
      }
    } else if (typedCount > 0) {
      if (dtype != DType.STRING
          && typedCountKnown
          && typedCount != elements
          && !(elements == 1 && dims.isEmpty())) {
        throw r.error(
            start,
            where + ": holds " + typedCount + " values but dims " + dims + " give " + elements);
      }
      if (typedCountKnown && typed.size() == typedCount && elements <= keepElements) {
        values = Optional.of(List.copyOf(typed));
      }
    }
    return new OnnxTensor(name, dtype, dims, elements, payloadBytes, Map.of(), values);
  }

  /** The bytes a tensor of this type and size takes in raw form. */
  static long expectedBytes(DType dtype, long elements, ProtoReader r, long at, String where)
      throws IOException {
    // DType.bytesFor rounds up by adding 7 bits, which wraps for sizes just under 2^63 bits
    if (dtype.bits() > 0 && elements > (Long.MAX_VALUE - 7) / dtype.bits()) {
      throw r.error(at, where + ": size of " + elements + " " + dtype + " elements overflows");
    }
    return dtype.bytesFor(elements);
  }

  private static boolean numeric(DType d) {
    return switch (d) {
      case F32, F64, F16, BF16, I8, I16, I32, I64, U8, U16, U32, U64, BOOL -> true;
      default -> false;
    };
  }

  /** Reads a repeated int64 field, packed or not; more than {@code max} values is an error. */
  static void readInts(ProtoReader r, int tag, List<Long> out, int max, String what)
      throws IOException {
    if (readInts(r, tag, out, max, what, false)) {
      throw r.error(r.position(), what + ": more than " + max + " values");
    }
  }

  /**
   * Reads a repeated int64 field, packed or not, keeping at most {@code max} values.
   *
   * @return true when values beyond {@code max} were dropped
   */
  static boolean readInts(
      ProtoReader r, int tag, List<Long> out, int max, String what, boolean skipOverMax)
      throws IOException {
    if (ProtoReader.wireType(tag) == VARINT) {
      return add(out, r.readVarint(), max);
    }
    r.expect(tag, LENGTH_DELIMITED, what);
    long len = r.readLength();
    long end = r.position() + len;
    if (skipOverMax && len > 10L * max) {
      r.skip(len); // more than max varints of at most 10 bytes each
      return true;
    }
    boolean dropped = false;
    while (r.position() < end) {
      dropped |= add(out, r.readVarint(), max);
      if (dropped && !skipOverMax) {
        return true;
      }
    }
    if (r.position() != end) {
      throw r.error(end, what + ": packed varints run past their field");
    }
    return dropped;
  }

  /** Adds a value unless the list is full; true when it was full. */
  private static boolean add(List<Long> out, long v, int max) {
    if (out.size() >= max) {
      return true;
    }
    out.add(v);
    return false;
  }

  /**
   * Counts (and, up to {@code keep}, decodes) a typed data field: float_data and double_data are
   * fixed width; int32_data, int64_data and uint64_data are varints. Returns {count, bytes}, with a
   * count of -1 for packed varints too long to decode (they are skipped, not read).
   */
  private static long[] readTyped(ProtoReader r, int tag, List<Double> out, int keep)
      throws IOException {
    int field = ProtoReader.fieldNumber(tag);
    int wire = ProtoReader.wireType(tag);
    int width = field == TENSOR_FLOAT_DATA ? 4 : field == TENSOR_DOUBLE_DATA ? 8 : 0;
    if (wire != LENGTH_DELIMITED) {
      if (width == 4) {
        r.expect(tag, FIXED32, "float_data");
        addValue(out, Float.intBitsToFloat(r.readFixed32()), keep);
      } else if (width == 8) {
        r.expect(tag, FIXED64, "double_data");
        addValue(out, Double.longBitsToDouble(r.readFixed64()), keep);
      } else {
        r.expect(tag, VARINT, "integer data");
        addValue(out, intValue(field, r.readVarint()), keep);
      }
      return new long[] {1, width == 0 ? 8 : width};
    }
    long len = r.readLength();
    if (width > 0) {
      if (len % width != 0) {
        throw r.error(
            r.position(),
            "packed "
                + (width == 4 ? "float" : "double")
                + "_data of "
                + len
                + " bytes is not a multiple of "
                + width);
      }
      long count = len / width;
      if (out.size() + count <= keep) {
        for (long i = 0; i < count; i++) {
          addValue(
              out,
              width == 4
                  ? Float.intBitsToFloat(r.readFixed32())
                  : Double.longBitsToDouble(r.readFixed64()),
              keep);
        }
      } else {
        r.skip(len);
      }
      return new long[] {count, len};
    }
    if (len > 10L * keep) {
      // a payload: skipped, not read, so its element count stays unknown (-1)
      r.skip(len);
      return new long[] {-1, len};
    }
    long end = r.position() + len;
    long count = 0;
    while (r.position() < end) {
      addValue(out, intValue(field, r.readVarint()), keep);
      count++;
    }
    if (r.position() != end) {
      throw r.error(end, "packed integer data runs past its field");
    }
    return new long[] {count, len};
  }

  private static double intValue(int field, long raw) {
    if (field == TENSOR_INT32_DATA) {
      return (int) raw;
    }
    return field == TENSOR_UINT64_DATA ? RawValues.unsigned(raw) : raw;
  }

  private static void addValue(List<Double> out, double v, int keep) {
    if (out.size() < keep) {
      out.add(v);
    }
  }

  private static void readEntry(ProtoReader r, Map<String, String> out, int maxName)
      throws IOException {
    long token = r.beginMessage();
    String key = "";
    String value = "";
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case ENTRY_KEY -> {
          r.expect(tag, LENGTH_DELIMITED, "external_data key");
          key = r.readString(maxName, "external_data key");
        }
        case ENTRY_VALUE -> {
          r.expect(tag, LENGTH_DELIMITED, "external_data value");
          value = r.readString(maxName, "external_data value");
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    out.put(key, value);
  }
}
