package dev.neuronfit.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes real safetensors files for tests: header length, JSON header, then the data buffer with
 * each tensor's bytes at the offsets the header declares (filled with a repeating pattern).
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Tensor(String name, String dtype, long[] shape, int bytesPerElement) {}

  private final List<Tensor> tensors = new ArrayList<>();

  public SafetensorsWriter add(String name, String dtype, long... shape) {
    int size =
        switch (dtype) {
          case "F64", "I64", "U64" -> 8;
          case "F32", "I32", "U32" -> 4;
          case "F16", "BF16", "I16", "U16" -> 2;
          default -> 1;
        };
    tensors.add(new Tensor(name, dtype, shape, size));
    return this;
  }

  /** Writes the file and returns the total number of elements written. */
  public long write(Path file) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    long elements = 0;
    for (Tensor t : tensors) {
      long n = 1;
      for (long d : t.shape) {
        n *= d;
      }
      elements += n;
      ObjectNode o = header.putObject(t.name);
      o.put("dtype", t.dtype);
      ArrayNode shape = o.putArray("shape");
      for (long d : t.shape) {
        shape.add(d);
      }
      long bytes = n * t.bytesPerElement;
      o.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    writeRaw(file, json, offset);
    return elements;
  }

  /** Writes a file with the given header bytes and {@code dataBytes} bytes of data after it. */
  public static void writeRaw(Path file, byte[] header, long dataBytes) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
      out.write(header);
      byte[] chunk = new byte[8192];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (byte) (i * 31);
      }
      long left = dataBytes;
      while (left > 0) {
        int n = (int) Math.min(left, chunk.length);
        out.write(chunk, 0, n);
        left -= n;
      }
    }
  }
}
