package dev.neuronfit.io.keras;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An HDF5 file opened for its metadata only, through jhdf: string attributes of the root group, and
 * the names, shapes and dtypes of the datasets under a group. Dataset data is never read.
 *
 * <p>The file is handed to jhdf as a read-only memory mapping (or, for an archive entry, as bytes
 * already in memory), so every length jhdf reads from the file becomes a slice of that buffer
 * rather than a new allocation of the declared size: a hostile length fails at the buffer's end.
 * Files over 2 GiB cannot be mapped as one buffer and are read through a file channel. jhdf is
 * third-party code working on hostile input, so every runtime failure it raises becomes a {@link
 * ModelFormatException} naming the file and the object being read. Soft and external links are
 * never followed (an external link names another file).
 */
final class KerasHdf5 implements Closeable {
  /** Deepest group nesting walked for weights (a hard link to an ancestor would loop). */
  static final int MAX_GROUP_DEPTH = 32;

  private final HdfFile hdf;
  private final Path shown;
  private final String where;

  private KerasHdf5(HdfFile hdf, Path shown, String where) {
    this.hdf = hdf;
    this.shown = shown;
    this.where = where;
  }

  /**
   * Opens an HDF5 file on disk.
   *
   * @throws ModelFormatException when jhdf cannot read its superblock or root group
   */
  static KerasHdf5 open(Path file) throws IOException {
    HdfFile hdf;
    try {
      hdf = ModelFiles.hdf5(file, file, file);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      hdf =
          guarded(
              file,
              "",
              () -> {
                throw e;
              });
    }
    return new KerasHdf5(hdf, file, "");
  }

  /**
   * Opens HDF5 bytes read from an archive entry.
   *
   * @param where the entry, named in messages, e.g. {@code zip entry model.weights.h5}
   */
  static KerasHdf5 fromBytes(byte[] bytes, Path shown, String where) throws ModelFormatException {
    return new KerasHdf5(
        guarded(shown, where, () -> HdfFile.fromByteBuffer(ByteBuffer.wrap(bytes))), shown, where);
  }

  /** A step of jhdf work that may fail on a hostile file. */
  @FunctionalInterface
  interface Step<T> {
    T run();
  }

  /**
   * Runs jhdf code, turning whatever it throws into a one-line {@link ModelFormatException}. jhdf
   * reports corrupt files with its own runtime exceptions and, on hostile lengths and offsets, with
   * buffer and arithmetic exceptions; recursion on a nested datatype can overflow the stack.
   */
  static <T> T guarded(Path shown, String place, Step<T> step) throws ModelFormatException {
    try {
      return step.run();
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      String what = e.getMessage() == null ? "" : ": " + e.getMessage();
      throw new ModelFormatException(
          shown,
          place,
          "not a readable HDF5 file (" + e.getClass().getSimpleName() + what + ")",
          e);
    }
  }

  private String place(String object) {
    return where.isEmpty() ? object : where + ", " + object;
  }

  /**
   * A string attribute of the root group, or empty when there is none.
   *
   * @param maxBytes longest value accepted
   * @throws ModelFormatException when the attribute is not a string or is longer than {@code
   *     maxBytes}
   */
  Optional<String> rootString(String name, long maxBytes) throws ModelFormatException {
    String place = place("attribute " + name);
    Attribute a = guarded(shown, place, () -> hdf.getAttributes().get(name));
    if (a == null) {
      return Optional.empty();
    }
    DataType type = guarded(shown, place, a::getDataType);
    long elements = guarded(shown, place, a::getSize);
    if (!(type instanceof StringData || type instanceof VariableLength) || elements > 1) {
      throw new ModelFormatException(
          shown,
          place,
          "expected one string, found "
              + elements
              + " value(s) of HDF5 type "
              + type.getClass().getSimpleName());
    }
    // a fixed-length string holds its bytes in the attribute; a variable-length one points into a
    // global heap collection, whose objects are slices of the file
    if (type instanceof StringData && type.getSize() > maxBytes) {
      throw new ModelFormatException(
          shown, place, type.getSize() + " bytes, over the limit of " + maxBytes);
    }
    Object data = guarded(shown, place, a::getData);
    String value =
        data instanceof String s
            ? s
            : data instanceof String[] arr && arr.length == 1
                ? arr[0]
                : data instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
    if (value == null) {
      throw new ModelFormatException(shown, place, "expected one string, found no string value");
    }
    if (value.length() > maxBytes) {
      throw new ModelFormatException(
          shown, place, value.length() + " characters, over the limit of " + maxBytes);
    }
    return Optional.of(value);
  }

  /** True when the root group has a child of this name (not following links). */
  boolean hasRootGroup(String name) throws ModelFormatException {
    return guarded(
        shown,
        place("group /" + name),
        () -> {
          Node n = hdf.getChildren().get(name);
          return n != null && !n.isLink() && n.isGroup();
        });
  }

  /** Names of the root group's children, sorted. */
  List<String> rootChildren() throws ModelFormatException {
    return guarded(
        shown, place("group /"), () -> List.copyOf(new TreeMap<>(hdf.getChildren()).keySet()));
  }

  /** What walking a group for weights found. */
  record Weights(List<TensorInfo> tensors, List<String> skipped) {
    Weights {
      tensors = List.copyOf(tensors);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * The datasets under the root group's children that {@code include} accepts, in name order, as
   * tensors named by their path without the leading slash. Datasets of types other than numbers and
   * booleans, and links, are listed under {@code skipped}.
   *
   * @param fileLabel the file the tensors are declared in, as recorded in each {@link TensorInfo}
   * @throws ModelFormatException when the file is corrupt, or holds more than {@link
   *     ReadLimits#maxTensors} datasets
   */
  Weights weights(Predicate<String> include, String fileLabel, ReadLimits limits)
      throws ModelFormatException {
    List<TensorInfo> tensors = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    Map<String, Node> roots =
        guarded(shown, place("group /"), () -> new TreeMap<>(hdf.getChildren()));
    for (Map.Entry<String, Node> e : roots.entrySet()) {
      if (include.test(e.getKey())) {
        walk(e.getValue(), 1, fileLabel, limits, tensors, skipped, seen);
      }
    }
    return new Weights(tensors, skipped);
  }

  private void walk(
      Node node,
      int depth,
      String fileLabel,
      ReadLimits limits,
      List<TensorInfo> tensors,
      List<String> skipped,
      Set<Long> seen)
      throws ModelFormatException {
    String path = guarded(shown, place("an object"), node::getPath);
    String place = place("object " + path);
    if (guarded(shown, place, node::isLink)) {
      skipped.add(path + " (a link, not followed)");
      return;
    }
    // a hard link reaches an object twice; count it once, and never loop
    if (!seen.add(guarded(shown, place, node::getAddress))) {
      return;
    }
    if (seen.size() > limits.maxTensors()) {
      throw new ModelFormatException(
          shown, place, "more than " + limits.maxTensors() + " HDF5 objects under the weights");
    }
    if (node instanceof Group g) {
      if (depth > MAX_GROUP_DEPTH) {
        throw new ModelFormatException(
            shown, place, "groups nested deeper than " + MAX_GROUP_DEPTH + " levels");
      }
      Map<String, Node> children = guarded(shown, place, () -> new TreeMap<>(g.getChildren()));
      for (Node child : children.values()) {
        walk(child, depth + 1, fileLabel, limits, tensors, skipped, seen);
      }
    } else if (node instanceof Dataset d) {
      dataset(d, path, place, fileLabel).ifPresentOrElse(tensors::add, () -> skipped.add(path));
    }
  }

  private Optional<TensorInfo> dataset(Dataset d, String path, String place, String fileLabel)
      throws ModelFormatException {
    DataType type = guarded(shown, place, d::getDataType);
    long[] dims = guarded(shown, place, d::getDimensionsAsLong);
    Optional<DType> dtype = dtype(type);
    if (dtype.isEmpty()) {
      return Optional.empty();
    }
    List<Long> shape = new ArrayList<>(dims.length);
    long elements = 1;
    try {
      for (long dim : dims) {
        if (dim < 0) {
          throw new ModelFormatException(shown, place, "negative dimension " + dim);
        }
        shape.add(dim);
        elements = Math.multiplyExact(elements, dim);
      }
      long bytes = dtype.get().bytesFor(elements);
      String name = path.startsWith("/") ? path.substring(1) : path;
      return Optional.of(new TensorInfo(name, dtype.get(), shape, elements, bytes, fileLabel));
    } catch (ArithmeticException e) {
      throw new ModelFormatException(shown, place, "dimensions overflow a 64-bit size");
    }
  }

  /** The element type of an HDF5 dataset as a tensor dtype; empty for strings and compounds. */
  static Optional<DType> dtype(DataType type) {
    int size = type.getSize();
    if (type instanceof FloatingPoint) {
      return Optional.ofNullable(
          switch (size) {
            case 2 -> DType.F16;
            case 4 -> DType.F32;
            case 8 -> DType.F64;
            default -> null;
          });
    }
    if (type instanceof FixedPoint f) {
      boolean signed = f.isSigned();
      return Optional.ofNullable(
          switch (size) {
            case 1 -> signed ? DType.I8 : DType.U8;
            case 2 -> signed ? DType.I16 : DType.U16;
            case 4 -> signed ? DType.I32 : DType.U32;
            case 8 -> signed ? DType.I64 : DType.U64;
            default -> null;
          });
    }
    // h5py stores numpy booleans as an enum of int8 (FALSE, TRUE)
    if (type instanceof EnumDataType && size == 1) {
      return Optional.of(DType.BOOL);
    }
    return Optional.empty();
  }

  @Override
  public void close() throws IOException {
    guarded(
        shown,
        where,
        () -> {
          hdf.close();
          return null;
        });
  }
}
