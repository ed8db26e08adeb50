package dev.neuronfit.cli.serve;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hub.HubReader;
import dev.neuronfit.io.zip.SafeZip;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One uploaded model in a private folder of its own (owner-only permissions) under the server's
 * temporary root: the file as received, and for an archive of a model folder ({@code .zip}, {@code
 * .tar}, {@code .tar.gz}, {@code .tgz}) the folder unpacked beside it. Any other file is checked as
 * one model file (a {@code .pt} or {@code .keras} is a zip as well, and is read as such). {@link
 * #close()} deletes the folder; it may be called more than once.
 *
 * <p>A zip is unpacked through {@link SafeZip} (entry count, names that cannot climb out, the
 * compression-ratio check); a tar through commons-compress with the same name and count rules, and
 * only its regular files (links are skipped). Both stop when the unpacked bytes pass the upload
 * limit.
 */
final class Upload implements Closeable {
  /** Longest file name kept from the client. */
  static final int MAX_NAME_CHARS = 100;

  private final Path dir;
  private final String name;
  private final Path file;
  private final String sha256;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Upload(Path dir, String name, Path file, String sha256) {
    this.dir = dir;
    this.name = name;
    this.file = file;
    this.sha256 = sha256;
  }

  /**
   * Streams an upload to a new private folder under {@code root}, hashing it on the way.
   *
   * @throws TooLarge when the upload passes {@code maxBytes} (what was written is deleted)
   */
  static Upload receive(InputStream in, String clientName, Path root, long maxBytes)
      throws IOException, TooLarge {
    Path dir = privateFolder(root);
    String name = safeName(clientName);
    Path file = dir.resolve("in").resolve(name);
    try {
      Files.createDirectory(file.getParent());
      MessageDigest sha = newDigest();
      long total = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream digest = new DigestInputStream(in, sha);
          OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
        for (int n; (n = digest.read(buf)) > 0; ) {
          total += n;
          if (total > maxBytes) {
            throw new TooLarge(maxBytes);
          }
          out.write(buf, 0, n);
        }
      }
      return new Upload(dir, name, file, HexFormat.of().formatHex(sha.digest()));
    } catch (IOException | TooLarge | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The upload passed the size limit. */
  static final class TooLarge extends Exception {
    TooLarge(long max) {
      super("the upload is larger than the limit of " + max + " bytes");
    }
  }

  /** The file name as the client gave it, reduced to a plain name of safe characters. */
  static String safeName(String clientName) {
    String n = clientName == null ? "" : clientName;
    n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
    n = n.replaceAll("[^A-Za-z0-9._-]", "_");
    if (n.length() > MAX_NAME_CHARS) {
      n = n.substring(n.length() - MAX_NAME_CHARS);
    }
    return n.isEmpty() || n.chars().allMatch(c -> c == '.') ? "model" : n;
  }

  String name() {
    return name;
  }

  /** The content hash, for the result cache. */
  String sha256() {
    return sha256;
  }

  /** Whether the upload is unpacked as a model folder, from its name. */
  boolean isFolderArchive() {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".zip") || n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz");
  }

  /**
   * The models of the upload, named by the upload's name (never by the server's folders).
   *
   * @param maxUnpacked the most an archive may unpack to
   */
  List<ModelLocator.Located> locate(ReadLimits limits, long maxUnpacked) throws IOException {
    Path root = file.getParent();
    if (isFolderArchive()) {
      root = dir.resolve("unpacked");
      Files.createDirectory(root);
      String n = name.toLowerCase(Locale.ROOT);
      if (n.endsWith(".zip")) {
        unzip(root, limits, maxUnpacked);
      } else {
        untar(root, limits, maxUnpacked, !n.endsWith(".tar"));
      }
    }
    List<ModelLocator.Located> out = new ArrayList<>();
    for (ModelLocator.Located m :
        new ModelLocator(limits).locate(isFolderArchive() ? root : file)) {
      Path rel = root.relativize(m.path());
      String shown = rel.toString().isEmpty() ? name : name + "/" + rel;
      Path base = isFolderArchive() ? root : file;
      out.add(
          new ModelLocator.Located(
              m.path(), new HubReader(m.reader(), base, false, name, List.of()), shown));
    }
    return out;
  }

  /** A message with this upload's server-side folders replaced by the upload's name. */
  String scrub(String message) {
    return message
        .replace(dir.resolve("unpacked").toString(), name)
        .replace(file.toString(), name)
        .replace(dir.toString(), name);
  }

  private void unzip(Path root, ReadLimits limits, long maxUnpacked) throws IOException {
    long total = 0;
    try (SafeZip zip = SafeZip.open(file, limits)) {
      for (String entry : zip.names()) {
        Path target = inside(root, entry);
        if (entry.endsWith("/")) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
          total += zip.copy(entry, out, maxUnpacked - total);
        }
      }
    }
  }

  private void untar(Path root, ReadLimits limits, long maxUnpacked, boolean gzip)
      throws IOException {
    long total = 0;
    int entries = 0;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in = gzip ? new GzipCompressorInputStream(raw) : raw;
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (++entries > limits.maxZipEntries()) {
          throw new ModelFormatException(
              Path.of(name), "tar", "more than " + limits.maxZipEntries() + " entries");
        }
        Path target = inside(root, e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = tar.read(buf)) > 0; ) {
              total += n;
              if (total > maxUnpacked) {
                throw new ModelFormatException(
                    Path.of(name),
                    "tar entry " + e.getName(),
                    "the archive unpacks to more than the limit of " + maxUnpacked + " bytes");
              }
              out.write(buf, 0, n);
            }
          }
        }
        // links, devices and fifos are not created: a model folder needs none of them
      }
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelFormatException(
          Path.of(name), "tar", "not a readable tar archive: " + e.getMessage());
    }
  }

  /** Where an archive entry goes, refusing names that are absolute or climb out of the folder. */
  private Path inside(Path root, String entry) throws ModelFormatException {
    String n = entry.replace('\\', '/');
    boolean climbs =
        n.equals("..") || n.startsWith("../") || n.contains("/../") || n.endsWith("/..");
    Path target = root.resolve(n).normalize();
    if (n.startsWith("/") || climbs || n.indexOf('\0') >= 0 || !target.startsWith(root)) {
      throw new ModelFormatException(
          Path.of(name), "entry " + entry, "entry name is absolute or climbs out of the archive");
    }
    return target;
  }

  private static Path privateFolder(Path root) throws IOException {
    try {
      return Files.createTempDirectory(
          root,
          "upload-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      return Files.createTempDirectory(root, "upload-");
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      deleteTree(dir);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // left for the next start, which empties the temporary root
    }
  }
}
