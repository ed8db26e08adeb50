package dev.neuronfit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A read-only file channel whose every read must finish within a deadline: a watchdog closes the
 * channel under a read that has waited longer, which wakes the blocked thread, and the read ends in
 * a one-line {@link ModelFormatException} instead of a hang.
 *
 * <p>Opening already has a deadline ({@link ModelFiles}); this covers the reads after it, for a
 * file that opened but never answers: a hung network or FUSE mount, or a {@code /proc} entry
 * swapped in after the policy check. The JDK offers timeouts for sockets only, so the watchdog is
 * ours; closing a {@link FileChannel} is the JDK's documented way to wake a thread blocked in it.
 */
final class DeadlineChannel extends FileChannel {
  /** A read under way: its channel and when it started (System.nanoTime). */
  private record Watch(DeadlineChannel channel, long started) {}

  /** Reads under way, each under a key of its own (one channel may serve several threads). */
  private static final Map<Object, Watch> READING = new ConcurrentHashMap<>();

  static {
    // a plain daemon thread rather than a scheduled executor: a heap exhausted by a hostile file
    // can break an executor's locks, and the watchdog must survive that silently
    Thread watchdog =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(250);
                  expire();
                } catch (InterruptedException e) {
                  return;
                } catch (Throwable t) {
                  // an OutOfMemoryError elsewhere may surface here; the next round tries again
                }
              }
            },
            "neuronfit-read-deadline");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private final FileChannel inner;
  private final Path shown;
  private final long deadlineNanos;
  private volatile boolean expired;

  DeadlineChannel(FileChannel inner, Path shown, long deadlineNanos) {
    this.inner = inner;
    this.shown = shown;
    this.deadlineNanos = deadlineNanos;
  }

  private static void expire() {
    long now = System.nanoTime();
    READING.forEach(
        (key, watch) -> {
          DeadlineChannel channel = watch.channel();
          if (now - watch.started() > channel.deadlineNanos) {
            channel.expired = true;
            READING.remove(key);
            try {
              channel.inner.close();
            } catch (IOException | RuntimeException e) {
              // closing is best effort: the reader sees the expiry either way
            }
          }
        });
  }

  /** One blocking operation on the inner channel. */
  private interface Op<T> {
    T run() throws IOException;
  }

  private <T> T watched(Op<T> op) throws IOException {
    if (expired) {
      throw stalled();
    }
    Object key = new Object();
    READING.put(key, new Watch(this, System.nanoTime()));
    try {
      return op.run();
    } catch (AsynchronousCloseException e) {
      if (expired) {
        throw stalled();
      }
      throw e;
    } finally {
      READING.remove(key);
    }
  }

  private ModelFormatException stalled() {
    return new ModelFormatException(
        shown,
        "",
        "a read gave no answer within "
            + TimeUnit.NANOSECONDS.toSeconds(deadlineNanos)
            + " seconds; given up");
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return watched(() -> inner.read(dst));
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return watched(() -> inner.read(dsts, offset, length));
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return watched(() -> inner.read(dst, position));
  }

  @Override
  public long position() throws IOException {
    return watched(inner::position);
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    watched(() -> inner.position(newPosition));
    return this;
  }

  @Override
  public long size() throws IOException {
    return watched(inner::size);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return watched(() -> inner.transferTo(position, count, target));
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return watched(() -> inner.map(mode, position, size));
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long position) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {
    // nothing written, nothing to force
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return watched(() -> inner.lock(position, size, shared));
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return inner.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    inner.close();
  }
}
