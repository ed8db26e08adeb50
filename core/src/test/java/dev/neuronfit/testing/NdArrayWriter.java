package dev.neuronfit.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes MXNet NDArray list files ({@code .params}) for tests, from the layout MXNet publishes in
 * {@code src/ndarray/ndarray.cc} ({@code NDArray::Save}): list magic {@code 0x112}, a reserved
 * zero, the array count, each array as version 2 (magic {@code 0xF993FAC9}, dense storage, shape
 * with i64 dimensions, CPU context, type flag, data), then the name count and the names. Written by
 * us from that description, not by MXNet; real model files are too big to keep in the repository.
 *
 * <p>{@link #write} leaves each array's data as a hole (the file system stores no blocks for it,
 * and it reads as zeros), so a file the size of a real checkpoint costs almost no disk; the reader
 * under test only seeks past it.
 */
public final class NdArrayWriter {
  /** Bytes per element of MXNet's type flags 0 (float32) to 12 (bfloat16). */
  private static final int[] TYPE_BYTES = {4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2};

  private NdArrayWriter() {}

  /**
   * One array.
   *
   * @param name its name, with {@code arg:} or {@code aux:} as Gluon's export writes them
   * @param typeFlag MXNet's type flag (0 float32, 2 float16, 6 int64 ...)
   * @param shape its dimensions
   */
  public record Array(String name, int typeFlag, List<Long> shape) {
    public Array {
      shape = List.copyOf(shape);
    }

    long dataBytes() {
      long n = TYPE_BYTES[typeFlag];
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** Writes the file with the arrays' data left as holes. */
  public static void write(Path file, List<Array> arrays) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(le().putLong(0x112).putLong(0).putLong(arrays.size()).flip());
      for (Array a : arrays) {
        ch.write(header(a));
        ch.position(ch.position() + a.dataBytes());
      }
      ch.write(names(arrays));
    }
  }

  /** The whole file in memory, data as zeros: for small arrays (seeds, malformed cases). */
  public static byte[] bytes(List<Array> arrays) {
    long size = 24;
    for (Array a : arrays) {
      size += header(a).remaining() + a.dataBytes();
    }
    ByteBuffer names = names(arrays);
    ByteBuffer out =
        ByteBuffer.allocate((int) (size + names.remaining())).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(0x112).putLong(0).putLong(arrays.size());
    for (Array a : arrays) {
      out.put(header(a));
      out.position(out.position() + (int) a.dataBytes());
    }
    out.put(names);
    return out.array();
  }

  private static ByteBuffer header(Array a) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 + 4 + 8 * a.shape().size() + 8 + 4);
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xF993FAC9).putInt(0).putInt(a.shape().size());
    a.shape().forEach(b::putLong);
    b.putInt(1).putInt(0).putInt(a.typeFlag());
    return b.flip();
  }

  private static ByteBuffer names(List<Array> arrays) {
    int size = 8;
    for (Array a : arrays) {
      size += 8 + a.name().getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(arrays.size());
    for (Array a : arrays) {
      byte[] n = a.name().getBytes(StandardCharsets.UTF_8);
      b.putLong(n.length).put(n);
    }
    return b.flip();
  }

  private static ByteBuffer le() {
    return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
  }
}
