package dev.neuronfit.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * The bytes of one model file, read at positions: a local file ({@link ModelFiles#source}), the
 * sparse copy of a file fetched from the Hub ({@link SparseStub}), or the file on the Hub itself,
 * read by HTTP range requests. Readers that take a source do not know which; they read headers and
 * skip payloads by position, so a remote source costs what they read, not the file's size.
 *
 * <p>Not thread-safe: one reader at a time.
 */
public interface ByteSource extends Closeable {
  /** The file's whole length (for a sparse copy, the length of the file it stands for). */
  long size() throws IOException;

  /**
   * Reads bytes from {@code position} into {@code dst}, at least one unless the file ends there.
   *
   * @return the number of bytes read, or -1 at or past the end of the file
   * @throws ModelFormatException when the bytes cannot be had (a sparse copy that lacks them, a
   *     server that sent other bytes than asked)
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /** How the file is named in messages. */
  Path shown();

  /** This source as a read-only channel, for readers written against channels. */
  default SeekableByteChannel asChannel() {
    ByteSource source = this;
    return new SeekableByteChannel() {
      private long position;
      private boolean open = true;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (!open) {
          throw new ClosedChannelException();
        }
        int n = source.read(dst, position);
        if (n > 0) {
          position += n;
        }
        return n;
      }

      @Override
      public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
          throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
      }

      @Override
      public long size() throws IOException {
        return source.size();
      }

      @Override
      public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
      }

      @Override
      public boolean isOpen() {
        return open;
      }

      @Override
      public void close() throws IOException {
        open = false;
        source.close();
      }
    };
  }
}
