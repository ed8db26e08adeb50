package dev.neuronfit.io;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipFile;

/**
 * The one door through which readers open, measure and list model files; an architecture test keeps
 * every other class away from the raw file APIs, so a new reader cannot forget the policy.
 *
 * <p>The policy, for every file a reader opens:
 *
 * <ul>
 *   <li>its fully resolved path must stay inside the model's root folder (the folder the user or
 *       the search named, itself resolved), or inside the same Hugging Face cache repository
 *       ({@code models--ORG--NAME/}, whose {@code snapshots/} link into {@code blobs/}); a symbolic
 *       link elsewhere is refused with a message naming the link and where it points;
 *   <li>it must be a regular file (no FIFO, device or socket), and not under {@code /proc} or
 *       {@code /sys}, whose entries look like regular files but may block or hand out the process's
 *       secrets;
 *   <li>opening it has a deadline, and so has every read of a channel or stream it hands out
 *       ({@link DeadlineChannel}), so a file that still stalls (a FIFO or {@code /proc} entry
 *       swapped in after the check, a hung network or FUSE mount) ends in an error, not a hang.
 * </ul>
 *
 * The model file the user named (or the search found) is its own root: a link the user names is the
 * user's choice. The check and the open are two steps, so a file swapped between them by a process
 * that can write to the model folder escapes the check; the deadline bounds that case.
 */
public final class ModelFiles {
  /** How long opening one file may take before it is given up. */
  static final long OPEN_DEADLINE_SECONDS = 10;

  /** How long one read of an open file may wait before it is given up. */
  static final long READ_DEADLINE_SECONDS = 10;

  private static final List<Path> SPECIAL_TREES = List.of(Path.of("/proc"), Path.of("/sys"));

  /** Daemon threads that open files, so that an open stuck in the kernel cannot hold the JVM. */
  private static final ExecutorService OPENER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "neuronfit-open");
            t.setDaemon(true);
            return t;
          });

  /**
   * The sparse copy being read on this thread, if any: the resolved root folder of a revision in
   * neuronfit's Hub cache. Only files under it are read as {@link SparseStub stubs}; a side file
   * anywhere else (a user's folder) is an ordinary file. Set for the duration of one call by {@link
   * #readingSparseCopy}, on the thread that reads; readers read one model on one thread.
   */
  private static final ThreadLocal<Path> SPARSE_COPY = new ThreadLocal<>();

  private ModelFiles() {}

  /** An action on model files, for {@link #readingSparseCopy}. */
  @FunctionalInterface
  public interface Reading<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code action} on this thread with the stubs under {@code folder} read as the files they
   * stand for. Only the Hub's sparse copies in neuronfit's own cache are read this way; the folder
   * is named by the code that built it, never by a model file.
   */
  public static <T> T readingSparseCopy(Path folder, Reading<T> action) throws IOException {
    Path before = SPARSE_COPY.get();
    SPARSE_COPY.set(folder.toRealPath());
    try {
      return action.run();
    } finally {
      if (before == null) {
        SPARSE_COPY.remove();
      } else {
        SPARSE_COPY.set(before);
      }
    }
  }

  /** The stub layout of a file, when it is a stub inside the sparse copy being read. */
  private static java.util.Optional<SparseStub.Layout> stub(Path real) throws IOException {
    Path copy = SPARSE_COPY.get();
    if (copy == null || !real.startsWith(copy)) {
      return java.util.Optional.empty();
    }
    Path side = SparseStub.sideFile(real);
    if (!isAllowedFile(side, copy) || Files.size(side) > SparseStub.MAX_SIDE_FILE_BYTES) {
      return java.util.Optional.empty();
    }
    String text;
    try {
      text = Files.readString(side, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (java.nio.charset.CharacterCodingException e) {
      return java.util.Optional.empty();
    }
    return SparseStub.layout(text, Files.size(real));
  }

  /**
   * Checks a file against the policy and returns its resolved path.
   *
   * @param file the file as the reader built it (may be a link)
   * @param root the model's root folder, or the model file itself when it is the only file read
   * @param shown how to name the file in messages
   * @throws NoSuchFileException when the file (or a link's target) does not exist
   * @throws ModelFormatException when the policy refuses it
   */
  public static Path checked(Path file, Path root, Path shown) throws IOException {
    Path real = file.toRealPath();
    Path realRoot = root.toRealPath();
    if (!real.startsWith(realRoot) && !HfCacheLayout.sameRepo(realRoot, real)) {
      String problem;
      if (Files.isSymbolicLink(file)) {
        String target = Files.readSymbolicLink(file).toString();
        problem =
            "a symbolic link to "
                + target
                + (Path.of(target).equals(real) ? "" : " (resolves to " + real + ")")
                + ", outside the model folder; not followed";
      } else {
        problem =
            "reached through a symbolic link, resolves to "
                + real
                + ", outside the model folder; not followed";
      }
      throw new ModelFormatException(shown, "", problem);
    }
    for (Path special : SPECIAL_TREES) {
      if (real.startsWith(special)) {
        throw new ModelFormatException(
            shown,
            "",
            "resolves to " + real + ", a system entry (" + special + "), not a model file");
      }
    }
    BasicFileAttributes a =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new ModelFormatException(
          shown,
          "",
          a.isDirectory()
              ? "a folder where a file was expected"
              : "not a regular file (a FIFO, device or socket); not opened");
    }
    return real;
  }

  /** True when {@code file} exists and the policy lets it be opened; a note-worthy file is not. */
  public static boolean isAllowedFile(Path file, Path root) {
    try {
      checked(file, root, file);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Opens a file for reading at positions ({@link #checked policy} applied). */
  public static FileChannel channel(Path file, Path root, Path shown) throws IOException {
    Path real = checked(file, root, shown);
    FileChannel opened = withDeadline(shown, () -> FileChannel.open(real, StandardOpenOption.READ));
    return new DeadlineChannel(opened, shown, TimeUnit.SECONDS.toNanos(READ_DEADLINE_SECONDS));
  }

  /**
   * Opens a file for reading at positions ({@link #checked policy} applied): the file itself, or,
   * for a stub of the sparse copy being read ({@link #readingSparseCopy}), the file it stands for.
   */
  public static ByteSource source(Path file, Path root, Path shown) throws IOException {
    // opened as channel() opens it, so a source gets every guard a channel gets
    FileChannel ch = channel(file, root, shown);
    try {
      java.util.Optional<SparseStub.Layout> layout = stub(checked(file, root, shown));
      if (layout.isPresent()) {
        return SparseStub.open(ch, layout.get(), shown);
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new ByteSource() {
      @Override
      public long size() throws IOException {
        return ch.size();
      }

      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        return ch.read(dst, position);
      }

      @Override
      public Path shown() {
        return shown;
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  /** Opens a file as a stream ({@link #checked policy} applied). */
  public static InputStream stream(Path file, Path root, Path shown) throws IOException {
    return Channels.newInputStream(channel(file, root, shown));
  }

  /**
   * A file's size, from a stat ({@link #checked policy} applied; the file is not opened); for a
   * stub of the sparse copy being read, the size of the file it stands for.
   */
  public static long size(Path file, Path root, Path shown) throws IOException {
    Path real = checked(file, root, shown);
    java.util.Optional<SparseStub.Layout> layout = stub(real);
    return layout.isPresent() ? layout.get().size() : Files.size(real);
  }

  /**
   * Reads a whole file of at most {@code maxBytes}, reading no more than that even if the file
   * grows meanwhile.
   *
   * @throws ModelFormatException when the file is over the limit
   */
  public static byte[] readAll(Path file, Path root, Path shown, long maxBytes) throws IOException {
    long size = size(file, root, shown);
    if (size > maxBytes) {
      throw new ModelFormatException(
          shown, "", "file of " + size + " bytes is over the limit of " + maxBytes);
    }
    byte[] bytes;
    try (InputStream in = stream(file, root, shown)) {
      bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
    }
    if (bytes.length > maxBytes) {
      throw new ModelFormatException(shown, "", "file is over the limit of " + maxBytes + " bytes");
    }
    return bytes;
  }

  /** Opens a zip archive ({@link #checked policy} applied); zip errors pass through. */
  public static ZipFile zip(Path file, Path root, Path shown) throws IOException {
    Path real = checked(file, root, shown);
    return withDeadline(shown, () -> new ZipFile(real.toFile()));
  }

  /**
   * Opens an HDF5 file with jhdf ({@link #checked policy} applied): mapped into memory when it fits
   * one buffer (the mapping stays valid after the channel is closed), else through jhdf's own
   * channel. jhdf's runtime exceptions for a malformed file pass through.
   */
  public static HdfFile hdf5(Path file, Path root, Path shown) throws IOException {
    Path real = checked(file, root, shown);
    ByteBuffer mapped = null;
    try (FileChannel fc = withDeadline(shown, () -> FileChannel.open(real))) {
      long size = fc.size();
      if (size <= Integer.MAX_VALUE) {
        try {
          mapped = fc.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (UnsupportedOperationException | IOException e) {
          mapped = null; // a file system that cannot map files
        }
      }
    }
    return mapped != null ? HdfFile.fromByteBuffer(mapped) : new HdfFile(real);
  }

  /**
   * The entries of a folder matching a glob ({@code "*"} for all), in the order the file system
   * lists them. Listing reads names only; each entry is checked when it is opened.
   */
  public static List<Path> list(Path dir, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      for (Path p : ds) {
        out.add(p);
      }
    }
    return out;
  }

  private static <T> T withDeadline(Path shown, Callable<T> open) throws IOException {
    Future<T> f = OPENER.submit(open);
    try {
      return f.get(OPEN_DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new ModelFormatException(
          shown, "", "did not open within " + OPEN_DEADLINE_SECONDS + " seconds; given up");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening " + shown);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
