package dev.neuronfit.io.hub;

import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.SparseStub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file on the Hub read by HTTP range requests, as a {@link ByteSource}: each read the source
 * cannot serve from what it has fetches a range from where it starts, with read-ahead that starts
 * small after a jump (a reader skipped a payload) and doubles while reads go on where the last
 * range ended (a graph read field by field). A jump over a short gap (a small payload: a bias, a
 * norm's scale) reads through the gap instead, as a continuation of the last range, so a graph of
 * many small initializers costs a few requests, not one each; the bytes read through are capped per
 * file ({@link #MAX_READ_THROUGH}), after which jumps are jumps again. What was fetched is kept,
 * and becomes the file's {@link SparseStub} in the sparse copy, so a later read of the copy needs
 * no request.
 *
 * <p>The same source reads a file of the user's Hugging Face cache ({@link #local}), so its stub
 * holds the same ranges without a request.
 *
 * <p>Not thread-safe.
 */
final class RangeSource implements ByteSource {
  /** Where the bytes come from: the bytes {@code [start, start + length)} and the file's length. */
  interface Fetcher {
    HubClient.Range fetch(long start, int length) throws IOException;
  }

  /**
   * Most bytes of a gap read through rather than jumped over with a request of its own: at a round
   * trip of 50 ms, a link of 40 Mbit/s moves 256 KiB in the time a request waits.
   */
  static final int MAX_GAP = 256 * 1024;

  /**
   * Most bytes one file may fetch while reading through gaps (the gaps and the read-ahead around
   * them); after that every jump is a request of its own again, so a graph of many mid-sized
   * initializers costs at most this much more than jumping would.
   */
  static final long MAX_READ_THROUGH = 16L << 20;

  /** The first range, from byte 0: most headers and small graphs in one request. */
  static final int FIRST = 64 * 1024;

  /** Read-ahead after a jump: a tensor's header and a little of its payload. */
  static final int MIN_AHEAD = 1024;

  /** Most read-ahead of one request. */
  static final int MAX_AHEAD = 1024 * 1024;

  private final Fetcher fetcher;
  private final HubId id;
  private final String file;
  private final Path shown;
  private final long budget;
  private final TreeMap<Long, byte[]> fetched = new TreeMap<>();
  private long size = -1;
  private long lastEnd = -1;
  private int ahead = FIRST;
  private long total;
  private long readThrough;
  private boolean readingThrough;

  /**
   * @param budget most bytes this file may cost; a reader that needs more is stopped
   */
  RangeSource(HubClient client, HubId id, String commit, String file, long budget) {
    this((start, length) -> client.range(id, commit, file, start, length), id, file, budget);
  }

  private RangeSource(Fetcher fetcher, HubId id, String file, long budget) {
    this.fetcher = fetcher;
    this.id = id;
    this.file = file;
    this.shown = Path.of(id.repo(), file);
    this.budget = budget;
  }

  /**
   * The file {@code file} of a Hugging Face cache snapshot {@code root}, opened under the same
   * policy as any model file ({@link ModelFiles#channel}), read as the remote file would be.
   */
  static RangeSource local(Path local, Path root, HubId id, String file, long budget) {
    Fetcher f =
        (start, length) -> {
          try (FileChannel ch = ModelFiles.channel(local, root, local)) {
            long size = ch.size();
            int n = (int) Math.max(0, Math.min(length, size - start));
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining() && ch.read(b, start + b.position()) > 0) {
              // read until the range is in
            }
            if (b.hasRemaining()) {
              throw new HubException(local + ": the file shrank while it was read");
            }
            return new HubClient.Range(b.array(), size);
          }
        };
    return new RangeSource(f, id, file, budget);
  }

  @Override
  public long size() throws IOException {
    if (size < 0) {
      fetch(0);
    }
    return size;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position >= size()) {
      return -1;
    }
    Map.Entry<Long, byte[]> e = fetched.floorEntry(position);
    if (e == null || position >= e.getKey() + e.getValue().length) {
      e = fetch(position);
    }
    int from = (int) (position - e.getKey());
    int n = Math.min(dst.remaining(), e.getValue().length - from);
    dst.put(e.getValue(), from, n);
    return n;
  }

  /**
   * The {@code length} bytes from {@code position}, each missing span fetched in requests of up to
   * {@link #MAX_AHEAD} bytes (a zip directory or entry whose extent is known).
   *
   * @throws HubException when the file ends first
   */
  byte[] bytes(long position, int length) throws IOException {
    byte[] out = new byte[length];
    int done = 0;
    while (done < length) {
      long at = position + done;
      if (at >= size()) {
        throw new HubException(
            id.repo()
                + "/"
                + file
                + ": asked for bytes up to "
                + (position + length)
                + " of "
                + size);
      }
      Map.Entry<Long, byte[]> e = fetched.floorEntry(at);
      if (e == null || at >= e.getKey() + e.getValue().length) {
        e = fetch(at, Math.min(length - done, MAX_AHEAD));
      }
      int from = (int) (at - e.getKey());
      int n = Math.min(length - done, e.getValue().length - from);
      System.arraycopy(e.getValue(), from, out, done, n);
      done += n;
    }
    return out;
  }

  private Map.Entry<Long, byte[]> fetch(long position) throws IOException {
    return fetch(position, 0);
  }

  private Map.Entry<Long, byte[]> fetch(long position, int atLeast) throws IOException {
    long from = position;
    if (position == 0) {
      ahead = FIRST;
      readingThrough = false;
    } else if (position == lastEnd) {
      ahead = Math.min(2 * ahead, MAX_AHEAD);
    } else if (position > lastEnd
        && lastEnd > 0
        && position - lastEnd <= MAX_GAP
        && readThrough < MAX_READ_THROUGH
        && fetched.floorKey(position) != null
        && fetched.floorKey(position) < lastEnd) {
      // a short jump: read on through the gap, as if no payload had been skipped
      readingThrough = true;
      from = lastEnd;
      ahead = Math.min(2 * ahead, MAX_AHEAD);
      atLeast = (int) Math.max(atLeast, position - lastEnd + MIN_AHEAD);
    } else {
      ahead = MIN_AHEAD;
      readingThrough = false;
    }
    Map.Entry<Long, byte[]> got = fetchFrom(from, Math.max(ahead, atLeast));
    if (got.getKey() + got.getValue().length > position) {
      return got;
    }
    // the file ended first, or a range fetched earlier cut the read-through short
    return fetchFrom(position, Math.max(MIN_AHEAD, atLeast));
  }

  private Map.Entry<Long, byte[]> fetchFrom(long position, long wanted) throws IOException {
    long want = wanted;
    Long next = fetched.higherKey(position);
    if (next != null) {
      want = Math.min(want, next - position);
    }
    if (size >= 0) {
      want = Math.min(want, size - position);
    }
    if (total + want > budget) {
      throw new HubException(
          id.repo()
              + "/"
              + file
              + ": reading it would take more than "
              + budget
              + " bytes over the network; not read");
    }
    HubClient.Range r = fetcher.fetch(position, (int) want);
    if (size < 0) {
      size = r.total();
    } else if (r.total() != size) {
      throw new HubException(
          id.repo()
              + "/"
              + file
              + ": its length changed while it was read ("
              + size
              + ", then "
              + r.total()
              + " bytes)");
    }
    if (r.bytes().length == 0 || r.bytes().length > want) {
      throw new HubException(
          id.repo()
              + "/"
              + file
              + ": asked for "
              + want
              + " bytes from "
              + position
              + ", "
              + r.bytes().length
              + " came");
    }
    total += r.bytes().length;
    if (readingThrough) {
      readThrough += r.bytes().length;
    }
    fetched.put(position, r.bytes());
    lastEnd = position + r.bytes().length;
    return fetched.floorEntry(position);
  }

  /** Bytes fetched so far. */
  long fetchedBytes() {
    return total;
  }

  @Override
  public Path shown() {
    return shown;
  }

  @Override
  public void close() {}

  /**
   * Writes what was fetched as a sparse file of the whole length: the fetched ranges in place, the
   * rest a hole never written (a zip checkpoint, which {@link java.util.zip.ZipFile} reads from a
   * real file).
   */
  void writeSparse(Path target) throws IOException {
    size();
    HubModels.writeSparse(target, size, fetched);
  }

  /** Writes what was fetched as the file's stub (adjacent ranges joined). */
  void writeStub(Path target) throws IOException {
    size();
    List<SparseStub.Range> ranges = new ArrayList<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    long start = -1;
    long end = -1;
    for (Map.Entry<Long, byte[]> e : fetched.entrySet()) {
      if (e.getKey() != end) {
        if (start >= 0) {
          ranges.add(new SparseStub.Range(start, end - start));
        }
        start = e.getKey();
      }
      data.write(e.getValue());
      end = e.getKey() + e.getValue().length;
    }
    if (start >= 0) {
      ranges.add(new SparseStub.Range(start, end - start));
    }
    SparseStub.write(target, size, ranges, data.toByteArray());
  }
}
