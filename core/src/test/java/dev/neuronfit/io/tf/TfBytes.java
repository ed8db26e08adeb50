package dev.neuronfit.io.tf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes TensorFlow protobuf bytes by hand for tests: a minimal protobuf writer, builders for the
 * few TensorFlow messages the tests need (GraphDef, NodeDef, AttrValue, TensorProto, FunctionDef,
 * SavedModel with a signature) and a writer for {@code variables.index} tables. Field numbers are
 * facts from TensorFlow's .proto files, the ones {@code TfFields} lists. JDK only, so {@link
 * MalformedTfCorpus} can run as a source file with this file beside it.
 *
 * <p>Kept free of checks: a test can write any tag, wire type or length it likes.
 */
public final class TfBytes {
  private TfBytes() {}

  /** DataType codes (types.proto). */
  public static final int FLOAT = 1;

  public static final int INT32 = 3;
  public static final int STRING = 7;
  public static final int INT64 = 9;

  /** A protobuf message being written, field by field, in the order the calls come. */
  public static final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Pb tag(int field, int wire) {
      return raw(TfBytes.varint(((long) field << 3) | wire));
    }

    public Pb varint(int field, long v) {
      return tag(field, 0).raw(TfBytes.varint(v));
    }

    public Pb fixed32(int field, int v) {
      return tag(field, 5)
          .raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    public Pb bytes(int field, byte[] b) {
      return tag(field, 2).raw(TfBytes.varint(b.length)).raw(b);
    }

    public Pb str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public Pb msg(int field, Pb m) {
      return bytes(field, m.toBytes());
    }

    /** A length-delimited field whose prefix says {@code length}, followed by {@code b}. */
    public Pb lying(int field, long length, byte[] b) {
      return tag(field, 2).raw(TfBytes.varint(length)).raw(b);
    }

    public Pb raw(byte... b) {
      out.write(b, 0, b.length);
      return this;
    }

    public byte[] toBytes() {
      return out.toByteArray();
    }
  }

  public static Pb pb() {
    return new Pb();
  }

  /** The base-128 varint encoding of {@code v} (10 bytes for a negative value). */
  public static byte[] varint(long v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(10);
    while ((v & ~0x7FL) != 0) {
      b.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  // ---- attributes: each is a NodeDef.attr map entry (key 1, AttrValue 2) ----------------------

  public static Pb attr(String key, Pb value) {
    return pb().str(1, key).msg(2, value);
  }

  public static Pb attrInt(String key, long v) {
    return attr(key, pb().varint(3, v));
  }

  public static Pb attrType(String key, int dtype) {
    return attr(key, pb().varint(6, dtype));
  }

  public static Pb attrBool(String key, boolean b) {
    return attr(key, pb().varint(5, b ? 1 : 0));
  }

  public static Pb attrStr(String key, String s) {
    return attr(key, pb().str(2, s));
  }

  public static Pb attrInts(String key, long... values) {
    Pb list = pb();
    for (long v : values) {
      list.varint(3, v);
    }
    return attr(key, pb().msg(1, list));
  }

  /** A shape attribute; -1 is an unknown size. */
  public static Pb attrShape(String key, long... dims) {
    return attr(key, pb().msg(7, shape(dims)));
  }

  /** A list of shapes, such as {@code _output_shapes}; a null shape has an unknown rank. */
  public static Pb attrShapes(String key, long[]... shapes) {
    Pb list = pb();
    for (long[] s : shapes) {
      list.msg(7, s == null ? pb().varint(3, 1) : shape(s));
    }
    return attr(key, pb().msg(1, list));
  }

  public static Pb attrTensor(String key, Pb tensor) {
    return attr(key, pb().msg(8, tensor));
  }

  public static Pb attrFunc(String key, String function) {
    return attr(key, pb().msg(10, pb().str(1, function)));
  }

  // ---- tensors and shapes ---------------------------------------------------------------------

  /** A TensorShapeProto: one Dim (size) per dimension. */
  public static Pb shape(long... dims) {
    Pb s = pb();
    for (long d : dims) {
      s.msg(2, pb().varint(1, d));
    }
    return s;
  }

  /** A TensorProto: dtype, shape, then whatever {@code rest} adds. */
  public static Pb tensor(int dtype, long[] dims, Pb rest) {
    return pb().varint(1, dtype).msg(2, shape(dims)).raw(rest.toBytes());
  }

  /** A float tensor whose tensor_content holds zeros of the right size. */
  public static Pb floatTensor(long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return tensor(FLOAT, dims, pb().bytes(4, new byte[(int) (4 * n)]));
  }

  /** An int32 tensor with its values in int_val, packed. */
  public static Pb intTensor(long[] dims, long... values) {
    Pb packed = pb();
    for (long v : values) {
      packed.raw(varint(v));
    }
    return tensor(INT32, dims, pb().msg(7, packed));
  }

  // ---- nodes and graphs ------------------------------------------------------------------------

  /** A NodeDef: name, op, inputs, attributes, in field order. */
  public static Pb node(String name, String op, List<String> inputs, Pb... attrs) {
    Pb n = pb().str(1, name).str(2, op);
    inputs.forEach(i -> n.str(3, i));
    for (Pb a : attrs) {
      n.msg(5, a);
    }
    return n;
  }

  public static Pb placeholder(String name, int dtype, long... dims) {
    return node(name, "Placeholder", List.of(), attrType("dtype", dtype), attrShape("shape", dims));
  }

  public static Pb constant(String name, Pb tensor) {
    return node(name, "Const", List.of(), attrType("dtype", FLOAT), attrTensor("value", tensor));
  }

  /** A GraphDef of these nodes, then a library of these functions when there are any. */
  public static Pb graph(List<Pb> nodes, Pb... functions) {
    Pb g = pb();
    nodes.forEach(n -> g.msg(1, n));
    if (functions.length > 0) {
      Pb lib = pb();
      for (Pb f : functions) {
        lib.msg(1, f);
      }
      g.msg(2, lib);
    }
    return g.msg(4, pb().varint(1, 1205));
  }

  /**
   * A FunctionDef: its signature (name, input and output argument names), body and the map from
   * each output to the value it returns.
   */
  public static Pb function(
      String name, List<String> args, Map<String, String> ret, List<Pb> body) {
    Pb sig = pb().str(1, name);
    args.forEach(a -> sig.msg(2, pb().str(1, a)));
    ret.keySet().forEach(o -> sig.msg(3, pb().str(1, o)));
    Pb f = pb().msg(1, sig);
    body.forEach(n -> f.msg(3, n));
    ret.forEach((k, v) -> f.msg(4, pb().str(1, k).str(2, v)));
    return f;
  }

  /** A signature's TensorInfo map entry. */
  public static Pb tensorInfo(String key, String tensor, int dtype, long... dims) {
    return pb().str(1, key).msg(2, pb().str(1, tensor).varint(2, dtype).msg(3, shape(dims)));
  }

  /**
   * A SavedModel: schema version 1 and one meta graph tagged {@code serve}, holding the graph and a
   * {@code serving_default} signature with these inputs and outputs (TensorInfo entries).
   */
  public static byte[] savedModel(Pb graph, List<Pb> inputs, List<Pb> outputs) {
    Pb sig = pb();
    inputs.forEach(i -> sig.msg(1, i));
    outputs.forEach(o -> sig.msg(2, o));
    Pb meta =
        pb().msg(1, pb().str(4, "serve").str(5, "2.15.0"))
            .msg(2, graph)
            .msg(5, pb().str(1, "serving_default").msg(2, sig));
    return pb().varint(1, 1).msg(2, meta).toBytes();
  }

  // ---- variables.index ------------------------------------------------------------------------

  /** One variable of an index: checkpoint key, DataType code and shape. */
  public record Variable(String key, int dtype, long... dims) {}

  /**
   * A {@code variables.index} table: the header entry (empty key, one data file), then one entry
   * per variable in key order, in one uncompressed data block; an index block pointing at it; an
   * empty metaindex block; and the footer with the magic number. CRCs are written as zeros
   * (neuronfit does not check them).
   */
  public static byte[] variablesIndex(List<Variable> variables) {
    TreeMap<String, byte[]> entries = new TreeMap<>();
    entries.put("", pb().varint(1, 1).toBytes());
    long offset = 0;
    for (Variable v : variables) {
      long bytes = 4;
      for (long d : v.dims()) {
        bytes *= d;
      }
      entries.put(
          v.key(),
          pb().varint(1, v.dtype())
              .msg(2, shape(v.dims()))
              .varint(4, offset)
              .varint(5, bytes)
              .toBytes());
      offset += bytes;
    }
    List<byte[][]> data = new ArrayList<>();
    entries.forEach((k, val) -> data.add(new byte[][] {k.getBytes(StandardCharsets.UTF_8), val}));
    byte[] dataBlock = block(data);
    byte[] indexBlock =
        block(
            List.<byte[][]>of(
                new byte[][] {
                  entries.lastKey().getBytes(StandardCharsets.UTF_8),
                  concat(varint(0), varint(dataBlock.length - 5))
                }));
    byte[] metaBlock = block(List.of());
    int metaAt = dataBlock.length;
    int indexAt = metaAt + metaBlock.length;
    byte[] handles =
        concat(
            varint(metaAt),
            varint(metaBlock.length - 5),
            varint(indexAt),
            varint(indexBlock.length - 5));
    byte[] footer = new byte[48];
    System.arraycopy(handles, 0, footer, 0, handles.length);
    ByteBuffer.wrap(footer, 40, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0xdb4775248b80fb57L);
    return concat(dataBlock, metaBlock, indexBlock, footer);
  }

  /** A block of entries (no shared prefixes), one restart point, and the 5-byte trailer. */
  public static byte[] block(List<byte[][]> entries) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[][] e : entries) {
      b.writeBytes(varint(0));
      b.writeBytes(varint(e[0].length));
      b.writeBytes(varint(e[1].length));
      b.writeBytes(e[0]);
      b.writeBytes(e[1]);
    }
    b.writeBytes(le32(0));
    b.writeBytes(le32(1));
    b.writeBytes(new byte[5]);
    return b.toByteArray();
  }

  private static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
