package dev.neuronfit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises a model file by its first bytes, never by its extension. */
public final class ContentSniffer {
  private static final int HEAD_BYTES = 64;

  private ContentSniffer() {}

  /** What the first bytes of a file look like. */
  public enum Kind {
    /** Text whose first non-blank character opens a JSON object. */
    JSON_OBJECT,
    /** An 8-byte little-endian length followed by a JSON object: a safetensors file. */
    SAFETENSORS,
    /** Nothing this version reads. */
    UNKNOWN
  }

  /**
   * @throws ModelFormatException for an empty file
   */
  public static Kind sniff(Path file) throws IOException {
    byte[] head = new byte[HEAD_BYTES];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n == 0) {
      throw new ModelFormatException(file, "", "empty file");
    }
    int start =
        n >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF
            ? 3
            : 0;
    int first = skipBlanks(head, start, n);
    if (first < n && head[first] == '{') {
      return Kind.JSON_OBJECT;
    }
    if (n > 8) {
      long len = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (len >= 2 && head[8] == '{') {
        return Kind.SAFETENSORS;
      }
    }
    return Kind.UNKNOWN;
  }

  private static int skipBlanks(byte[] b, int from, int n) {
    int i = from;
    while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }
}
