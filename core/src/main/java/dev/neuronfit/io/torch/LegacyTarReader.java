package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.NotAModelException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleMachine;
import dev.neuronfit.io.pickle.PickleSource;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.Global;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import dev.neuronfit.model.ModelProfile;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * torch.save checkpoints in the tar format of the first PyTorch releases, which {@code torch.load}
 * still tries before a pickle stream (its {@code legacy_load}): tar entries {@code storages} (a
 * count, then per storage a pickle {@code (key, location, storage_type)}, an 8-byte element count
 * and the raw elements, then a pickle of storage views), {@code tensors} (a count, then per tensor
 * a pickle {@code (key, storage_id, type)} and its dimensions in raw bytes), {@code pickle} (the
 * object), in the order {@code torch.load} unpickles them ({@code sys_info}, which it does not
 * read, is not read either). Every pickle is read for its hazards; the storage bytes are skipped by
 * their declared length, never read. Like Python's {@code tarfile}, the last entry of a name is the
 * one read. The tar directory is read by Apache Commons Compress.
 */
final class LegacyTarReader {
  private static final int MAX_DIMS = 64;

  /** Bytes per element of the legacy storage classes, by class name. */
  private static final Map<String, Integer> ELEMENT_BYTES =
      Map.ofEntries(
          Map.entry("DoubleStorage", 8),
          Map.entry("FloatStorage", 4),
          Map.entry("HalfStorage", 2),
          Map.entry("LongStorage", 8),
          Map.entry("IntStorage", 4),
          Map.entry("ShortStorage", 2),
          Map.entry("CharStorage", 1),
          Map.entry("ByteStorage", 1),
          Map.entry("BoolStorage", 1),
          Map.entry("BFloat16Storage", 2),
          Map.entry("ComplexFloatStorage", 8),
          Map.entry("ComplexDoubleStorage", 16),
          Map.entry("QUInt8Storage", 1),
          Map.entry("QInt8Storage", 1),
          Map.entry("QInt32Storage", 4),
          Map.entry("QUInt4x2Storage", 1),
          Map.entry("QUInt2x4Storage", 1));

  private LegacyTarReader() {}

  static ModelProfile read(Path path, ReadLimits limits) throws IOException {
    PickleLimits pl = PickleLimits.from(limits);
    PickleHazards hazards = new PickleHazards(pl.maxHazards());
    List<String> notes = new ArrayList<>();
    PickleValue object;
    try (TarFile tar = open(path)) {
      Map<String, TarArchiveEntry> last = new HashMap<>();
      int count = 0;
      for (TarArchiveEntry e : tar.getEntries()) {
        if (++count > limits.maxZipEntries()) {
          throw new ModelFormatException(
              path, "tar directory", "more than " + limits.maxZipEntries() + " entries");
        }
        last.put(e.getName(), e);
      }
      if (!last.containsKey("storages")) {
        // torch.load extracts storages first and fails without it, before unpickling anything
        throw new NotAModelException(
            path, "tar directory", "a tar archive without the storages entry of a torch.save file");
      }
      for (String name : List.of("storages", "tensors")) {
        if (last.containsKey(name)) {
          try (InputStream in = stream(tar, last.get(name), path)) {
            PickleMachine m = machine(in, path, name, pl, hazards);
            if (name.equals("storages")) {
              storages(m, in, path, limits);
            } else {
              tensors(m, in, path, limits);
            }
          }
        }
      }
      if (last.containsKey("pickle")) {
        try (InputStream in = stream(tar, last.get("pickle"), path)) {
          object = machine(in, path, "pickle", pl, hazards).read();
        }
      } else {
        object = PickleValue.Nil.NONE;
        notes.add("no pickle entry: torch.load fails after unpickling the storages and tensors");
      }
    }
    notes.add(
        "a legacy tar-format torch.save file: tensor shapes are not read from its tensors entry");
    CheckpointLayout.Selection s =
        CheckpointLayout.select(object, path, "tar entry pickle", pl, limits.maxTensors());
    String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    return CheckpointReader.profile(
        path, file, "legacy tar torch.save " + file, s, hazards, notes, limits);
  }

  private static TarFile open(Path path) throws IOException {
    try {
      return new TarFile(path);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(
          path, "tar directory", "not a readable tar archive: " + e.getMessage(), e);
    }
  }

  private static InputStream stream(TarFile tar, TarArchiveEntry e, Path path) throws IOException {
    if (!e.isFile()) {
      throw new ModelFormatException(path, "tar entry " + e.getName(), "not a regular file");
    }
    return new BufferedInputStream(tar.getInputStream(e));
  }

  /** A machine for the pickles of one entry; each reads from where the last one stopped. */
  private static PickleMachine machine(
      InputStream in, Path path, String entry, PickleLimits pl, PickleHazards hazards) {
    return new PickleMachine(
        new PickleSource(in, path, "tar entry " + entry, pl.maxBytes()), pl, hazards, false);
  }

  private static void storages(PickleMachine m, InputStream in, Path path, ReadLimits limits)
      throws IOException {
    long n = count(m.read(), path, "storages", limits);
    for (long i = 0; i < n; i++) {
      PickleValue v = m.read();
      int size = elementBytes(v, path);
      long elements = le8(in, path, "storages");
      if (elements < 0 || elements > Long.MAX_VALUE / size) {
        throw new ModelFormatException(
            path, "tar entry storages", "storage " + i + " declares " + elements + " elements");
      }
      skip(in, elements * size, path, "storages");
    }
    m.read(); // storage views
  }

  private static void tensors(PickleMachine m, InputStream in, Path path, ReadLimits limits)
      throws IOException {
    long n = count(m.read(), path, "tensors", limits);
    for (long i = 0; i < n; i++) {
      m.read();
      byte[] head = in.readNBytes(8);
      if (head.length < 8) {
        throw truncated(path, "tensors");
      }
      int dims = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (dims < 0 || dims > MAX_DIMS) {
        throw new ModelFormatException(
            path, "tar entry tensors", "tensor " + i + " declares " + dims + " dimensions");
      }
      skip(in, 16L * dims + 8, path, "tensors"); // sizes, strides, storage offset
    }
  }

  private static long count(PickleValue v, Path path, String entry, ReadLimits limits)
      throws ModelFormatException {
    if (!(v instanceof Int i) || i.value() < 0 || i.value() > limits.maxTensors()) {
      throw new ModelFormatException(
          path,
          "tar entry " + entry,
          "expected a count of at most " + limits.maxTensors() + ", found " + v);
    }
    return i.value();
  }

  /** The element size of the storage class in {@code (key, location, storage_type)}. */
  private static int elementBytes(PickleValue v, Path path) throws ModelFormatException {
    if (v instanceof Tuple t
        && t.size() == 3
        && t.get(2) instanceof Global g
        && (g.module().equals("torch") || g.module().equals("torch.cuda"))
        && ELEMENT_BYTES.containsKey(g.name())) {
      return ELEMENT_BYTES.get(g.name());
    }
    throw new ModelFormatException(
        path,
        "tar entry storages",
        "expected (key, location, storage class) naming a torch storage class, found " + v);
  }

  private static long le8(InputStream in, Path path, String entry) throws IOException {
    byte[] b = in.readNBytes(8);
    if (b.length < 8) {
      throw truncated(path, entry);
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static void skip(InputStream in, long n, Path path, String entry) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw truncated(path, entry);
    }
  }

  private static ModelFormatException truncated(Path path, String entry) {
    return new ModelFormatException(path, "tar entry " + entry, "truncated");
  }
}
