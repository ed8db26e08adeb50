package dev.neuronfit.io;

import dev.neuronfit.io.mxnet.MxnetFiles;
import dev.neuronfit.io.pickle.PickleMachine;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarUtils;

/** Recognises a model file by its first bytes, never by its extension. */
public final class ContentSniffer {
  /** One tar header block: enough for every signature, and for a tar header's checksum. */
  /** The bytes of a file's start that {@link #sniff} looks at. */
  public static final int HEAD_BYTES = 512;

  /** Where a tar header's checksum field starts (8 bytes). */
  private static final int CHKSUM_AT = 148;

  /** What Python's {@code int(text, 8)} takes: a sign, a 0o prefix, single underscores. */
  private static final Pattern PYTHON_OCTAL = Pattern.compile("[+-]?(0[oO]_?)?[0-7](_?[0-7])*");

  private ContentSniffer() {}

  /** What the first bytes of a file look like. */
  public enum Kind {
    /** Text whose first non-blank character opens a JSON object. */
    JSON_OBJECT,
    /** An 8-byte little-endian length followed by a JSON object: a safetensors file. */
    SAFETENSORS,
    /** A protobuf whose first fields are those of an ONNX ModelProto. */
    ONNX,
    /** A zip archive: TorchScript, a PyTorch checkpoint or a .keras file, told apart by entries. */
    ZIP,
    /**
     * What {@code torch.load} reads when a file is not a zip: a legacy checkpoint in torch's tar
     * format, or a pickle of any protocol (0 to 5), which it unpickles.
     */
    PICKLE,
    /** An HDF5 file: a legacy Keras .h5 model. */
    HDF5,
    /** A TensorFlow Lite flatbuffer. */
    TFLITE,
    /** A GGUF file (llama.cpp, ggml): magic {@code GGUF}. */
    GGUF,
    /** An MXNet symbol: a JSON object whose first key is {@code nodes}. */
    MXNET_SYMBOL,
    /** An MXNet NDArray list ({@code .params}): the list magic {@code 0x112}, then a zero word. */
    MXNET_PARAMS,
    /** A Git LFS pointer left in place of a file by a clone without Git LFS. */
    LFS_POINTER,
    /** A TensorFlow SavedModel protobuf ({@code saved_model.pb}). */
    TF_SAVEDMODEL,
    /** A TensorFlow GraphDef protobuf (a frozen graph). */
    TF_GRAPHDEF,
    /** Nothing this version reads. */
    UNKNOWN
  }

  /**
   * @throws ModelFormatException for an empty file
   */
  public static Kind sniff(Path file) throws IOException {
    byte[] head = new byte[HEAD_BYTES];
    int n;
    try (InputStream in = ModelFiles.stream(file, file, file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n == 0) {
      throw new ModelFormatException(file, "", "empty file");
    }
    int start =
        n >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF
            ? 3
            : 0;
    if (new String(head, 0, n, java.nio.charset.StandardCharsets.US_ASCII)
        .startsWith(GitLfsPointer.VERSION_PREFIX)) {
      return Kind.LFS_POINTER;
    }
    Kind magic = magic(head, n);
    if (magic != Kind.UNKNOWN) {
      return magic;
    }
    if (MxnetFiles.isParamsHead(head, n)) {
      return Kind.MXNET_PARAMS;
    }
    if (MxnetFiles.isSymbolHead(head, n)) {
      return Kind.MXNET_SYMBOL;
    }
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
    if (looksLikeSavedModel(head, n)) {
      return Kind.TF_SAVEDMODEL;
    }
    if (looksLikeOnnx(head, n)) {
      return Kind.ONNX;
    }
    if (looksLikeGraphDef(head, n)) {
      return Kind.TF_GRAPHDEF;
    }
    // torch.load tries a tar archive next, then unpickles whatever else it is given
    return isTarHeader(head, n) || PickleMachine.startsLikePickle(head, n)
        ? Kind.PICKLE
        : Kind.UNKNOWN;
  }

  /**
   * True when the file starts with a zip local header, {@code PK 03 04}: the only zip {@code
   * torch.load} reads as one (its {@code _is_zipfile}); any other file, even one with a zip
   * directory at its end, it reads as a tar archive or a pickle stream.
   */
  public static boolean startsWithZipLocalHeader(Path file) throws IOException {
    byte[] head = new byte[4];
    int n;
    try (InputStream in = ModelFiles.stream(file, file, file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /** True when the file starts with a tar header, as {@code torch.load}'s tar attempt sees it. */
  public static boolean isTar(Path file) throws IOException {
    byte[] head = new byte[HEAD_BYTES];
    int n;
    try (InputStream in = ModelFiles.stream(file, file, file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return isTarHeader(head, n);
  }

  /**
   * A tar archive starts with a 512-byte header whose checksum field matches its bytes; Python's
   * {@code tarfile}, which {@code torch.load} uses, asks no more (no {@code ustar} magic), and
   * reads the field more leniently than Commons Compress: as base-256 when its first byte is 0x80
   * or 0xFF, else as text up to the first NUL that Python's {@code int(text.strip() or "0", 8)}
   * takes, with a sign, a {@code 0o} prefix or underscores between digits (its {@code nti}). A file
   * that either takes for a tar is read as one (and, as torch falls back to unpickling when its tar
   * reading fails, also as a pickle stream: {@code PickleCheckpointReader}).
   */
  private static boolean isTarHeader(byte[] head, int n) {
    if (n < HEAD_BYTES) {
      return false;
    }
    byte[] h = Arrays.copyOf(head, HEAD_BYTES);
    try {
      if (TarUtils.verifyCheckSum(h)) {
        return true;
      }
    } catch (IllegalArgumentException e) {
      // a checksum field that is not octal to Commons Compress: Python may still read it
    }
    return pythonChecksum(h);
  }

  /** Python 3's {@code tarfile} check of a header's checksum ({@code nti} and calc_chksums). */
  private static boolean pythonChecksum(byte[] h) {
    long unsigned = 256;
    long signed = 256;
    for (int i = 0; i < HEAD_BYTES; i++) {
      if (i < CHKSUM_AT || i >= CHKSUM_AT + 8) {
        unsigned += h[i] & 0xFF;
        signed += h[i];
      }
    }
    BigInteger stored;
    int first = h[CHKSUM_AT] & 0xFF;
    if (first == 0x80 || first == 0xFF) {
      stored = new BigInteger(1, Arrays.copyOfRange(h, CHKSUM_AT + 1, CHKSUM_AT + 8));
      if (first == 0xFF) {
        stored = stored.subtract(BigInteger.ONE.shiftLeft(56));
      }
    } else {
      StringBuilder text = new StringBuilder();
      for (int i = CHKSUM_AT; i < CHKSUM_AT + 8 && h[i] != 0; i++) {
        if (h[i] < 0) {
          return false; // not ASCII: Python's decode fails
        }
        text.append((char) h[i]);
      }
      // Java's strip() takes the same ASCII blanks as Python's (0x09 to 0x0D, 0x1C to 0x20)
      String t = text.toString().strip();
      if (t.isEmpty()) {
        t = "0";
      }
      if (!PYTHON_OCTAL.matcher(t).matches()) {
        return false;
      }
      String digits = t.replaceFirst("^([+-]?)0[oO]", "$1").replace("_", "");
      stored = new BigInteger(digits, 8);
    }
    return stored.equals(BigInteger.valueOf(unsigned)) || stored.equals(BigInteger.valueOf(signed));
  }

  /**
   * A TensorFlow SavedModel starts with saved_model_schema_version (field 1, varint) 1, then its
   * first MetaGraphDef (field 2, a message) whose own first field is meta_info_def (field 1) or
   * graph_def (field 2), both messages. An ONNX model with IR version 1 has producer_name (field 2)
   * next, a printable string, so the two do not meet.
   */
  private static boolean looksLikeSavedModel(byte[] b, int n) {
    if (n < 5 || b[0] != 0x08 || b[1] != 0x01 || b[2] != 0x12) {
      return false;
    }
    int i = 3;
    while (i < n && (b[i] & 0x80) != 0 && i < 8) {
      i++;
    }
    i++;
    return i < n && (b[i] == 0x0A || b[i] == 0x12);
  }

  /**
   * A frozen TensorFlow GraphDef starts with its first node (field 1, a message) whose own first
   * field is the node's name (field 1, a string of the characters TensorFlow allows in names),
   * followed, when the head holds it, by the op (field 2, a string).
   */
  private static boolean looksLikeGraphDef(byte[] b, int n) {
    if (n < 5 || b[0] != 0x0A) {
      return false;
    }
    int i = 1;
    while (i < n && (b[i] & 0x80) != 0 && i < 6) {
      i++;
    }
    i++;
    if (i + 2 >= n || b[i] != 0x0A) {
      return false;
    }
    int len = b[i + 1] & 0xFF;
    if (len == 0 || (len & 0x80) != 0) {
      return false;
    }
    int start = i + 2;
    for (int k = start; k < Math.min(n, start + len); k++) {
      char c = (char) (b[k] & 0xFF);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '/'
              || c == '-'
              || c == '>';
      if (!ok) {
        return false;
      }
    }
    return start + len >= n || b[start + len] == 0x12;
  }

  /**
   * Formats with a fixed signature: zip local header {@code PK 03 04} (or {@code PK 05 06} for an
   * empty archive), the HDF5 superblock signature {@code 89 'HDF' 0D 0A 1A 0A}, TFLite's {@code
   * TFL3} file identifier at byte 4, GGUF's {@code GGUF} magic, and a pickle's PROTO opcode {@code
   * 0x80} with protocol 0 to 5 (torch.save writes protocol 2; Python writes no PROTO for 0 and 1,
   * but accepts one).
   */
  private static Kind magic(byte[] h, int n) {
    if (n >= 4
        && h[0] == 'P'
        && h[1] == 'K'
        && (h[2] == 3 && h[3] == 4 || h[2] == 5 && h[3] == 6)) {
      return Kind.ZIP;
    }
    if (n >= 8
        && (h[0] & 0xFF) == 0x89
        && h[1] == 'H'
        && h[2] == 'D'
        && h[3] == 'F'
        && h[4] == '\r'
        && h[5] == '\n'
        && h[6] == 0x1A
        && h[7] == '\n') {
      return Kind.HDF5;
    }
    if (n >= 8 && h[4] == 'T' && h[5] == 'F' && h[6] == 'L' && h[7] == '3') {
      return Kind.TFLITE;
    }
    if (n >= 8 && h[0] == 'G' && h[1] == 'G' && h[2] == 'U' && h[3] == 'F') {
      return Kind.GGUF;
    }
    if (n >= 2 && (h[0] & 0xFF) == 0x80 && h[1] >= 0 && h[1] <= 5) {
      return Kind.PICKLE;
    }
    return Kind.UNKNOWN;
  }

  /**
   * An ONNX ModelProto is written field by field in number order: ir_version (field 1, a varint)
   * first, then producer_name (2), producer_version (3), domain (4) as strings, model_version (5),
   * doc_string (6), graph (7) or opset_import (8). The head must hold at least one such field, and
   * ir_version, when it comes first, must be a plausible IR version. Other protobufs (TensorFlow
   * GraphDefs start with field 1 as a message) fail this.
   */
  private static boolean looksLikeOnnx(byte[] b, int n) {
    int i = 0;
    int fields = 0;
    while (i < n && fields < 4) {
      int tag = b[i] & 0xFF;
      if ((tag & 0x80) != 0) {
        return false;
      }
      int field = tag >>> 3;
      int wire = tag & 7;
      i++;
      if (field == 1 && wire == 0 || field == 5 && wire == 0) {
        long v = 0;
        int shift = 0;
        while (i < n && (b[i] & 0x80) != 0 && shift < 63) {
          v |= (long) (b[i] & 0x7F) << shift;
          shift += 7;
          i++;
        }
        if (i >= n) {
          return fields > 0;
        }
        v |= (long) (b[i] & 0x7F) << shift;
        i++;
        if (field == 1 && (v < 1 || v > 64)) {
          return false;
        }
      } else if (field >= 2 && field <= 4 || field == 6) {
        if (wire != 2 || i >= n) {
          return false;
        }
        int len = b[i] & 0xFF;
        if ((len & 0x80) != 0) {
          return fields > 0;
        }
        i++;
        for (int k = i; k < Math.min(n, i + len); k++) {
          if (b[k] < 0x20 && b[k] != '\n' && b[k] != '\t' && b[k] != '\r') {
            return false;
          }
        }
        i += len;
      } else if ((field == 7 || field == 8) && wire == 2) {
        return true;
      } else {
        return false;
      }
      fields++;
    }
    return fields > 0 && (b[0] & 0xFF) == 0x08;
  }

  private static int skipBlanks(byte[] b, int from, int n) {
    int i = from;
    while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }
}
