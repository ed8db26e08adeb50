package dev.neuronfit.io.hub;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Fetches by ranges the parts of a PyTorch zip checkpoint that the torch readers open: the
 * end-of-directory records (zip64 ones too), the central directory, and the local header and data
 * of every entry but the tensor storages ({@code ROOT/data/KEY}, {@code ROOT/constants/KEY}), so
 * {@code data.pkl}, {@code version}, {@code byteorder}, {@code .data/version}, {@code
 * constants.pkl} and {@code code/} are all there. The file is then written as a sparse file, read
 * by the unchanged local reader through {@link java.util.zip.ZipFile}.
 *
 * <p>Hand-written rather than commons-compress's {@code ZipFile} over a channel: that one finds the
 * end record by reading backwards and resolves each entry's local header when it opens, a request
 * per step over the network; this reads the tail in one request and only the entries it needs. The
 * layout follows PKWARE's APPNOTE.TXT (sections 4.3.7, 4.3.12, 4.3.14 to 4.3.16, 4.5.3).
 */
final class ZipRanges {
  /** The tail fetched first: the end record with the longest comment a zip may carry. */
  private static final int TAIL = 22 + 0xFFFF;

  /** Tensor storages, never fetched. */
  private static final Pattern STORAGE = Pattern.compile("[^/]+/(data|constants)/[^/]+");

  private static final int EOCD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int LOCAL = 0x04034b50;

  private ZipRanges() {}

  /** Whether the file starts like a zip archive (a local header). */
  static boolean isZip(RangeSource s) throws IOException {
    return s.size() >= 4 && le(s.bytes(0, 4)).getInt() == LOCAL;
  }

  /**
   * Fetches what the torch readers read of the zip {@code s}.
   *
   * @throws ModelFormatException when the archive's directory is malformed (reading the sparse file
   *     then fails as reading the file on disk does)
   */
  static void fetch(RangeSource s, ReadLimits limits) throws IOException {
    long size = s.size();
    int tailLen = (int) Math.min(size, TAIL);
    long tailAt = size - tailLen;
    ByteBuffer tail = le(s.bytes(tailAt, tailLen));
    int end = -1;
    for (int i = tailLen - 22; i >= 0; i--) {
      if (tail.getInt(i) == EOCD
          && i + 22 + Short.toUnsignedInt(tail.getShort(i + 20)) == tailLen) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw bad(s, "no end-of-directory record");
    }
    long entries = Short.toUnsignedInt(tail.getShort(end + 10));
    long cdSize = Integer.toUnsignedLong(tail.getInt(end + 12));
    long cdAt = Integer.toUnsignedLong(tail.getInt(end + 16));
    if (entries == 0xFFFF || cdSize == 0xFFFFFFFFL || cdAt == 0xFFFFFFFFL) {
      long locatorAt = tailAt + end - 20;
      if (locatorAt < 0) {
        throw bad(s, "zip64 values without a zip64 locator");
      }
      ByteBuffer locator = le(s.bytes(locatorAt, 20));
      if (locator.getInt(0) != ZIP64_LOCATOR) {
        throw bad(s, "zip64 values without a zip64 locator");
      }
      long recordAt = locator.getLong(8);
      if (recordAt < 0 || recordAt > size - 56) {
        throw bad(s, "the zip64 record is past the end");
      }
      ByteBuffer record = le(s.bytes(recordAt, 56));
      if (record.getInt(0) != ZIP64_EOCD) {
        throw bad(s, "no zip64 end-of-directory record where the locator points");
      }
      entries = record.getLong(32);
      cdSize = record.getLong(40);
      cdAt = record.getLong(48);
    }
    if (entries < 0 || entries > limits.maxZipEntries()) {
      throw bad(s, entries + " entries, over the limit of " + limits.maxZipEntries());
    }
    // an entry takes at least 46 bytes of directory and, with a name, 1 more
    if (cdSize < 0
        || cdAt < 0
        || cdAt > size
        || cdSize > size - cdAt
        || cdSize > Math.min(1024L * entries, Integer.MAX_VALUE - 8)) {
      throw bad(s, "the directory's extent does not fit the file");
    }
    ByteBuffer cd = le(s.bytes(cdAt, (int) cdSize));
    int p = 0;
    for (long n = 0; n < entries; n++) {
      if (p + 46 > cdSize || cd.getInt(p) != CENTRAL) {
        throw bad(s, "directory entry " + n + " is malformed");
      }
      long comp = Integer.toUnsignedLong(cd.getInt(p + 20));
      long uncomp = Integer.toUnsignedLong(cd.getInt(p + 24));
      int nameLen = Short.toUnsignedInt(cd.getShort(p + 28));
      int extraLen = Short.toUnsignedInt(cd.getShort(p + 30));
      int commentLen = Short.toUnsignedInt(cd.getShort(p + 32));
      long local = Integer.toUnsignedLong(cd.getInt(p + 42));
      int next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cdSize) {
        throw bad(s, "directory entry " + n + " runs past the directory");
      }
      byte[] nameBytes = new byte[nameLen];
      cd.get(p + 46, nameBytes);
      String name = new String(nameBytes, StandardCharsets.UTF_8);
      // the zip64 extra field holds, in order, those of the three values that are 0xFFFFFFFF
      int x = p + 46 + nameLen;
      int xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        int tag = Short.toUnsignedInt(cd.getShort(x));
        int len = Short.toUnsignedInt(cd.getShort(x + 2));
        if (x + 4 + len > xEnd) {
          break;
        }
        if (tag == 1) {
          int f = x + 4;
          if (uncomp == 0xFFFFFFFFL && f + 8 <= x + 4 + len) {
            f += 8;
          }
          if (comp == 0xFFFFFFFFL && f + 8 <= x + 4 + len) {
            comp = cd.getLong(f);
            f += 8;
          }
          if (local == 0xFFFFFFFFL && f + 8 <= x + 4 + len) {
            local = cd.getLong(f);
          }
        }
        x += 4 + len;
      }
      p = next;
      if (STORAGE.matcher(name).matches() || name.endsWith("/")) {
        continue;
      }
      entry(s, name, local, comp, limits);
    }
  }

  /** Fetches one entry's local header and data. */
  private static void entry(RangeSource s, String name, long local, long comp, ReadLimits limits)
      throws IOException {
    long size = s.size();
    if (local < 0 || local > size - 30) {
      throw bad(s, "entry " + name + " starts past the end");
    }
    ByteBuffer h = le(s.bytes(local, 30));
    if (h.getInt(0) != LOCAL) {
      throw bad(s, "entry " + name + " has no local header");
    }
    long dataAt =
        local + 30 + Short.toUnsignedInt(h.getShort(26)) + Short.toUnsignedInt(h.getShort(28));
    if (comp < 0
        || comp > Math.min(limits.maxZipEntryBytes(), Integer.MAX_VALUE - 8L - 2 * 0xFFFF)
        || dataAt > size
        || comp > size - dataAt) {
      throw bad(s, "entry " + name + " does not fit the file or the limits");
    }
    s.bytes(local + 30, (int) (dataAt - local - 30 + comp));
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ModelFormatException bad(RangeSource s, String problem) {
    return new ModelFormatException(s.shown(), "zip directory", problem);
  }
}
