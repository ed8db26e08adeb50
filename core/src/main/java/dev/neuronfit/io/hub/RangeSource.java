package dev.neuronfit.io.hub;

import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.SparseStub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file on the Hub read by HTTP range requests, as a {@link ByteSource}: each read the source
 * cannot serve from what it has fetches a range from where it starts, with read-ahead that starts
 * small after a jump (a reader skipped a payload) and doubles while reads go on where the last
 * range ended (a graph read field by field). What was fetched is kept, and becomes the file's
 * {@link SparseStub} in the sparse copy, so a later read of the copy needs no request.
 *
 * <p>Not thread-safe.
 */
final class RangeSource implements ByteSource {
  /** The first range, from byte 0: most headers and small graphs in one request. */
  static final int FIRST = 64 * 1024;

  /** Read-ahead after a jump: a tensor's header and a little of its payload. */
  static final int MIN_AHEAD = 1024;

  /** Most read-ahead of one request. */
  static final int MAX_AHEAD = 1024 * 1024;

  private final HubClient client;
  private final HubId id;
  private final String commit;
  private final String file;
  private final Path shown;
  private final long budget;
  private final TreeMap<Long, byte[]> fetched = new TreeMap<>();
  private long size = -1;
  private long lastEnd = -1;
  private int ahead = FIRST;
  private long total;

  /**
   * @param budget most bytes this file may cost; a reader that needs more is stopped
   */
  RangeSource(HubClient client, HubId id, String commit, String file, long budget) {
    this.client = client;
    this.id = id;
    this.commit = commit;
    this.file = file;
    this.shown = Path.of(id.repo(), file);
    this.budget = budget;
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
    if (position == 0) {
      ahead = FIRST;
    } else {
      ahead = position == lastEnd ? Math.min(2 * ahead, MAX_AHEAD) : MIN_AHEAD;
    }
    long want = Math.max(ahead, atLeast);
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
    HubClient.Range r = client.range(id, commit, file, position, (int) want);
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
