package dev.neuronfit.io.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ONNX protobuf bytes by hand for tests: a minimal protobuf writer plus builders for the few
 * ONNX messages the tests need. Field numbers are facts from onnx/onnx.proto (the same ones {@link
 * OnnxFields} lists). JDK only, so {@link MalformedOnnxCorpus} can run as a source file with this
 * file beside it on the source path.
 *
 * <p>Kept deliberately free of checks: a test can write any tag, wire type or length it likes.
 */
final class OnnxBytes {
  private OnnxBytes() {}

  /** TensorProto.DataType codes used by the tests. */
  static final int FLOAT = 1;

  static final int INT64 = 7;
  static final int STRING = 8;
  static final int DOUBLE = 11;
  static final int INT4 = 22;

  /** AttributeProto.AttributeType codes. */
  static final int ATTR_TENSOR = 4;

  static final int ATTR_GRAPH = 5;
  static final int ATTR_INTS = 7;

  /** A protobuf message being written, field by field, in the order the calls come. */
  static final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A raw tag, with any wire type (also the invalid ones). */
    Pb tag(int field, int wire) {
      return raw(OnnxBytes.varint(((long) field << 3) | wire));
    }

    Pb varint(int field, long v) {
      return tag(field, 0).raw(OnnxBytes.varint(v));
    }

    Pb fixed32(int field, int v) {
      return tag(field, 5)
          .raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    Pb bytes(int field, byte[] b) {
      return tag(field, 2).raw(OnnxBytes.varint(b.length)).raw(b);
    }

    Pb str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Pb msg(int field, Pb m) {
      return bytes(field, m.toBytes());
    }

    /** A length-delimited field whose length prefix says {@code length}, followed by {@code b}. */
    Pb lying(int field, long length, byte[] b) {
      return tag(field, 2).raw(OnnxBytes.varint(length)).raw(b);
    }

    Pb raw(byte... b) {
      out.write(b, 0, b.length);
      return this;
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }

  static Pb pb() {
    return new Pb();
  }

  /** The base-128 varint encoding of {@code v} (10 bytes for a negative value). */
  static byte[] varint(long v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(10);
    while ((v & ~0x7FL) != 0) {
      b.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  /** A ModelProto: ir_version 8, producer, the graph, and opset 14 of the ONNX domain. */
  static byte[] model(Pb graph) {
    return pb().varint(1, 8)
        .str(2, "neuronfit-test")
        .msg(7, graph)
        .msg(8, pb().str(1, "").varint(2, 14))
        .toBytes();
  }

  /** A GraphProto named {@code g} holding {@code parts}, each written with its own field. */
  static Pb graph(Pb... parts) {
    Pb g = pb();
    for (Pb p : parts) {
      g.raw(p.toBytes());
    }
    return g;
  }

  /** A graph field: {@code field} is 1 for a node, 5 an initializer, 11 an input, 12 an output. */
  static Pb part(int field, Pb message) {
    return pb().msg(field, message);
  }

  static Pb nodePart(Pb node) {
    return part(1, node);
  }

  static Pb initializer(Pb tensor) {
    return part(5, tensor);
  }

  static Pb input(Pb valueInfo) {
    return part(11, valueInfo);
  }

  static Pb output(Pb valueInfo) {
    return part(12, valueInfo);
  }

  /** A NodeProto with inputs, outputs, name, op_type and attributes, in field order. */
  static Pb node(String name, String op, List<String> in, List<String> out, Pb... attributes) {
    Pb n = pb();
    in.forEach(i -> n.str(1, i));
    out.forEach(o -> n.str(2, o));
    n.str(3, name).str(4, op);
    for (Pb a : attributes) {
      n.msg(5, a);
    }
    return n;
  }

  /** A TensorProto: dims (unpacked), data_type, name, then whatever {@code rest} adds. */
  static Pb tensor(String name, long dataType, long[] dims, Pb rest) {
    Pb t = pb();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, dataType).str(8, name);
    return t.raw(rest.toBytes());
  }

  /** A float tensor with raw_data of the right size (zeros). */
  static Pb floatTensor(String name, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return tensor(name, FLOAT, dims, pb().bytes(9, new byte[(int) (4 * n)]));
  }

  /** A tensor whose data_location is EXTERNAL, with these external_data entries (key, value...). */
  static Pb externalTensor(String name, int dataType, long[] dims, String... entries) {
    Pb rest = pb();
    for (int i = 0; i < entries.length; i += 2) {
      rest.msg(13, pb().str(1, entries[i]).str(2, entries[i + 1]));
    }
    return tensor(name, dataType, dims, rest.varint(14, 1));
  }

  /** A ValueInfoProto of a tensor; each dim is a Long (dim_value) or a String (dim_param). */
  static Pb valueInfo(String name, int elemType, Object... dims) {
    Pb shape = pb();
    for (Object d : dims) {
      shape.msg(1, d instanceof String s ? pb().str(2, s) : pb().varint(1, (Long) d));
    }
    return pb().str(1, name).msg(2, pb().msg(1, pb().varint(1, elemType).msg(2, shape)));
  }

  static Pb attrGraph(String name, Pb graph) {
    return pb().str(1, name).msg(6, graph).varint(20, ATTR_GRAPH);
  }

  static Pb attrInts(String name, long... values) {
    Pb a = pb().str(1, name);
    for (long v : values) {
      a.varint(8, v);
    }
    return a.varint(20, ATTR_INTS);
  }

  static Pb attrTensor(String name, Pb tensor) {
    return pb().str(1, name).msg(5, tensor).varint(20, ATTR_TENSOR);
  }

  /** The valid base model: y = MatMul(x [1,8], W [8,4]). */
  static byte[] matmulModel() {
    return model(matmulGraph(floatTensor("W", 8, 4)));
  }

  static Pb matmulGraph(Pb weight) {
    return graph(
        nodePart(node("mm", "MatMul", List.of("x", "W"), List.of("y"))),
        pb().str(2, "g"),
        initializer(weight),
        input(valueInfo("x", FLOAT, 1L, 8L)),
        output(valueInfo("y", FLOAT, 1L, 4L)));
  }

  /**
   * If nodes nested {@code depth} deep through their then_branch, with an Identity at the bottom;
   * depth 0 is the Identity alone.
   */
  static Pb nestedIfs(int depth) {
    Pb g = graph(nodePart(node("leaf", "Identity", List.of("c"), List.of("d"))));
    for (int i = depth; i > 0; i--) {
      g =
          graph(
              nodePart(
                  node(
                      "if" + i,
                      "If",
                      List.of("c"),
                      List.of("d"),
                      attrGraph("then_branch", g),
                      attrGraph("else_branch", graph()))));
    }
    return g;
  }

  /** One wire-format field found by {@link #fields}: number, wire type and value span. */
  record Field(int number, int wire, int valueStart, int end) {}

  /** The fields of the message in {@code b[from, to)}, without descending into them. */
  static List<Field> fields(byte[] b, int from, int to) {
    List<Field> out = new ArrayList<>();
    int i = from;
    while (i < to) {
      long[] tag = readVarint(b, i);
      i = (int) tag[1];
      int wire = (int) (tag[0] & 7);
      int number = (int) (tag[0] >>> 3);
      int start = i;
      int end;
      switch (wire) {
        case 0 -> end = (int) readVarint(b, i)[1];
        case 1 -> end = i + 8;
        case 5 -> end = i + 4;
        case 2 -> {
          long[] len = readVarint(b, i);
          start = (int) len[1];
          end = start + (int) len[0];
        }
        default -> throw new IllegalArgumentException("wire type " + wire + " at " + i);
      }
      out.add(new Field(number, wire, start, end));
      i = end;
    }
    return out;
  }

  /** The first field numbered {@code number} in {@code b[from, to)}. */
  static Field first(byte[] b, int from, int to, int number) {
    return fields(b, from, to).stream()
        .filter(f -> f.number() == number)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no field " + number));
  }

  /** {value, position after it}. */
  private static long[] readVarint(byte[] b, int at) {
    long v = 0;
    int i = at;
    for (int shift = 0; ; shift += 7) {
      int x = b[i++] & 0xFF;
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return new long[] {v, i};
      }
    }
  }
}
