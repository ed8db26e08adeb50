package dev.neuronfit.io.hub;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Model files made of a few bytes of structure over long runs of zeros that are never held: ONNX
 * models whose initializers carry large raw_data payloads, and safetensors shards of a declared
 * size, served by {@link LoopbackHub} as {@link LoopbackHub.Blob}s. For tests and the Hub
 * benchmark.
 */
final class SparseFiles {
  private SparseFiles() {}

  /** Protocol buffers bytes with runs of zeros that are only counted. */
  static final class Pb {
    private final List<Object> pieces = new ArrayList<>();
    private long length;

    Pb bytes(byte[] b) {
      pieces.add(b);
      length += b.length;
      return this;
    }

    Pb zeros(long n) {
      pieces.add(n);
      length += n;
      return this;
    }

    Pb pb(Pb other) {
      pieces.addAll(other.pieces);
      length += other.length;
      return this;
    }

    Pb varintField(int field, long v) {
      return bytes(varint((long) field << 3)).bytes(varint(v));
    }

    Pb stringField(int field, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return bytes(varint(((long) field << 3) | 2)).bytes(varint(b.length)).bytes(b);
    }

    Pb message(int field, Pb inner) {
      return bytes(varint(((long) field << 3) | 2)).bytes(varint(inner.length)).pb(inner);
    }

    long length() {
      return length;
    }

    LoopbackHub.Blob blob() {
      LoopbackHub.Blob blob = new LoopbackHub.Blob(length);
      long at = 0;
      ByteArrayOutputStream run = new ByteArrayOutputStream();
      long runStart = 0;
      for (Object p : pieces) {
        if (p instanceof byte[] b) {
          if (run.size() == 0) {
            runStart = at;
          }
          run.writeBytes(b);
          at += b.length;
        } else {
          if (run.size() > 0) {
            blob.put(runStart, run.toByteArray());
            run.reset();
          }
          at += (Long) p;
        }
      }
      if (run.size() > 0) {
        blob.put(runStart, run.toByteArray());
      }
      return blob;
    }
  }

  static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  /**
   * An ONNX model (ModelProto fields from onnx.proto3: ir_version 1, producer_name 2, graph 7,
   * opset_import 8; GraphProto node 1, initializer 5, input 11, output 12; TensorProto dims 1,
   * data_type 2, name 8, raw_data 9): a chain of {@code layers} MatMul nodes, each with a float
   * weight of {@code rows x cols} stored inline as raw_data.
   */
  static Pb onnx(int layers, long rows, long cols) {
    return onnx(layers, rows, cols, null);
  }

  /**
   * The same model with its weights in the external-data file {@code dataFile} (beside the model,
   * one after the other: TensorProto external_data 13 as location, offset and length entries,
   * data_location 14 = EXTERNAL), or inline when {@code dataFile} is null; the data file is {@code
   * layers * rows * cols * 4} bytes.
   */
  static Pb onnx(int layers, long rows, long cols, String dataFile) {
    Pb graph = new Pb();
    for (int i = 0; i < layers; i++) {
      Pb node = new Pb();
      node.stringField(1, i == 0 ? "x" : "h" + (i - 1));
      node.stringField(1, "w" + i);
      node.stringField(2, "h" + i);
      node.stringField(3, "matmul_" + i);
      node.stringField(4, "MatMul");
      graph.message(1, node);
    }
    graph.stringField(2, "sparse");
    for (int i = 0; i < layers; i++) {
      Pb t = new Pb();
      t.varintField(1, rows).varintField(1, cols).varintField(2, 1).stringField(8, "w" + i);
      long payload = rows * cols * 4;
      if (dataFile == null) {
        t.bytes(varint((9L << 3) | 2)).bytes(varint(payload)).zeros(payload);
      } else {
        t.message(13, new Pb().stringField(1, "location").stringField(2, dataFile));
        t.message(13, new Pb().stringField(1, "offset").stringField(2, "" + i * payload));
        t.message(13, new Pb().stringField(1, "length").stringField(2, "" + payload));
        t.varintField(14, 1);
      }
      graph.message(5, t);
    }
    graph.message(11, valueInfo("x", rows));
    graph.message(12, valueInfo("h" + (layers - 1), cols));
    Pb model = new Pb();
    model.varintField(1, 8);
    model.stringField(2, "pytorch");
    model.message(7, graph);
    model.message(8, new Pb().varintField(2, 17));
    return model;
  }

  private static Pb valueInfo(String name, long dim) {
    // ValueInfoProto name 1, type 2; TypeProto tensor_type 1; Tensor elem_type 1, shape 2;
    // TensorShapeProto dim 1; Dimension dim_value 1
    Pb shape =
        new Pb().message(1, new Pb().varintField(1, 1)).message(1, new Pb().varintField(1, dim));
    Pb tensor = new Pb().varintField(1, 1).message(2, shape);
    return new Pb().stringField(1, name).message(2, new Pb().message(1, tensor));
  }

  /** A tensor of a safetensors header: name, dtype and shape. */
  record Tensor(String name, String dtype, long... shape) {
    long bytes() {
      long n = dtype.equals("F32") ? 4 : 2;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * A safetensors file (8-byte little-endian header length, JSON header, data) of these tensors,
   * with zeros for data.
   */
  static LoopbackHub.Blob safetensors(List<Tensor> tensors) {
    StringBuilder json = new StringBuilder("{");
    long offset = 0;
    String sep = "";
    for (Tensor t : tensors) {
      json.append(sep).append('"').append(t.name()).append("\":{\"dtype\":\"").append(t.dtype());
      json.append("\",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        json.append(i == 0 ? "" : ",").append(t.shape()[i]);
      }
      json.append("],\"data_offsets\":[").append(offset).append(',');
      offset += t.bytes();
      json.append(offset).append("]}");
      sep = ",";
    }
    json.append('}');
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    byte[] head = new byte[8 + header.length];
    ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
    System.arraycopy(header, 0, head, 8, header.length);
    return new LoopbackHub.Blob(head.length + offset).put(0, head);
  }
}
