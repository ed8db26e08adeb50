package dev.neuronfit.io.gguf;

import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.LeInput;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header, metadata and tensor infos of a GGUF file, read as ggml's public specification
 * (docs/gguf.md in the ggml repository) lays them out, little-endian: magic {@code GGUF}, version
 * (2 or 3; version 1 used 32-bit counts and is refused), tensor count and metadata count (uint64),
 * then the metadata key/value pairs (key as a uint64-length string, value type as uint32, value),
 * then one tensor info per tensor (name, dimension count as uint32, dimensions as uint64, ggml type
 * as uint32, data offset as uint64). Tensor data, which follows aligned to {@code
 * general.alignment} (32 by default), is never read; its declared extent is checked against the
 * file's size.
 *
 * <p>Hand-written: no maintained Java library reads GGUF. Every count and length is checked against
 * the bytes left and {@link ReadLimits} before anything is allocated or looped over.
 *
 * @param version the GGUF version
 * @param metadata the kept values by key, in file order: {@code Long}, {@code Double}, {@code
 *     Boolean}, {@code String}, or {@link ArrayValue} (arrays are skipped, only their type and
 *     length kept); strings over {@link #MAX_KEPT_STRING} characters are not kept
 * @param tensors the tensor infos, with sizes from the ggml type table
 */
record GgufFile(long version, Map<String, Object> metadata, List<TensorInfo> tensors) {
  /** Longest metadata string kept (names, URLs); chat templates and the like are skipped. */
  static final int MAX_KEPT_STRING = 1024;

  /** ggml's GGML_MAX_DIMS: a tensor has at most four dimensions. */
  private static final int MAX_DIMS = 4;

  private static final int DEFAULT_ALIGNMENT = 32;

  /** An array value, skipped: its element type and length. */
  record ArrayValue(String elementType, long length) {}

  static GgufFile read(Path file, Path shown, String name, ReadLimits limits) throws IOException {
    // a GGUF file named directly is its own root; a folder's GGUF files are read by their own path
    try (SeekableByteChannel ch = ModelFiles.source(file, file, shown).asChannel()) {
      return read(new LeInput(ch, shown), shown, name, limits);
    }
  }

  /** Reads the header of a GGUF file from a source (a file on the Hub read by ranges, say). */
  static GgufFile read(ByteSource source, String name, ReadLimits limits) throws IOException {
    try (SeekableByteChannel ch = source.asChannel()) {
      return read(new LeInput(ch, source.shown()), source.shown(), name, limits);
    }
  }

  private static GgufFile read(LeInput in, Path shown, String name, ReadLimits limits)
      throws IOException {
    long magic = in.u32("the magic");
    if (magic != 0x46554747L) {
      throw new ModelFormatException(shown, "byte 0", "expected the magic GGUF");
    }
    long version = in.u32("the version");
    if (version != 2 && version != 3) {
      throw new ModelFormatException(
          shown,
          "byte 4",
          "GGUF version "
              + version
              + (version == 1 ? " (2023 files with 32-bit counts; convert again)" : "")
              + "; this reader reads versions 2 and 3");
    }
    long tensorCount = in.u64("the tensor count");
    long kvCount = in.u64("the metadata count");
    if (tensorCount > limits.maxTensors()) {
      throw new ModelFormatException(
          shown,
          "byte 8",
          "declares " + tensorCount + " tensors, over the limit " + limits.maxTensors());
    }
    if (tensorCount > in.remaining() / 24) {
      throw new ModelFormatException(
          shown, "byte 8", "declares " + tensorCount + " tensors, more than the file can hold");
    }
    // a key/value pair takes at least 8 (key length) + 4 (type) + 1 bytes
    if (kvCount > in.remaining() / 13) {
      throw new ModelFormatException(
          shown,
          "byte 16",
          "declares " + kvCount + " metadata entries, more than the file can hold");
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    Set<String> keys = new HashSet<>();
    for (long i = 0; i < kvCount; i++) {
      long at = in.offset();
      String key = string(in, shown, limits, "metadata key " + i, ReadLimits.MAX_HEADER_STRING);
      if (!keys.add(key)) {
        throw new ModelFormatException(
            shown, "byte " + at, "metadata key " + key + " appears twice");
      }
      long type = in.u32("the type of " + key);
      Object value = value(in, shown, limits, key, type, 0);
      if (value != null && metadata.size() < ReadLimits.MAX_METADATA_ENTRIES) {
        metadata.put(key, value);
      }
    }
    long alignment = DEFAULT_ALIGNMENT;
    if (metadata.get("general.alignment") instanceof Long a) {
      if (a <= 0 || a > 1 << 20 || a % 8 != 0) {
        throw new ModelFormatException(
            shown, "key general.alignment", "expected a positive multiple of 8, found " + a);
      }
      alignment = a;
    }
    List<TensorInfo> tensors = new ArrayList<>();
    List<long[]> extents = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (long i = 0; i < tensorCount; i++) {
      long at = in.offset();
      String tensor = string(in, shown, limits, "tensor name " + i, ReadLimits.MAX_HEADER_STRING);
      if (!names.add(tensor)) {
        throw new ModelFormatException(shown, "byte " + at, "tensor " + tensor + " appears twice");
      }
      long dims = in.u32("the dimension count of " + tensor);
      if (dims > MAX_DIMS) {
        throw new ModelFormatException(
            shown, "tensor " + tensor, dims + " dimensions; ggml tensors have at most " + MAX_DIMS);
      }
      // GGUF lists dimensions fastest-varying first (ne[0] is the row length); shapes are kept
      // in that order, as llama.cpp prints them
      List<Long> shape = new ArrayList<>();
      long elements = 1;
      for (int d = 0; d < dims; d++) {
        long n = in.u64("dimension " + d + " of " + tensor);
        shape.add(n);
        elements = multiply(elements, n, shown, tensor);
      }
      long typeId = in.u32("the type of " + tensor);
      GgmlType type =
          GgmlType.of(typeId)
              .orElseThrow(
                  () ->
                      new ModelFormatException(
                          shown, "tensor " + tensor, "unknown ggml type " + typeId));
      if (!shape.isEmpty() && shape.get(0) % type.blockSize() != 0) {
        throw new ModelFormatException(
            shown,
            "tensor " + tensor,
            "row length "
                + shape.get(0)
                + " is not a multiple of the "
                + type
                + " block of "
                + type.blockSize());
      }
      long offset = in.u64("the data offset of " + tensor);
      if (offset % alignment != 0) {
        throw new ModelFormatException(
            shown, "tensor " + tensor, "data offset " + offset + " is not aligned to " + alignment);
      }
      long bytes;
      try {
        bytes = type.bytesFor(elements);
      } catch (ArithmeticException e) {
        throw new ModelFormatException(
            shown, "tensor " + tensor, elements + " " + type + " elements overflow a byte count");
      }
      tensors.add(new TensorInfo(tensor, type.dtype(), shape, elements, bytes, name));
      extents.add(new long[] {offset, bytes});
    }
    long dataStart = (in.offset() + alignment - 1) / alignment * alignment;
    for (int i = 0; i < tensors.size(); i++) {
      long end;
      try {
        end = Math.addExact(Math.addExact(dataStart, extents.get(i)[0]), extents.get(i)[1]);
      } catch (ArithmeticException e) {
        end = Long.MAX_VALUE;
      }
      if (end > in.size()) {
        throw new ModelFormatException(
            shown,
            "tensor " + tensors.get(i).name(),
            "data ends at byte "
                + end
                + ", past the end of the file ("
                + in.size()
                + " bytes): truncated");
      }
    }
    return new GgufFile(version, metadata, tensors);
  }

  private static long multiply(long a, long b, Path shown, String tensor)
      throws ModelFormatException {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(shown, "tensor " + tensor, "element count overflows");
    }
  }

  /** A string of at most {@code max} bytes, read. */
  private static String string(LeInput in, Path shown, ReadLimits limits, String what, int max)
      throws IOException {
    long at = in.offset();
    long len = in.u64("the length of " + what);
    if (len > max || len > in.remaining()) {
      throw new ModelFormatException(
          shown, "byte " + at, what + " is " + len + " bytes long, over the limit " + max);
    }
    return in.utf8((int) len, what);
  }

  /**
   * One value of the given type: kept (or null when not kept, as skipped arrays' elements and long
   * strings are not).
   */
  private static Object value(
      LeInput in, Path shown, ReadLimits limits, String key, long type, int depth)
      throws IOException {
    return switch ((int) Math.min(type, 100)) {
      case 0 -> (long) in.u8(key);
      case 1 -> (long) (byte) in.u8(key);
      case 2 -> (long) in.u16(key);
      case 3 -> (long) (short) in.u16(key);
      case 4 -> in.u32(key);
      case 5 -> (long) (int) in.u32(key);
      case 6 -> (double) Float.intBitsToFloat((int) in.u32(key));
      case 7 -> {
        int b = in.u8(key);
        if (b > 1) {
          throw new ModelFormatException(shown, "key " + key, "a bool must be 0 or 1, found " + b);
        }
        yield b == 1;
      }
      case 8 -> {
        long at = in.offset();
        long len = in.u64("the length of " + key);
        if (len > in.remaining() || len > limits.maxJsonStringChars()) {
          throw new ModelFormatException(
              shown,
              "byte " + at,
              "string of " + key + " is " + len + " bytes long, over the limit");
        }
        if (len > MAX_KEPT_STRING) {
          in.skip(len, key);
          yield null;
        }
        yield in.utf8((int) len, key);
      }
      case 9 -> array(in, shown, limits, key, depth);
      case 10 -> in.u64(key);
      case 11 -> in.i64(key);
      case 12 -> Double.longBitsToDouble(in.i64(key));
      default ->
          throw new ModelFormatException(
              shown, "key " + key, "unknown metadata value type " + type);
    };
  }

  private static ArrayValue array(LeInput in, Path shown, ReadLimits limits, String key, int depth)
      throws IOException {
    if (depth >= limits.maxJsonDepth()) {
      throw new ModelFormatException(
          shown, "key " + key, "arrays nested deeper than " + limits.maxJsonDepth());
    }
    long elementType = in.u32("the element type of " + key);
    long at = in.offset();
    long length = in.u64("the length of " + key);
    int fixed = fixedSize(elementType);
    long least =
        fixed > 0 ? fixed : elementType == 8 ? 8 : 12; // string: length; array: type+length
    if (length > in.remaining() / least) {
      throw new ModelFormatException(
          shown,
          "byte " + at,
          key + " declares " + length + " elements, more than the file can hold");
    }
    if (fixed > 0) {
      in.skip(length * fixed, key);
    } else {
      for (long i = 0; i < length; i++) {
        if (elementType == 8) {
          long len = in.u64("the length of " + key + "[" + i + "]");
          in.skip(len, key + "[" + i + "]");
        } else {
          value(in, shown, limits, key + "[" + i + "]", elementType, depth + 1);
        }
      }
    }
    return new ArrayValue(typeName(elementType), length);
  }

  /** Bytes of one value of a fixed-size type; 0 for strings and arrays, -1 for unknown types. */
  private static int fixedSize(long type) {
    return switch ((int) Math.min(type, 100)) {
      case 0, 1, 7 -> 1;
      case 2, 3 -> 2;
      case 4, 5, 6 -> 4;
      case 10, 11, 12 -> 8;
      case 8, 9 -> 0;
      default -> -1;
    };
  }

  private static String typeName(long type) {
    return switch ((int) Math.min(type, 100)) {
      case 0 -> "uint8";
      case 1 -> "int8";
      case 2 -> "uint16";
      case 3 -> "int16";
      case 4 -> "uint32";
      case 5 -> "int32";
      case 6 -> "float32";
      case 7 -> "bool";
      case 8 -> "string";
      case 9 -> "array";
      case 10 -> "uint64";
      case 11 -> "int64";
      case 12 -> "float64";
      default -> "type " + type;
    };
  }
}
