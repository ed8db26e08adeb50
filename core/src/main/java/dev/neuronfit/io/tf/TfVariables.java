package dev.neuronfit.io.tf;

import static dev.neuronfit.io.tf.TfFields.BUNDLE_DTYPE;
import static dev.neuronfit.io.tf.TfFields.BUNDLE_SHAPE;
import static dev.neuronfit.io.tf.TfFields.BUNDLE_SHARD_ID;
import static dev.neuronfit.io.tf.TfFields.BUNDLE_SIZE;
import static dev.neuronfit.io.tf.TfFields.DIM_SIZE;
import static dev.neuronfit.io.tf.TfFields.HEADER_NUM_SHARDS;
import static dev.neuronfit.io.tf.TfFields.SHAPE_DIM;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the names, types and shapes of a SavedModel's variables from {@code
 * variables/variables.index}; the data files beside it are never opened.
 *
 * <p>Format facts: the index is a TensorFlow table (the LevelDB table layout): data blocks of
 * prefix-compressed entries ({@code varint shared, varint unshared, varint value length, key
 * suffix, value}) followed by an array of fixed32 restart offsets and their fixed32 count, each
 * block followed by a 5-byte trailer (compression type, CRC); an index block whose values are the
 * handles ({@code varint offset, varint size}) of the data blocks; and a 48-byte footer holding the
 * metaindex and index handles, padded, then the fixed64 magic number {@code 0xdb4775248b80fb57}.
 * The entry with the empty key is a BundleHeaderProto; every other entry maps a checkpoint key to a
 * BundleEntryProto (tensorflow/core/protobuf/tensor_bundle.proto). Keys of partitioned slices start
 * with a zero byte and are skipped (the full tensor has an entry of its own).
 */
final class TfVariables {
  static final long MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER = 48;
  private static final int TRAILER = 5;

  /** Keys of state that is not part of the model: optimizer slots, counters, metrics. */
  private static final Set<String> TRAINING_STATE_EXACT =
      Set.of(
          "global_step",
          "beta1_power",
          "beta2_power",
          "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
          "_CHECKPOINTABLE_OBJECT_GRAPH");

  private static final List<String> OPTIMIZER_SUFFIXES =
      List.of("/Adam", "/Adam_1", "/Momentum", "/RMSProp", "/RMSProp_1", "/Adagrad", "/Ftrl");

  /**
   * The model's variables, and what was left out.
   *
   * @param tensors one per variable, named by checkpoint key, in index order
   * @param trainingState entries left out as training state: optimizer slots and state, step
   *     counters, metrics and the object graph
   * @param untyped entries left out because their type has no size (resource, variant, unknown)
   * @param shards data files the header announces
   * @param copies entries left out as second copies: a Keras 3 export saves every variable under
   *     both {@code variables/N} and {@code _all_variables/N}, with its data written twice
   */
  record Index(List<TensorInfo> tensors, int trainingState, int untyped, int shards, int copies) {}

  private static final String KERAS3_COPY = "_all_variables/";
  private static final String KERAS3_KEPT = "variables/";

  /** One table entry: where its key and value are in the file. */
  private record Entry(int at, byte[] key, int valueAt, int valueEnd) {}

  private final Path file;
  private final byte[] b;
  private final ReadLimits limits;
  private final List<TensorInfo> tensors = new ArrayList<>();
  private int trainingState;
  private int untyped;
  private int shards = 1;

  private TfVariables(Path file, byte[] bytes, ReadLimits limits) {
    this.file = file;
    this.b = bytes;
    this.limits = limits;
  }

  /**
   * Reads an index file.
   *
   * @param root the model's root folder (see {@link ModelFiles})
   * @param shown how to name the file in messages
   * @throws ModelFormatException when the file is larger than the limit for metadata files, or is
   *     not a well-formed TensorFlow table of bundle entries
   */
  static Index read(Path index, Path root, Path shown, ReadLimits limits) throws IOException {
    long size = ModelFiles.size(index, root, shown);
    if (size > limits.maxJsonFileBytes()) {
      throw new ModelFormatException(
          shown, "", size + " bytes is over the limit of " + limits.maxJsonFileBytes());
    }
    TfVariables v =
        new TfVariables(
            shown, ModelFiles.readAll(index, root, shown, limits.maxJsonFileBytes()), limits);
    v.parse();
    List<TensorInfo> kept = withoutKeras3Copies(v.tensors);
    return new Index(kept, v.trainingState, v.untyped, v.shards, v.tensors.size() - kept.size());
  }

  /**
   * The variables without the second copies of a Keras 3 export. It lists the same variables under
   * {@code variables/} and {@code _all_variables/}, each with its own data; they are taken as
   * copies only when every dtype and shape under {@code _all_variables/} is matched, as many times,
   * under {@code variables/} (which may hold a few more, such as a seed generator's state).
   */
  static List<TensorInfo> withoutKeras3Copies(List<TensorInfo> all) {
    Map<String, Integer> copies = new HashMap<>();
    Map<String, Integer> kept = new HashMap<>();
    for (TensorInfo t : all) {
      String kind = t.dtype() + " " + t.shape();
      if (t.name().startsWith(KERAS3_COPY)) {
        copies.merge(kind, 1, Integer::sum);
      } else if (t.name().startsWith(KERAS3_KEPT)) {
        kept.merge(kind, 1, Integer::sum);
      }
    }
    boolean covered =
        copies.entrySet().stream().allMatch(e -> kept.getOrDefault(e.getKey(), 0) >= e.getValue());
    if (copies.isEmpty() || !covered) {
      return List.copyOf(all);
    }
    return all.stream().filter(t -> !t.name().startsWith(KERAS3_COPY)).toList();
  }

  private void parse() throws ModelFormatException {
    int n = b.length;
    if (n < FOOTER
        || ByteBuffer.wrap(b, n - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() != MAGIC) {
      throw error(Math.max(0, n - 8), "no table magic number at the end: not a TensorFlow index");
    }
    int[] p = {n - FOOTER};
    handle(p, n - 8, n - FOOTER); // the metaindex block, not needed
    long[] index = handle(p, n - 8, n - FOOTER);
    List<Entry> first = block(index[0], index[1]);
    // the header has the empty key, so comes first: it says how many data files there are
    List<List<Entry>> blocks = new ArrayList<>();
    for (Entry e : first) {
      int[] q = {e.valueAt()};
      blocks.add(block(handle(q, e.valueEnd(), n - FOOTER)));
    }
    for (List<Entry> entries : blocks) {
      for (Entry e : entries) {
        entry(e);
      }
    }
  }

  private void entry(Entry e) throws ModelFormatException {
    if (e.key().length == 0) {
      header(e);
      return;
    }
    if (e.key()[0] == 0) {
      return; // a slice of a partitioned tensor
    }
    String name = new String(e.key(), StandardCharsets.UTF_8);
    if (isTrainingState(name)) {
      trainingState++;
      return;
    }
    if (tensors.size() >= limits.maxTensors()) {
      throw error(e.at(), "more than " + limits.maxTensors() + " variables");
    }
    long code = 0;
    long shard = 0;
    long size = 0;
    List<Long> dims = new ArrayList<>();
    int[] p = {e.valueAt()};
    int end = e.valueEnd();
    while (p[0] < end) {
      long tag = varint(p, end);
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == BUNDLE_SHAPE && wire == 2) {
        int len = length(p, end);
        shape(p[0], p[0] + len, dims, name);
        p[0] += len;
      } else if (wire == 0
          && (field == BUNDLE_DTYPE || field == BUNDLE_SHARD_ID || field == BUNDLE_SIZE)) {
        long v = varint(p, end);
        if (field == BUNDLE_DTYPE) {
          code = v;
        } else if (field == BUNDLE_SHARD_ID) {
          shard = v;
        } else {
          size = v;
        }
      } else {
        skip(p, end, wire);
      }
    }
    Optional<DType> dtype = TfTensor.dtypeOf(code);
    if (dtype.isEmpty()) {
      untyped++;
      return;
    }
    long elements = 1;
    for (long d : dims) {
      if (d < 0) {
        throw error(e.at(), "variable \"" + name + "\": negative dimension " + d);
      }
      try {
        elements = Math.multiplyExact(elements, d);
      } catch (ArithmeticException x) {
        throw error(e.at(), "variable \"" + name + "\": dims " + dims + " overflow");
      }
    }
    if (elements > Long.MAX_VALUE / 128 || size < 0 || shard < 0 || shard >= shards) {
      throw error(e.at(), "variable \"" + name + "\": size or data file out of range");
    }
    long bytes = dtype.get().bits() > 0 ? dtype.get().bytesFor(elements) : size;
    String data = String.format("variables/variables.data-%05d-of-%05d", shard, shards);
    tensors.add(new TensorInfo(name, dtype.get(), dims, elements, bytes, data));
  }

  private void header(Entry e) throws ModelFormatException {
    int[] p = {e.valueAt()};
    while (p[0] < e.valueEnd()) {
      long tag = varint(p, e.valueEnd());
      int wire = (int) (tag & 7);
      if ((tag >>> 3) == HEADER_NUM_SHARDS && wire == 0) {
        long s = varint(p, e.valueEnd());
        if (s < 1 || s > ReadLimits.MAX_VARIABLE_SHARDS) {
          throw error(e.at(), "the header announces " + s + " data files");
        }
        shards = (int) s;
      } else {
        skip(p, e.valueEnd(), wire);
      }
    }
  }

  /** A TensorShapeProto in b[from, end): its dims (field 2), each a Dim with size (field 1). */
  private void shape(int from, int end, List<Long> dims, String name) throws ModelFormatException {
    int[] p = {from};
    while (p[0] < end) {
      long tag = varint(p, end);
      int wire = (int) (tag & 7);
      if ((tag >>> 3) == SHAPE_DIM && wire == 2) {
        int len = length(p, end);
        int dimEnd = p[0] + len;
        long size = 0;
        while (p[0] < dimEnd) {
          long t = varint(p, dimEnd);
          if ((t >>> 3) == DIM_SIZE && (t & 7) == 0) {
            size = varint(p, dimEnd);
          } else {
            skip(p, dimEnd, (int) (t & 7));
          }
        }
        if (dims.size() >= ReadLimits.MAX_RANK) {
          throw error(
              from, "variable \"" + name + "\": more than " + ReadLimits.MAX_RANK + " dimensions");
        }
        dims.add(size);
      } else {
        skip(p, end, wire);
      }
    }
  }

  static boolean isTrainingState(String key) {
    if (TRAINING_STATE_EXACT.contains(key)
        || key.startsWith("optimizer/")
        || key.startsWith("keras_api/metrics/")
        || key.contains("/.OPTIMIZER_SLOT/")) {
      return true;
    }
    return OPTIMIZER_SUFFIXES.stream().anyMatch(key::endsWith);
  }

  /** The entries of the block at {@code offset} of {@code size} bytes (trailer excluded). */
  private List<Entry> block(long[] handle) throws ModelFormatException {
    return block(handle[0], handle[1]);
  }

  private List<Entry> block(long offset, long size) throws ModelFormatException {
    int start = (int) offset;
    int end = (int) (offset + size);
    if (b[end] != 0) {
      throw error(end, "block compressed with type " + b[end] + " (only uncompressed is read)");
    }
    if (size < 4) {
      throw error(start, "block of " + size + " bytes has no restart count");
    }
    int restarts = ByteBuffer.wrap(b, end - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (restarts < 0 || 4L * restarts + 4 > size) {
      throw error(end - 4, restarts + " restart points do not fit a block of " + size + " bytes");
    }
    int limit = end - 4 - 4 * restarts;
    List<Entry> out = new ArrayList<>();
    byte[] prev = new byte[0];
    int[] p = {start};
    while (p[0] < limit) {
      int at = p[0];
      long shared = varint(p, limit);
      long unshared = varint(p, limit);
      long valueLen = varint(p, limit);
      if (shared < 0
          || unshared < 0
          || valueLen < 0
          || shared > prev.length
          || unshared > limit - p[0]
          || valueLen > limit - p[0] - unshared
          || shared + unshared > limits.maxJsonStringChars()) {
        throw error(at, "entry lengths run past their block");
      }
      if (out.size() >= limits.maxTensors()) {
        throw error(at, "more than " + limits.maxTensors() + " entries in a block");
      }
      byte[] key = Arrays.copyOf(prev, (int) (shared + unshared));
      System.arraycopy(b, p[0], key, (int) shared, (int) unshared);
      p[0] += (int) unshared;
      out.add(new Entry(at, key, p[0], p[0] + (int) valueLen));
      p[0] += (int) valueLen;
      prev = key;
    }
    return out;
  }

  /**
   * A block handle ({@code varint offset, varint size}) read at {@code p} before {@code end},
   * checked to lie, with its trailer, before {@code limit}.
   */
  private long[] handle(int[] p, int end, int limit) throws ModelFormatException {
    int at = p[0];
    long[] h = {varint(p, end), varint(p, end)};
    if (h[0] < 0 || h[1] < 0 || h[0] > limit || h[1] > limit - h[0] - TRAILER) {
      throw error(at, "block at " + h[0] + " of " + h[1] + " bytes runs past the end");
    }
    return h;
  }

  private int length(int[] p, int end) throws ModelFormatException {
    long len = varint(p, end);
    if (len < 0 || len > end - p[0]) {
      throw error(p[0], "length " + len + " runs past its entry");
    }
    return (int) len;
  }

  private void skip(int[] p, int end, int wire) throws ModelFormatException {
    int n =
        switch (wire) {
          case 0 -> {
            varint(p, end);
            yield 0;
          }
          case 1 -> 8;
          case 5 -> 4;
          case 2 -> length(p, end);
          default -> throw error(p[0], "wire type " + wire + " in an index entry");
        };
    if (n > end - p[0]) {
      throw error(p[0], "field runs past its entry");
    }
    p[0] += n;
  }

  private long varint(int[] p, int end) throws ModelFormatException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p[0] >= end) {
        throw error(p[0], "varint runs past its entry");
      }
      int x = b[p[0]++] & 0xFF;
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw error(p[0], "varint longer than 10 bytes");
  }

  private ModelFormatException error(long at, String problem) {
    return new ModelFormatException(file, "byte " + at, problem);
  }
}
