package dev.neuronfit.io.pickle;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.pickle.PickleValue.BigInt;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.Str;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decoding of the text and number arguments of pickle opcodes. */
final class PickleText {
  private PickleText() {}

  /** Makes the exception for a problem at the current opcode. */
  @FunctionalInterface
  interface Failure {
    ModelFormatException at(String problem);
  }

  /** A little-endian two's-complement integer (LONG1, LONG4). */
  static PickleValue longLE(byte[] b) {
    if (b.length == 0) {
      return new Int(0);
    }
    byte[] be = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      be[i] = b[b.length - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < 64 ? new Int(v.longValue()) : new BigInt(v);
  }

  static PickleValue parseInt(String text, Failure fail) throws ModelFormatException {
    try {
      BigInteger v = new BigInteger(text.strip());
      return v.bitLength() < 64 ? new Int(v.longValue()) : new BigInt(v);
    } catch (NumberFormatException e) {
      throw fail.at("not an integer: \"" + clip(text) + "\"");
    }
  }

  static long textIndex(String text, Failure fail) throws ModelFormatException {
    try {
      long v = Long.parseLong(text.strip());
      if (v < 0) {
        throw fail.at("negative memo index " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw fail.at("not a memo index: \"" + clip(text) + "\"");
    }
  }

  static PickleValue textFloat(String text, Failure fail) throws ModelFormatException {
    String t = text.strip();
    switch (t) {
      case "inf", "+inf" -> {
        return new PickleValue.Float(Double.POSITIVE_INFINITY);
      }
      case "-inf" -> {
        return new PickleValue.Float(Double.NEGATIVE_INFINITY);
      }
      case "nan", "-nan" -> {
        return new PickleValue.Float(Double.NaN);
      }
      default -> {
        if (!t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
          throw fail.at("not a float: \"" + clip(text) + "\"");
        }
        return new PickleValue.Float(Double.parseDouble(t));
      }
    }
  }

  /** A protocol 0 STRING argument: a Python string literal in single or double quotes. */
  static String quoted(String line, Failure fail) throws ModelFormatException {
    if (line.length() < 2
        || line.charAt(0) != line.charAt(line.length() - 1)
        || (line.charAt(0) != '\'' && line.charAt(0) != '"')) {
      throw fail.at("STRING argument is not quoted: \"" + clip(line) + "\"");
    }
    String body = line.substring(1, line.length() - 1);
    StringBuilder b = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 >= body.length()) {
        b.append(c);
        continue;
      }
      char e = body.charAt(++i);
      switch (e) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'x' -> {
          if (isHex(body, i + 1, 2)) {
            b.append((char) Integer.parseInt(body.substring(i + 1, i + 3), 16));
            i += 2;
          } else {
            b.append("\\x");
          }
        }
        default -> b.append(e);
      }
    }
    // Python 2 str bytes: read as UTF-8 where they are, Latin-1 otherwise
    return utf8(b.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A protocol 0 UNICODE argument: Latin-1 text with {@code \\uXXXX} and {@code \\UXXXXXXXX}. */
  static String rawUnicodeEscape(String line) {
    StringBuilder b = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\'
          && i + 1 < line.length()
          && line.charAt(i + 1) == 'u'
          && isHex(line, i + 2, 4)) {
        b.append((char) Integer.parseInt(line.substring(i + 2, i + 6), 16));
        i += 5;
      } else if (c == '\\'
          && i + 1 < line.length()
          && line.charAt(i + 1) == 'U'
          && isHex(line, i + 2, 8)) {
        long cp = Long.parseLong(line.substring(i + 2, i + 10), 16);
        b.appendCodePoint(
            Character.isValidCodePoint((int) cp) && cp <= 0x10FFFF ? (int) cp : 0xFFFD);
        i += 9;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isHex(String s, int from, int n) {
    if (from + n > s.length()) {
      return false;
    }
    for (int i = from; i < from + n; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** UTF-8 with malformed sequences replaced (Python would use surrogateescape or fail). */
  static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder cannot fail", e);
    }
  }

  /** Python's {@code str.encode('latin1')}, with {@code ?} for characters beyond it. */
  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The text of a str, or a short description of anything else. */
  static String plain(PickleValue v) {
    return v instanceof Str s ? s.value() : kind(v);
  }

  /** What kind of value it is, for messages. */
  static String kind(PickleValue v) {
    if (v instanceof PickleValue.Global g) {
      return "the global " + g.qualified();
    }
    if (v instanceof PickleValue.Nil) {
      return "None";
    }
    return switch (v.getClass().getSimpleName()) {
      case "Str" -> "a str";
      case "Int", "BigInt" -> "an int";
      case "Float" -> "a float";
      case "Bool" -> "a bool";
      case "Bytes" -> "a bytes value";
      case "Tuple" -> "a tuple";
      case "PList" -> ((PickleValue.PList) v).isSet() ? "a set" : "a list";
      case "PDict" -> "a dict";
      case "PersistentId" -> "a persistent id";
      default -> "an object (" + v + ")";
    };
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
