package dev.neuronfit.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads the header of a safetensors file and never its tensor data.
 *
 * <p>Format facts (from the safetensors format description, huggingface/safetensors README): the
 * file starts with an unsigned 64-bit little-endian header length N, then N bytes of UTF-8 JSON,
 * then the data buffer. The JSON maps tensor names to {@code {"dtype", "shape", "data_offsets":
 * [begin, end]}} with offsets relative to the start of the data buffer, plus an optional {@code
 * __metadata__} object of strings. We check every declared number against the file's real length
 * before trusting it: a header that claims data past the end, overlapping tensors or a size that
 * disagrees with dtype x shape is refused.
 */
final class SafetensorsHeader {
  private static final String METADATA_KEY = "__metadata__";

  private SafetensorsHeader() {}

  /**
   * Reads the tensors declared by one file.
   *
   * @param file the file to open
   * @param root the model's root folder (see {@link ModelFiles})
   * @param shown how to name it in messages
   * @param relative its name relative to the model folder, for {@link TensorInfo#file()}
   * @param namePrefix prepended to every tensor name (a pipeline component, e.g. {@code unet/})
   * @param budget how many more tensors the model may declare
   */
  static List<TensorInfo> read(
      Path file,
      Path root,
      Path shown,
      String relative,
      String namePrefix,
      ReadLimits limits,
      BoundedJson json,
      int budget)
      throws IOException {
    // a stub of neuronfit's Hub cache reads as the whole file, without its data (SparseStub)
    try (ByteSource ch = ModelFiles.source(file, root, shown)) {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw new ModelFormatException(
            shown,
            "byte 0",
            "file of " + fileSize + " bytes is too short for a safetensors header");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, shown);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen < 0 || headerLen > limits.maxSafetensorsHeaderBytes()) {
        throw new ModelFormatException(
            shown,
            "byte 0",
            "header length "
                + Long.toUnsignedString(headerLen)
                + " is over the limit of "
                + limits.maxSafetensorsHeaderBytes()
                + " bytes");
      }
      if (headerLen < 2) {
        throw new ModelFormatException(
            shown, "byte 0", "header length " + headerLen + " cannot hold a JSON object");
      }
      if (8 + headerLen > fileSize) {
        throw new ModelFormatException(
            shown,
            "byte 0",
            "header length "
                + headerLen
                + " runs past the end of the file ("
                + fileSize
                + " bytes)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8, shown);
      long dataSize = fileSize - 8 - headerLen;
      // entry by entry: a header near the size cap would take gigabytes as one JSON tree
      List<Entry> entries = new ArrayList<>();
      json.forEachField(
          header.array(),
          shown,
          "header",
          // the metadata is free text neuronfit does not use: checked to be an object, not kept
          Set.of(METADATA_KEY),
          (name, value) -> {
            if (entries.size() >= budget) {
              throw new ModelFormatException(
                  shown, "header", "declares more tensors than the limit allows");
            }
            entries.add(entry(name, value, shown, dataSize));
          });
      return tensors(entries, shown, relative, namePrefix);
    }
  }

  private static List<TensorInfo> tensors(
      List<Entry> entries, Path shown, String relative, String namePrefix)
      throws ModelFormatException {
    checkNoOverlap(entries, shown);
    List<TensorInfo> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(
          new TensorInfo(
              namePrefix + e.name, e.dtype, e.shape, e.elements, e.end - e.begin, relative));
    }
    return out;
  }

  private static Entry entry(String name, JsonNode t, Path shown, long dataSize)
      throws ModelFormatException {
    String place = "tensor \"" + name + "\"";
    if (!t.isObject()) {
      throw new ModelFormatException(
          shown, place, "expected an object, found " + BoundedJson.kind(t));
    }
    JsonNode dtypeNode = t.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new ModelFormatException(shown, place, "missing \"dtype\" string");
    }
    DType dtype =
        DType.fromSafetensorsName(dtypeNode.asText())
            .orElseThrow(
                () ->
                    new ModelFormatException(
                        shown, place, "unknown dtype \"" + dtypeNode.asText() + "\""));
    JsonNode shapeNode = t.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new ModelFormatException(shown, place, "missing \"shape\" array");
    }
    List<Long> shape = new ArrayList<>(shapeNode.size());
    long elements = 1;
    for (JsonNode d : shapeNode) {
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
        throw new ModelFormatException(
            shown, place, "shape holds " + d + ", expected non-negative integers");
      }
      shape.add(d.asLong());
      try {
        elements = Math.multiplyExact(elements, d.asLong());
      } catch (ArithmeticException overflow) {
        throw new ModelFormatException(shown, place, "shape " + shapeNode + " overflows");
      }
    }
    JsonNode offsets = t.get("data_offsets");
    if (offsets == null
        || !offsets.isArray()
        || offsets.size() != 2
        || !offsets.get(0).isIntegralNumber()
        || !offsets.get(1).isIntegralNumber()
        || !offsets.get(0).canConvertToLong()
        || !offsets.get(1).canConvertToLong()) {
      throw new ModelFormatException(shown, place, "expected \"data_offsets\": [begin, end]");
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin) {
      throw new ModelFormatException(
          shown, place, "data_offsets [" + begin + ", " + end + "] are not an increasing range");
    }
    if (end > dataSize) {
      throw new ModelFormatException(
          shown,
          place,
          "data_offsets end "
              + end
              + " is past the end of the data ("
              + dataSize
              + " bytes after the header)");
    }
    long expected;
    try {
      expected = dtype.bytesFor(elements);
    } catch (ArithmeticException overflow) {
      throw new ModelFormatException(shown, place, "size of shape " + shapeNode + " overflows");
    }
    if (end - begin != expected) {
      throw new ModelFormatException(
          shown,
          place,
          "data_offsets span "
              + (end - begin)
              + " bytes but "
              + dtype
              + " "
              + shapeNode
              + " needs "
              + expected);
    }
    return new Entry(name, dtype, List.copyOf(shape), elements, begin, end);
  }

  private static void checkNoOverlap(List<Entry> entries, Path shown) throws ModelFormatException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
    for (int i = 1; i < sorted.size(); i++) {
      Entry prev = sorted.get(i - 1);
      Entry cur = sorted.get(i);
      if (cur.begin < prev.end) {
        throw new ModelFormatException(
            shown,
            "tensor \"" + cur.name + "\"",
            "data_offsets ["
                + cur.begin
                + ", "
                + cur.end
                + "] overlap tensor \""
                + prev.name
                + "\" ["
                + prev.begin
                + ", "
                + prev.end
                + "]");
      }
    }
  }

  private static void readFully(ByteSource ch, ByteBuffer buf, long position, Path shown)
      throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new ModelFormatException(shown, "byte " + pos, "unexpected end of file");
      }
      pos += n;
    }
  }

  private record Entry(
      String name, DType dtype, List<Long> shape, long elements, long begin, long end) {}
}
