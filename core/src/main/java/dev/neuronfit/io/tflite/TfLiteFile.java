package dev.neuronfit.io.tflite;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a TensorFlow Lite file says about its origin, read from its flatbuffer without reading its
 * tensors: the model's {@code description} (the converter writes e.g. {@code MLIR Converted.}), the
 * {@code CONVERSION_METADATA} buffer (TensorFlow version and the source's kind: SavedModel, Keras,
 * concrete functions, GraphDef, session or JAX) and the {@code TFLITE_METADATA} buffer of the
 * TFLite Support library (the model's name, version and author).
 *
 * <p>Field numbers are those of TensorFlow's public schemas: {@code
 * tensorflow/lite/schema/schema.fbs} (Model: version 0, operator_codes 1, subgraphs 2, description
 * 3, buffers 4, metadata_buffer 5, metadata 6; Metadata: name 0, buffer 1; Buffer: data 0, offset
 * 1, size 2), {@code conversion_metadata.fbs} (ConversionMetadata.environment 0; Environment:
 * tensorflow_version 0, api_version 1, model_type 2) and TFLite Support's {@code
 * metadata_schema.fbs} (ModelMetadata: name 0, description 1, version 2, author 4). Hand-written
 * because neuronfit reads no more of the format than this: every offset is checked against the
 * file, and any inconsistency just ends the search for an origin (the file is refused either way).
 */
public final class TfLiteFile {
  private static final int MAX_STRING = 200;
  private static final int MAX_METADATA = 64;
  private static final long MAX_METADATA_BUFFER = 1 << 20;
  private static final List<String> MODEL_TYPES =
      List.of(
          "",
          "a TensorFlow SavedModel",
          "a Keras model",
          "TensorFlow concrete functions",
          "a TensorFlow GraphDef",
          "a TensorFlow session",
          "a JAX function");

  private TfLiteFile() {}

  /** The one-line refusal of a TFLite file, naming its origin when the file records it. */
  public static ModelFormatException refusal(Path file) {
    String origin;
    try {
      origin = origin(file).map(o -> "; " + o).orElse("");
    } catch (IOException | RuntimeException e) {
      origin = ""; // a damaged flatbuffer: refused all the same, without an origin
    }
    return new ModelFormatException(
        file,
        "",
        "a TensorFlow Lite model: a format for mobile and edge interpreters (converted, often"
            + " quantized, for the TFLite runtime), which the Neuron SDK does not compile"
            + origin
            + ". Run neuronfit on the TensorFlow, Keras, PyTorch or ONNX model it was converted"
            + " from");
  }

  /** What the file says about where it came from, or empty when it says nothing. */
  static Optional<String> origin(Path file) throws IOException {
    try (FileChannel ch = ModelFiles.channel(file, file, file)) {
      Flat f = new Flat(ch);
      int model = f.root();
      List<String> parts = new ArrayList<>();
      int buffers = f.vector(model, 4);
      int metadata = f.vector(model, 6);
      if (metadata >= 0) {
        int n = Math.min(f.length(metadata), MAX_METADATA);
        for (int i = 0; i < n; i++) {
          int entry = f.element(metadata, i);
          String name = f.string(entry, 0).orElse("");
          long index = f.u32Field(entry, 1);
          if (buffers < 0 || index < 0 || index >= f.length(buffers)) {
            continue;
          }
          if (name.equals("CONVERSION_METADATA")) {
            f.buffer(f.element(buffers, (int) index)).ifPresent(b -> conversion(b, parts));
          } else if (name.equals("TFLITE_METADATA")) {
            f.buffer(f.element(buffers, (int) index)).ifPresent(b -> support(b, parts));
          }
        }
      }
      f.string(model, 3)
          .filter(d -> !d.isBlank())
          .ifPresent(d -> parts.add("its description: \"" + d + "\""));
      return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }
  }

  private static void conversion(Flat b, List<String> parts) {
    try {
      int env = b.table(b.root(), 0);
      if (env < 0) {
        return;
      }
      long type = b.u32Field(env, 2);
      Optional<String> tf = b.string(env, 0);
      if (type > 0 && type < MODEL_TYPES.size()) {
        parts.add(
            "converted from "
                + MODEL_TYPES.get((int) type)
                + tf.map(v -> " with TensorFlow " + v).orElse(""));
      } else {
        tf.ifPresent(v -> parts.add("converted with TensorFlow " + v));
      }
    } catch (IOException | RuntimeException e) {
      // no origin from a damaged buffer
    }
  }

  private static void support(Flat b, List<String> parts) {
    try {
      int meta = b.root();
      Optional<String> name = b.string(meta, 0);
      Optional<String> version = b.string(meta, 2);
      Optional<String> author = b.string(meta, 4);
      name.ifPresent(
          n ->
              parts.add(
                  "its metadata names the model \""
                      + n
                      + "\""
                      + version.map(v -> " version " + v).orElse("")
                      + author.map(a -> " by " + a).orElse("")));
    } catch (IOException | RuntimeException e) {
      // no origin from a damaged buffer
    }
  }

  /** Bounded reads of a flatbuffer held in a file, or in a byte array (a nested buffer). */
  private static final class Flat {
    private final FileChannel ch;
    private final ByteBuffer bytes;
    private final long size;

    Flat(FileChannel ch) throws IOException {
      this.ch = ch;
      this.bytes = null;
      this.size = ch.size();
    }

    Flat(byte[] data) {
      this.ch = null;
      this.bytes = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      this.size = data.length;
    }

    private ByteBuffer read(long pos, int n) throws IOException {
      if (pos < 0 || n < 0 || pos > size - n) {
        throw new IOException("offset " + pos + " out of the buffer");
      }
      if (bytes != null) {
        return bytes.slice((int) pos, n).order(ByteOrder.LITTLE_ENDIAN);
      }
      ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (ch.read(b, pos + b.position()) < 0) {
          throw new IOException("end of file");
        }
      }
      return b.flip();
    }

    private long u32(long pos) throws IOException {
      return read(pos, 4).getInt() & 0xFFFFFFFFL;
    }

    int root() throws IOException {
      return (int) checked(u32(0));
    }

    private long checked(long pos) throws IOException {
      if (pos >= size) {
        throw new IOException("offset " + pos + " out of the buffer");
      }
      return pos;
    }

    /** The position of field {@code id}'s value in the table, or -1 when absent. */
    private long field(int table, int id) throws IOException {
      long vtable = table - (long) read(table, 4).getInt();
      int vsize = read(vtable, 2).getShort() & 0xFFFF;
      if (4 + 2 * id + 2 > vsize) {
        return -1;
      }
      int off = read(vtable + 4 + 2L * id, 2).getShort() & 0xFFFF;
      return off == 0 ? -1 : table + (long) off;
    }

    private long indirect(int table, int id) throws IOException {
      long at = field(table, id);
      return at < 0 ? -1 : checked(at + u32(at));
    }

    int table(int table, int id) throws IOException {
      return (int) indirect(table, id);
    }

    int vector(int table, int id) throws IOException {
      return (int) indirect(table, id);
    }

    int length(int vector) throws IOException {
      return (int) Math.min(u32(vector), Integer.MAX_VALUE);
    }

    int element(int vector, int i) throws IOException {
      long at = vector + 4L + 4L * i;
      return (int) checked(at + u32(at));
    }

    long u32Field(int table, int id) throws IOException {
      long at = field(table, id);
      return at < 0 ? 0 : u32(at);
    }

    Optional<String> string(int table, int id) throws IOException {
      long at = indirect(table, id);
      if (at < 0) {
        return Optional.empty();
      }
      int len = (int) Math.min(u32(at), MAX_STRING);
      ByteBuffer b = read(at + 4, len);
      byte[] out = new byte[len];
      b.get(out);
      return Optional.of(
          new String(out, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ").strip());
    }

    /** The bytes of a Buffer table: its inline data, or the range it names outside the buffer. */
    Optional<Flat> buffer(int table) throws IOException {
      long data = indirect(table, 0);
      long pos;
      long len;
      if (data >= 0) {
        pos = data + 4;
        len = u32(data);
      } else {
        long offAt = field(table, 1);
        long sizeAt = field(table, 2);
        if (offAt < 0 || sizeAt < 0) {
          return Optional.empty();
        }
        pos = read(offAt, 8).getLong();
        len = read(sizeAt, 8).getLong();
      }
      if (len <= 8 || len > MAX_METADATA_BUFFER) {
        return Optional.empty();
      }
      ByteBuffer b = read(pos, (int) len);
      byte[] out = new byte[(int) len];
      b.get(out);
      return Optional.of(new Flat(out));
    }
  }
}
