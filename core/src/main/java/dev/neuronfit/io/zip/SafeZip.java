package dev.neuronfit.io.zip;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A zip archive opened for reading metadata entries only, with the defences hostile archives call
 * for: a bounded entry count, entry names that cannot climb out of the archive, entries read whole
 * only under a size cap, and a compression-ratio check while inflating (zip bombs). Entries such as
 * stored tensor data are never read: callers use their names and declared sizes.
 *
 * <p>The central directory is read by {@link ZipFile}, the JDK's maintained zip reader; this class
 * adds the limits and turns every failure into a {@link ModelFormatException}.
 */
public final class SafeZip implements Closeable {
  private final ZipFile zip;
  private final Path shown;
  private final ReadLimits limits;
  private final Map<String, ZipEntry> entries;

  private SafeZip(ZipFile zip, Path shown, ReadLimits limits, Map<String, ZipEntry> entries) {
    this.zip = zip;
    this.shown = shown;
    this.limits = limits;
    this.entries = entries;
  }

  /**
   * Opens an archive and checks its directory.
   *
   * @throws ModelFormatException when it is not a readable zip, lists too many entries, or an entry
   *     name is absolute or climbs out with {@code ..}
   */
  public static SafeZip open(Path file, ReadLimits limits) throws IOException {
    ZipFile zip;
    try {
      zip = ModelFiles.zip(file, file, file);
    } catch (ZipException | EOFException e) {
      // ZipFile throws EOFException when the end-of-directory record points past the file's end
      throw new ModelFormatException(
          file,
          "zip directory",
          "not a readable zip archive: "
              + (e.getMessage() == null ? "it ends inside its directory" : e.getMessage()));
    }
    try {
      if (zip.size() > limits.maxZipEntries()) {
        throw new ModelFormatException(
            file,
            "zip directory",
            zip.size() + " entries, over the limit of " + limits.maxZipEntries());
      }
      Map<String, ZipEntry> byName = new LinkedHashMap<>();
      Enumeration<? extends ZipEntry> all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        checkName(file, e.getName());
        if (byName.putIfAbsent(e.getName(), e) != null) {
          throw new ModelFormatException(file, "zip entry " + e.getName(), "listed twice");
        }
      }
      return new SafeZip(zip, file, limits, byName);
    } catch (IOException | RuntimeException e) {
      zip.close();
      if (e instanceof ModelFormatException m) {
        throw m;
      }
      throw new ModelFormatException(
          file, "zip directory", "not a readable zip archive: " + e.getMessage(), e);
    }
  }

  private static void checkName(Path file, String name) throws ModelFormatException {
    String n = name.replace('\\', '/');
    boolean climbs =
        n.equals("..") || n.startsWith("../") || n.contains("/../") || n.endsWith("/..");
    if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || climbs || n.indexOf('\0') >= 0) {
      throw new ModelFormatException(
          file, "zip entry " + name, "entry name is absolute or climbs out of the archive");
    }
  }

  /** The archive as named in messages. */
  public Path file() {
    return shown;
  }

  /** Entry names in directory order. */
  public List<String> names() {
    return new ArrayList<>(entries.keySet());
  }

  /**
   * The entry whose name equals {@code name} when ASCII letters are compared without regard to
   * case, as PyTorch's zip reader (miniz, {@code mz_zip_reader_locate_file} without {@code
   * MZ_ZIP_FLAG_CASE_SENSITIVE}) looks records up; the exact name when there is one.
   */
  public Optional<String> findIgnoringAsciiCase(String name) {
    if (entries.containsKey(name)) {
      return Optional.of(name);
    }
    String folded = foldAscii(name);
    return entries.keySet().stream().filter(n -> foldAscii(n).equals(folded)).findFirst();
  }

  /** The name with ASCII capitals made small, as miniz's MZ_TOLOWER does; other letters stay. */
  public static String foldAscii(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return b.toString();
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  /** The uncompressed size the directory declares for an entry, or empty when unknown. */
  public Optional<Long> declaredSize(String name) {
    ZipEntry e = entries.get(name);
    return e == null || e.getSize() < 0 ? Optional.empty() : Optional.of(e.getSize());
  }

  /**
   * Reads one entry whole.
   *
   * @param maxBytes largest size accepted (also capped by {@link ReadLimits#maxZipEntryBytes})
   * @throws ModelFormatException when the entry is missing, declares or inflates to more than the
   *     cap, inflates past the compression-ratio limit, or is corrupt
   */
  public byte[] read(String name, long maxBytes) throws IOException {
    long cap = Math.min(maxBytes, limits.maxZipEntryBytes());
    ZipEntry e = entry(name, cap);
    String place = "zip entry " + name;
    long compressed = Math.max(e.getCompressedSize(), 1);
    long ratioCap = compressed * limits.maxCompressionRatio();
    try (InputStream in = zip.getInputStream(e)) {
      byte[] out = in.readNBytes((int) Math.min(cap, ratioCap) + 1);
      if (out.length > cap) {
        throw new ModelFormatException(
            shown, place, "inflates to more than the limit of " + cap + " bytes");
      }
      if (e.getMethod() == ZipEntry.DEFLATED && out.length > ratioCap) {
        throw zipBomb(place, compressed);
      }
      checkDeclaredSize(e, place, out.length);
      return out;
    } catch (ModelFormatException ex) {
      throw ex;
    } catch (IOException ex) {
      // ZipException, or an EOFException when a local header lies past the end of the file
      throw new ModelFormatException(shown, place, "corrupt: " + ex, ex);
    }
  }

  /**
   * Streams one entry to {@code out}, with the checks of {@link #read} except the per-entry size
   * cap, which is {@code maxBytes} alone here (an unpacked model folder holds weight files larger
   * than any metadata entry). Used to unpack an uploaded model folder.
   *
   * @return the bytes written
   * @throws ModelFormatException when the entry is missing, declares or inflates to more than
   *     {@code maxBytes}, inflates past the compression-ratio limit, or is corrupt
   */
  public long copy(String name, java.io.OutputStream out, long maxBytes) throws IOException {
    ZipEntry e = entry(name, maxBytes);
    String place = "zip entry " + name;
    long compressed = Math.max(e.getCompressedSize(), 1);
    long ratioCap =
        e.getMethod() == ZipEntry.DEFLATED
            ? compressed * limits.maxCompressionRatio()
            : Long.MAX_VALUE;
    long written = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = zip.getInputStream(e)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        written += n;
        if (written > maxBytes) {
          throw new ModelFormatException(
              shown, place, "inflates to more than the limit of " + maxBytes + " bytes");
        }
        if (written > ratioCap) {
          throw zipBomb(place, compressed);
        }
        out.write(buf, 0, n);
      }
    } catch (ModelFormatException ex) {
      throw ex;
    } catch (java.util.zip.ZipException | EOFException ex) {
      throw new ModelFormatException(shown, place, "corrupt: " + ex, ex);
    }
    checkDeclaredSize(e, place, written);
    return written;
  }

  /** The entry {@code name}, which must exist and declare no more than {@code cap} bytes. */
  private ZipEntry entry(String name, long cap) throws ModelFormatException {
    ZipEntry e = entries.get(name);
    if (e == null) {
      throw new ModelFormatException(shown, "zip entry " + name, "missing");
    }
    if (e.getSize() > cap) {
      throw new ModelFormatException(
          shown,
          "zip entry " + name,
          "declares " + e.getSize() + " bytes, over the limit of " + cap);
    }
    return e;
  }

  private ModelFormatException zipBomb(String place, long compressed) {
    return new ModelFormatException(
        shown,
        place,
        "inflates more than "
            + limits.maxCompressionRatio()
            + " times its compressed size ("
            + compressed
            + " bytes): a zip bomb?");
  }

  /** Refuses an entry that inflated to another size than the directory declares, if it does. */
  private void checkDeclaredSize(ZipEntry e, String place, long inflated)
      throws ModelFormatException {
    if (e.getSize() >= 0 && inflated != e.getSize()) {
      throw new ModelFormatException(
          shown, place, "holds " + inflated + " bytes but the directory declares " + e.getSize());
    }
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
