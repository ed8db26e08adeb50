package dev.neuronfit.io.pb;

import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A pull reader for the protocol buffers wire format over a file, built to skip what it does not
 * need: a length-delimited field that the caller does not want (a tensor's raw data, say) is
 * skipped by moving the file position, so its bytes are never read.
 *
 * <p>Written by hand rather than with protobuf-java's {@code CodedInputStream} because that class
 * keeps positions in {@code int} (files over 2 GiB overflow it) and skips by reading through its
 * buffer or an {@code InputStream}, while this reader keeps {@code long} positions and seeks. Wire
 * format facts (from the protocol buffers encoding documentation): a tag is a varint {@code
 * (field_number << 3) | wire_type}; wire types are 0 varint, 1 fixed 64-bit, 2 length-delimited, 5
 * fixed 32-bit; 3 and 4 (groups) are obsolete and refused here.
 *
 * <p>Every length is checked against the end of the enclosing message before it is used, and
 * nesting is bounded, so a hostile file gives a {@link ModelFormatException}, never a huge
 * allocation or deep recursion. Not thread-safe.
 */
public final class ProtoReader implements Closeable {
  public static final int VARINT = 0;
  public static final int FIXED64 = 1;
  public static final int LENGTH_DELIMITED = 2;
  public static final int FIXED32 = 5;

  /**
   * Most read-ahead per refill. Small on purpose: a refill just before a skipped payload reads into
   * it, so the read-ahead bounds how much of each skipped tensor is ever read.
   */
  private static final int BUFFER = 16 * 1024;

  /**
   * Read-ahead of the first refill, and of the first after a skip past the buffer: enough for a
   * tensor's header, little of its payload. Each refill in a row doubles it up to {@link #BUFFER},
   * so dense graph structure is still read in large blocks.
   */
  private static final int MIN_FILL = 512;

  private final ByteSource channel;
  private final Path shown;
  private final long size;
  private final int maxDepth;
  private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** File offset of buf[0]. */
  private long bufStart;

  private long pos;
  private long limit;
  private int depth;
  private long bytesRead;
  private int fillSize = MIN_FILL;

  private ProtoReader(ByteSource channel, Path shown, int maxDepth) throws IOException {
    this.channel = channel;
    this.shown = shown;
    this.size = channel.size();
    this.limit = size;
    this.maxDepth = maxDepth;
    buf.limit(0);
  }

  /**
   * Opens a model file that is its own root (the file the user named), for reading.
   *
   * @param shown how to name the file in messages
   * @param maxDepth deepest message nesting allowed
   */
  public static ProtoReader open(Path file, Path shown, int maxDepth) throws IOException {
    return open(file, file, shown, maxDepth);
  }

  /**
   * Opens a file of a model for reading.
   *
   * @param root the model's root folder, or the file itself when it is the model (see {@link
   *     ModelFiles})
   * @param shown how to name the file in messages
   * @param maxDepth deepest message nesting allowed
   */
  public static ProtoReader open(Path file, Path root, Path shown, int maxDepth)
      throws IOException {
    return new ProtoReader(ModelFiles.source(file, root, shown), shown, maxDepth);
  }

  /**
   * Reads from a source (a file on the Hub read by ranges, say); closing the reader closes it.
   *
   * @param maxDepth deepest message nesting allowed
   */
  public static ProtoReader over(ByteSource source, int maxDepth) throws IOException {
    return new ProtoReader(source, source.shown(), maxDepth);
  }

  /** The file as named in messages. */
  public Path file() {
    return shown;
  }

  public long position() {
    return pos;
  }

  public long fileSize() {
    return size;
  }

  /** Bytes actually read from the file so far (skipped fields are not read). */
  public long bytesRead() {
    return bytesRead;
  }

  /** True when the current message (or the file) has no more fields. */
  public boolean atEnd() {
    return pos >= limit;
  }

  /**
   * The next field's tag, or -1 at the end of the current message.
   *
   * @throws ModelFormatException for a field number of 0 or an unknown wire type
   */
  public int nextTag() throws IOException {
    if (pos >= limit) {
      return -1;
    }
    long at = pos;
    long tag = readVarint();
    int wire = (int) (tag & 7);
    long field = tag >>> 3;
    if (field == 0 || field > 0x1FFF_FFFFL) {
      throw error(at, "field number " + field + " is not valid");
    }
    if (wire != VARINT && wire != FIXED64 && wire != LENGTH_DELIMITED && wire != FIXED32) {
      throw error(at, "wire type " + wire + " of field " + field + " is not supported");
    }
    return (int) tag;
  }

  public static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  public static int wireType(int tag) {
    return tag & 7;
  }

  /** Reads a varint of up to 10 bytes, as a raw 64-bit value. */
  public long readVarint() throws IOException {
    long at = pos;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw error(at, "varint longer than 10 bytes");
  }

  public long readFixed64() throws IOException {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v |= (long) readByte() << (8 * i);
    }
    return v;
  }

  public int readFixed32() throws IOException {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v |= readByte() << (8 * i);
    }
    return v;
  }

  /** Reads the length prefix of a length-delimited field and checks it fits the message. */
  public long readLength() throws IOException {
    long at = pos;
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw error(
          at,
          "length "
              + Long.toUnsignedString(len)
              + " runs past the end of its message ("
              + (limit - pos)
              + " bytes left)");
    }
    return len;
  }

  /**
   * Reads a length-delimited UTF-8 string.
   *
   * @param maxBytes longest accepted; longer strings are an error
   * @param what what the string is, for messages (e.g. {@code "node name"})
   */
  public String readString(int maxBytes, String what) throws IOException {
    long at = pos;
    long len = readLength();
    if (len > maxBytes) {
      throw error(at, what + " of " + len + " bytes is over the limit of " + maxBytes);
    }
    byte[] bytes = readRaw((int) len);
    boolean ascii = true;
    for (byte b : bytes) {
      ascii &= b >= 0;
    }
    if (ascii) {
      // most names are ASCII; a fresh decoder per string made graphs of many nodes slow to read
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return utf8.reset().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw error(at, what + " is not valid UTF-8");
    }
  }

  /** Reads {@code n} raw bytes (the caller has checked {@code n} against its own limit). */
  public byte[] readRaw(int n) throws IOException {
    if (n < 0 || n > limit - pos) {
      throw error(pos, n + " bytes run past the end of their message");
    }
    byte[] out = new byte[n];
    int off = 0;
    while (off < n) {
      if (pos < bufStart || pos >= bufStart + buf.limit()) {
        fill();
      }
      int inBuf = (int) (pos - bufStart);
      int take = Math.min(n - off, buf.limit() - inBuf);
      System.arraycopy(buf.array(), inBuf, out, off, take);
      off += take;
      pos += take;
    }
    return out;
  }

  /** Moves past {@code n} bytes without reading them. */
  public void skip(long n) throws IOException {
    if (n < 0 || n > limit - pos) {
      throw error(
          pos, "cannot skip " + n + " bytes: only " + (limit - pos) + " left in the message");
    }
    pos += n;
    if (pos >= bufStart + buf.limit()) {
      fillSize = MIN_FILL;
    }
  }

  /** Moves to a position inside the current message, e.g. back to a field seen earlier. */
  public void seek(long position) throws ModelFormatException {
    if (position < 0 || position > limit) {
      throw error(pos, "cannot move to byte " + position + " outside the current message");
    }
    pos = position;
  }

  /** Skips the value of a field whose tag was just read. */
  public void skipValue(int tag) throws IOException {
    switch (wireType(tag)) {
      case VARINT -> readVarint();
      case FIXED64 -> skip(8);
      case FIXED32 -> skip(4);
      case LENGTH_DELIMITED -> skip(readLength());
      default -> throw error(pos, "wire type " + wireType(tag) + " is not supported");
    }
  }

  /**
   * Enters an embedded message whose length prefix comes next.
   *
   * @return a token to hand to {@link #endMessage}
   */
  public long beginMessage() throws IOException {
    long len = readLength();
    if (++depth > maxDepth) {
      throw error(pos, "messages nested deeper than the limit of " + maxDepth);
    }
    long outer = limit;
    limit = pos + len;
    return outer;
  }

  /** Leaves an embedded message, skipping whatever of it was not read. */
  public void endMessage(long token) {
    pos = limit;
    limit = token;
    depth--;
  }

  /** Checks a field's wire type and reports the place when it is wrong. */
  public void expect(int tag, int wireType, String what) throws ModelFormatException {
    if (wireType(tag) != wireType) {
      throw error(
          pos,
          what
              + " (field "
              + fieldNumber(tag)
              + ") has wire type "
              + wireType(tag)
              + ", expected "
              + wireType);
    }
  }

  /** A format error at a byte offset of this file. */
  public ModelFormatException error(long at, String problem) {
    return new ModelFormatException(shown, "byte " + at, problem);
  }

  private int readByte() throws IOException {
    if (pos >= limit) {
      throw error(
          pos, pos >= size ? "unexpected end of file" : "field runs past the end of its message");
    }
    if (pos < bufStart || pos >= bufStart + buf.limit()) {
      fill();
    }
    int b = buf.get((int) (pos - bufStart)) & 0xFF;
    pos++;
    return b;
  }

  private void fill() throws IOException {
    buf.clear();
    bufStart = pos;
    int toRead = (int) Math.min(fillSize, size - pos);
    fillSize = Math.min(2 * fillSize, BUFFER);
    buf.limit(Math.max(toRead, 0));
    while (buf.position() < toRead) {
      int n = channel.read(buf, bufStart + buf.position());
      if (n < 0) {
        break;
      }
      bytesRead += n;
    }
    buf.flip();
    if (!buf.hasRemaining()) {
      throw error(pos, "unexpected end of file");
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
