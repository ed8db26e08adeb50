package dev.neuronfit.io.pickle;

import dev.neuronfit.io.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The bytes of one or more pickles read in order, with the position known for messages and a budget
 * on how many bytes may be consumed. Long bytes values are skipped rather than read, so a legacy
 * checkpoint's pickles can be read from the start of a large file without reading the tensor data
 * after them. Not thread-safe.
 */
public final class PickleSource {
  private final InputStream in;
  private final Path file;
  private final String place;
  private final long budget;
  private long pos;
  private boolean ranOut;
  private boolean overLimit;

  /**
   * @param in the stream, positioned at the first pickle; not closed by this class
   * @param file the file, for messages
   * @param place where in the file the pickles are, e.g. {@code zip entry archive/data.pkl}
   * @param budget most bytes that may be consumed
   */
  public PickleSource(InputStream in, Path file, String place, long budget) {
    this.in = in;
    this.file = file;
    this.place = place;
    this.budget = budget;
  }

  public static PickleSource of(byte[] data, Path file, String place, long budget) {
    return new PickleSource(new ByteArrayInputStream(data), file, place, budget);
  }

  /** Bytes consumed so far. */
  public long position() {
    return pos;
  }

  public Path file() {
    return file;
  }

  public String place() {
    return place;
  }

  /** True when no byte is left (it may read one byte ahead to tell). */
  public boolean atEnd() throws IOException {
    in.mark(1);
    int b = in.read();
    if (b < 0) {
      return true;
    }
    in.reset();
    return false;
  }

  /** A format error at byte {@code offset}. */
  public ModelFormatException error(long offset, String problem) {
    return new ModelFormatException(file, place + ", byte " + offset, problem);
  }

  /** True once a read failed for lack of bytes (the end of the input or of the budget). */
  public boolean ranOut() {
    return ranOut;
  }

  /**
   * True once a read stopped at the byte budget or at the longest text line read, limits of
   * neuronfit's that Python's unpickler does not have.
   */
  public boolean overLimit() {
    return overLimit;
  }

  private void charge(long n) throws ModelFormatException {
    if (n < 0 || pos + n > budget) {
      ranOut = n >= 0;
      overLimit = n >= 0;
      throw error(pos, "the pickle is longer than the limit of " + budget + " bytes");
    }
  }

  public int u1() throws IOException {
    charge(1);
    int b = in.read();
    if (b < 0) {
      ranOut = true;
      throw error(pos, "truncated: the pickle ends before its STOP opcode");
    }
    pos++;
    return b;
  }

  /**
   * An unsigned little-endian integer of {@code n} bytes (n at most 8; 8 bytes may be negative).
   */
  public long uLE(int n) throws IOException {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) u1() << (8 * i);
    }
    return v;
  }

  /** Exactly {@code n} bytes; the caller has checked {@code n} against its limit. */
  public byte[] bytes(int n) throws IOException {
    charge(n);
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      ranOut = true;
      throw error(pos + b.length, "truncated: " + n + " bytes declared, " + b.length + " left");
    }
    pos += n;
    return b;
  }

  /** Skips {@code n} bytes without reading them where the stream can seek. */
  public void skip(long n) throws IOException {
    charge(n);
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      ranOut = true;
      throw error(pos, "truncated: " + n + " bytes declared, fewer left");
    }
    pos += n;
  }

  /**
   * A line up to (not including) {@code \n}, as the text opcodes of protocol 0 carry their
   * arguments.
   */
  public String line(int maxBytes) throws IOException {
    long start = pos;
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    while (true) {
      int c = u1();
      if (c == '\n') {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
      if (b.size() >= maxBytes) {
        overLimit = true;
        throw error(start, "a text argument longer than " + maxBytes + " bytes");
      }
      b.write(c);
    }
  }
}
