package dev.neuronfit.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a scan writes with {@code --output FILE}: a temporary file beside FILE, moved over it only
 * when the scan has finished, so FILE is never left half written and a reader of FILE sees the old
 * scan or the new one. A FILE that exists and is not a regular file ({@code /dev/null}, a pipe) is
 * written directly.
 *
 * <p>Every failure to create, write or move the file is a {@link Failed} naming FILE as the user
 * gave it, never the temporary file.
 */
final class ScanOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final Failing writer;
  private final Thread cleanup;
  private boolean committed;

  /** FILE could not be written: the message names it as the user gave it, and the reason. */
  static final class Failed extends IOException {
    Failed(Path target, IOException cause) {
      super("--output " + target + ": " + reason(cause), cause);
    }

    private static String reason(IOException e) {
      if (e instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (e instanceof NoSuchFileException) {
        return "no such file or folder";
      }
      if (e instanceof FileSystemException f && f.getReason() != null) {
        return f.getReason();
      }
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  private ScanOutput(Path target, Path temp, Writer writer) {
    this.target = target;
    this.temp = temp;
    this.writer = new Failing(writer, target);
    // an interrupted scan (Ctrl-C) leaves no temporary file behind
    this.cleanup = temp == null ? null : new Thread(() -> deleteQuietly(temp));
    if (cleanup != null) {
      Runtime.getRuntime().addShutdownHook(cleanup);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // nothing more can be done while the JVM exits
    }
  }

  private void forgetCleanup() {
    if (cleanup == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is already exiting; the hook runs
    }
  }

  /**
   * @throws Failed when the file (or the temporary file beside it) cannot be created
   */
  static ScanOutput open(Path target) throws Failed {
    try {
      return create(target);
    } catch (Failed e) {
      throw e;
    } catch (IOException e) {
      throw new Failed(target, e);
    }
  }

  private static ScanOutput create(Path target) throws IOException {
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      return new ScanOutput(target, null, writer(Files.newOutputStream(target)));
    }
    Path dir = target.toAbsolutePath().getParent();
    // not Files.createTempFile: its files are private (0600); this one gets the permissions a new
    // file gets from the umask, as FILE itself would
    while (true) {
      Path temp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      try {
        OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW);
        return new ScanOutput(target, temp, writer(out));
      } catch (FileAlreadyExistsException e) {
        // another name
      }
    }
  }

  private static Writer writer(OutputStream out) {
    return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
  }

  Writer writer() {
    return writer;
  }

  /** Closes the file and puts it in place. */
  void commit() throws Failed {
    writer.close();
    if (temp != null) {
      try {
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new Failed(target, e);
      }
    }
    committed = true;
    forgetCleanup();
  }

  /** Without {@link #commit}: removes the temporary file and leaves FILE as it was. */
  @Override
  public void close() throws Failed {
    if (committed) {
      return;
    }
    try {
      writer.close();
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
      forgetCleanup();
    }
  }

  /** The file's writer, whose failures are {@link Failed}. */
  private static final class Failing extends Writer {
    private final Writer out;
    private final Path target;

    Failing(Writer out, Path target) {
      this.out = out;
      this.target = target;
    }

    @Override
    public void write(char[] buf, int off, int len) throws Failed {
      try {
        out.write(buf, off, len);
      } catch (IOException e) {
        throw new Failed(target, e);
      }
    }

    @Override
    public void write(String s, int off, int len) throws Failed {
      try {
        out.write(s, off, len);
      } catch (IOException e) {
        throw new Failed(target, e);
      }
    }

    @Override
    public void flush() throws Failed {
      try {
        out.flush();
      } catch (IOException e) {
        throw new Failed(target, e);
      }
    }

    @Override
    public void close() throws Failed {
      try {
        out.close();
      } catch (IOException e) {
        throw new Failed(target, e);
      }
    }
  }
}
