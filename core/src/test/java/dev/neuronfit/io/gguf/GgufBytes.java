package dev.neuronfit.io.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes GGUF files for tests, laid out as ggml's docs/gguf.md describes (version 3, little-endian,
 * 32-byte alignment). Tensor data is not written: the file is extended to its full length, sparse
 * where the file system allows, since the reader never reads it.
 */
final class GgufBytes {
  private final ByteArrayOutputStream meta = new ByteArrayOutputStream();
  private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
  private int kvs;
  private int tensors;
  private long dataBytes;
  private long version = 3;

  /** One tensor: name, dims as GGUF lists them (ne[0] first), ggml type number and its bytes. */
  record Tensor(String name, long[] dims, int type, long bytes) {}

  GgufBytes version(long v) {
    this.version = v;
    return this;
  }

  GgufBytes string(String key, String value) {
    kv(key, 8);
    str(meta, value);
    return this;
  }

  GgufBytes u32(String key, long value) {
    kv(key, 4);
    meta.writeBytes(le(4, value));
    return this;
  }

  GgufBytes f32(String key, float value) {
    kv(key, 6);
    meta.writeBytes(le(4, Float.floatToIntBits(value)));
    return this;
  }

  /** An array of {@code n} strings {@code t0, t1, ...}. */
  GgufBytes strings(String key, int n) {
    kv(key, 9);
    meta.writeBytes(le(4, 8));
    meta.writeBytes(le(8, n));
    for (int i = 0; i < n; i++) {
      str(meta, "t" + i);
    }
    return this;
  }

  GgufBytes tensor(Tensor t) {
    tensors++;
    str(infos, t.name());
    infos.writeBytes(le(4, t.dims().length));
    for (long d : t.dims()) {
      infos.writeBytes(le(8, d));
    }
    infos.writeBytes(le(4, t.type()));
    infos.writeBytes(le(8, dataBytes));
    dataBytes += (t.bytes() + 31) / 32 * 32;
    return this;
  }

  private void kv(String key, int type) {
    kvs++;
    str(meta, key);
    meta.writeBytes(le(4, type));
  }

  /** The header, metadata and tensor infos, without padding or data. */
  byte[] head() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(le(4, version));
    out.writeBytes(le(8, tensors));
    out.writeBytes(le(8, kvs));
    out.writeBytes(meta.toByteArray());
    out.writeBytes(infos.toByteArray());
    return out.toByteArray();
  }

  /** Writes the whole file: head, padding to 32 bytes, then the data's extent (not written). */
  Path write(Path file) throws IOException {
    byte[] head = head();
    Files.write(file, head);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength((head.length + 31L) / 32 * 32 + dataBytes);
    }
    return file;
  }

  private static void str(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(le(8, b.length));
    out.writeBytes(b);
  }

  static byte[] le(int n, long v) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    byte[] out = new byte[n];
    System.arraycopy(b.array(), 0, out, 0, n);
    return out;
  }

  static List<Tensor> list(Tensor... ts) {
    return new ArrayList<>(List.of(ts));
  }
}
