package dev.neuronfit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Little-endian reads from a file channel through a small buffer, with the byte offset of every
 * read known, so that a short or damaged file gives a message naming the place. Skips move the
 * position without reading. Shared by the readers of binary formats with little-endian headers
 * (GGUF, MXNet's NDArray lists). Not thread-safe; the caller owns and closes the channel.
 */
public final class LeInput {
  private final SeekableByteChannel channel;
  private final Path shown;
  private final long size;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private long bufStart;

  public LeInput(SeekableByteChannel channel, Path shown) throws IOException {
    this.channel = channel;
    this.shown = shown;
    this.size = channel.size();
    buf.limit(0);
  }

  public long offset() {
    return bufStart + buf.position();
  }

  public long size() {
    return size;
  }

  public long remaining() {
    return size - offset();
  }

  private void need(int n, String what) throws IOException {
    if (buf.remaining() >= n) {
      return;
    }
    long at = offset();
    if (size - at < n) {
      throw new ModelFormatException(
          shown,
          "byte " + at,
          "file ends inside " + what + " (" + n + " bytes needed, " + (size - at) + " left)");
    }
    channel.position(at);
    buf.clear();
    bufStart = at;
    while (buf.position() < n) {
      if (channel.read(buf) < 0) {
        throw new ModelFormatException(shown, "byte " + at, "file ends inside " + what);
      }
    }
    buf.flip();
  }

  public int u8(String what) throws IOException {
    need(1, what);
    return buf.get() & 0xFF;
  }

  public int u16(String what) throws IOException {
    need(2, what);
    return buf.getShort() & 0xFFFF;
  }

  public long u32(String what) throws IOException {
    need(4, what);
    return buf.getInt() & 0xFFFFFFFFL;
  }

  /** An unsigned 64-bit number; one over {@link Long#MAX_VALUE} is refused. */
  public long u64(String what) throws IOException {
    long at = offset();
    need(8, what);
    long v = buf.getLong();
    if (v < 0) {
      throw new ModelFormatException(shown, "byte " + at, what + " is over 2^63: " + v);
    }
    return v;
  }

  public long i64(String what) throws IOException {
    need(8, what);
    return buf.getLong();
  }

  /** Moves past {@code n} bytes without reading them. */
  public void skip(long n, String what) throws IOException {
    long at = offset();
    if (n < 0 || n > size - at) {
      throw new ModelFormatException(
          shown, "byte " + at, "file ends inside " + what + " (" + n + " bytes declared)");
    }
    if (n <= buf.remaining()) {
      buf.position(buf.position() + (int) n);
    } else {
      bufStart = at + n;
      buf.limit(0);
    }
  }

  /** {@code n} bytes as UTF-8 (malformed bytes replaced); the caller bounds {@code n}. */
  public String utf8(int n, String what) throws IOException {
    byte[] b = new byte[n];
    int done = 0;
    while (done < n) {
      int chunk = Math.min(n - done, buf.capacity());
      need(chunk, what);
      buf.get(b, done, chunk);
      done += chunk;
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
