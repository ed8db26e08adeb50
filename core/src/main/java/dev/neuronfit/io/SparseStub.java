package dev.neuronfit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A file of which only some byte ranges are on disk, as fetched from the Hub: the stub {@code NAME}
 * holds the ranges one after the other, and a hidden side file {@code .NAME.size} the whole file's
 * length on its first line, then one line {@code OFFSET LENGTH} per range, in order. A side file of
 * the length alone stands for one range from byte 0, the stub's whole content (a safetensors
 * header). The first range always starts at byte 0, so the stub starts like the file and is
 * recognised by its content as the file would be.
 *
 * <p>A stub is honoured only in neuronfit's own cache (see {@link ModelFiles#readingSparseCopy}):
 * in any other folder a side file is an ordinary file, and the stub is read as what it is.
 */
public final class SparseStub {
  /** A byte range of the file, present in the stub. */
  public record Range(long offset, long length) {
    public Range {
      if (offset < 0 || length <= 0) {
        throw new IllegalArgumentException("bad range " + offset + "+" + length);
      }
    }

    long end() {
      return offset + length;
    }
  }

  /** Most ranges one stub may hold; a side file with more is refused. */
  static final int MAX_RANGES = 100_000;

  /** Largest side file read. */
  static final long MAX_SIDE_FILE_BYTES = 40L * MAX_RANGES;

  private SparseStub() {}

  /**
   * Writes the stub {@code file} standing for a file of {@code size} bytes of which {@code ranges}
   * (in order, not overlapping, the first from byte 0) are known; {@code data} holds them one after
   * the other.
   */
  public static void write(Path file, long size, List<Range> ranges, byte[] data)
      throws IOException {
    long prev = 0;
    long total = 0;
    for (Range r : ranges) {
      if (r.offset() < prev || r.end() > size) {
        throw new IllegalArgumentException("ranges out of order or past the end");
      }
      prev = r.end();
      total += r.length();
    }
    if (total != data.length || (!ranges.isEmpty() && ranges.get(0).offset() != 0)) {
      throw new IllegalArgumentException("data does not match the ranges");
    }
    StringBuilder side = new StringBuilder().append(size).append('\n');
    for (Range r : ranges) {
      side.append(r.offset()).append(' ').append(r.length()).append('\n');
    }
    Files.write(file, data);
    Files.writeString(sideFile(file), side, StandardCharsets.US_ASCII);
  }

  /** Writes a stub of the first {@code prefix.length} bytes of a file of {@code size}. */
  public static void writePrefix(Path file, byte[] prefix, long size) throws IOException {
    if (size < prefix.length) {
      throw new IllegalArgumentException("a stub cannot be longer than its file");
    }
    write(
        file, size, prefix.length == 0 ? List.of() : List.of(new Range(0, prefix.length)), prefix);
  }

  /** Moves a stub and its side file to {@code to} (a folder of the same cache being built). */
  public static void move(Path from, Path to) throws IOException {
    Files.move(from, to);
    Files.move(sideFile(from), sideFile(to));
  }

  static Path sideFile(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".size");
  }

  /**
   * The layout a side file describes for a stub of {@code stubLength} bytes; empty when the side
   * file is not well formed or does not match the stub.
   */
  static Optional<Layout> layout(String sideText, long stubLength) {
    List<String> lines = sideText.lines().toList();
    if (lines.isEmpty()
        || lines.size() > MAX_RANGES + 1
        || !lines.get(0).strip().matches("\\d{1,18}")) {
      return Optional.empty();
    }
    long size = Long.parseLong(lines.get(0).strip());
    List<Range> ranges = new ArrayList<>();
    long prev = 0;
    long total = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.strip().split(" ");
      if (f.length != 2 || !f[0].matches("\\d{1,18}") || !f[1].matches("\\d{1,18}")) {
        return Optional.empty();
      }
      Range r = new Range(Long.parseLong(f[0]), Math.max(1, Long.parseLong(f[1])));
      if (r.offset() < prev || r.end() > size) {
        return Optional.empty();
      }
      ranges.add(r);
      prev = r.end();
      total += r.length();
    }
    if (lines.size() == 1) {
      if (stubLength > size) {
        return Optional.empty();
      }
      if (stubLength > 0) {
        ranges.add(new Range(0, stubLength));
      }
      total = stubLength;
    }
    return total == stubLength
        ? Optional.of(new Layout(size, List.copyOf(ranges)))
        : Optional.empty();
  }

  /** What a side file says: the whole file's length and the ranges the stub holds. */
  record Layout(long size, List<Range> ranges) {}

  /** The stub as the source of the file it stands for. */
  static ByteSource open(FileChannel stub, Layout layout, Path shown) {
    return new ByteSource() {
      @Override
      public long size() {
        return layout.size();
      }

      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        if (position >= layout.size()) {
          return -1;
        }
        if (!dst.hasRemaining()) {
          return 0;
        }
        long stubAt = 0;
        for (Range r : layout.ranges()) {
          if (position >= r.offset() && position < r.end()) {
            int n = (int) Math.min(dst.remaining(), r.end() - position);
            ByteBuffer slice = dst.duplicate();
            slice.limit(slice.position() + n);
            long from = stubAt + (position - r.offset());
            int got = 0;
            while (slice.hasRemaining()) {
              int k = stub.read(slice, from + got);
              if (k < 0) {
                throw new ModelFormatException(
                    shown, "byte " + (position + got), "the cached copy of this file is cut short");
              }
              got += k;
            }
            dst.position(dst.position() + n);
            return n;
          }
          stubAt += r.length();
        }
        throw new ModelFormatException(
            shown,
            "byte " + position,
            "not in neuronfit's cached copy of this file (only the parts read are kept); delete"
                + " the cache folder to fetch it again");
      }

      @Override
      public Path shown() {
        return shown;
      }

      @Override
      public void close() throws IOException {
        stub.close();
      }
    };
  }
}
