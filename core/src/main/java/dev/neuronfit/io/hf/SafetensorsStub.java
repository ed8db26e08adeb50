package dev.neuronfit.io.hf;

import dev.neuronfit.io.ModelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A safetensors file of which only the beginning is on disk (its length field and header, as
 * fetched from the Hub), with the whole file's length in a hidden side file {@code .NAME.size}.
 * {@link SafetensorsHeader} checks tensor offsets against that length instead of the stub's own, so
 * a stub reads exactly like the whole file without its data.
 */
public final class SafetensorsStub {
  private static final int MAX_SIZE_FILE_BYTES = 32;

  private SafetensorsStub() {}

  /** Writes the stub {@code file} holding {@code prefix}, standing for a file of {@code size}. */
  public static void write(Path file, byte[] prefix, long size) throws IOException {
    if (size < prefix.length) {
      throw new IllegalArgumentException("a stub cannot be longer than its file");
    }
    Files.write(file, prefix);
    Files.writeString(sizeFile(file), Long.toString(size), StandardCharsets.US_ASCII);
  }

  /**
   * The declared length of a stub; empty for an ordinary file (no side file, or one that does not
   * hold a length at least the file's own).
   */
  static OptionalLong declaredSize(Path file, Path root, long actual) throws IOException {
    Path side = sizeFile(file);
    if (!ModelFiles.isAllowedFile(side, root)
        || ModelFiles.size(side, root, side) > MAX_SIZE_FILE_BYTES) {
      return OptionalLong.empty();
    }
    String text =
        new String(
                ModelFiles.readAll(side, root, side, MAX_SIZE_FILE_BYTES),
                StandardCharsets.US_ASCII)
            .strip();
    if (!text.matches("\\d{1,18}")) {
      return OptionalLong.empty();
    }
    long size = Long.parseLong(text);
    return size >= actual ? OptionalLong.of(size) : OptionalLong.empty();
  }

  private static Path sizeFile(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".size");
  }
}
