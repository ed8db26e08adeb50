package dev.neuronfit.io.mxnet;

import dev.neuronfit.io.LeInput;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The headers of an MXNet NDArray list file ({@code .params}, written by {@code mx.nd.save},
 * Gluon's {@code export} and {@code save_parameters}, and Module checkpoints): each array's shape,
 * element type and storage, and the names after them. Array data is skipped by its declared length,
 * never read.
 *
 * <p>Hand-written because no maintained Java library reads this format (the only readers are
 * MXNet's own C++ core and its language bindings, which load the data). The layout, from Apache
 * MXNet's {@code src/ndarray/ndarray.cc} ({@code NDArray::Save}/{@code Load}), {@code
 * include/mxnet/tuple.h} (shapes), {@code include/mxnet/base.h} (contexts) and dmlc-core's {@code
 * serializer.h} (vectors and strings), all little-endian:
 *
 * <ul>
 *   <li>file: u64 list magic {@code 0x112}, u64 reserved, u64 array count, the arrays, u64 name
 *       count (0 or the array count), then each name as a u64 length and its bytes;
 *   <li>array (versions 2 and 3, magic {@code 0xF993FAC9} / {@code 0xF993FACA}): i32 storage type
 *       (0 dense, 1 row-sparse, 2 CSR); for sparse arrays the storage shape; the shape (i32 rank,
 *       then i64 dimensions; rank 0 in version 2, or an unknown rank or dimension in version 3, is
 *       an empty array and ends the record); the context (i32 device type, i32 device id); i32 type
 *       flag; for sparse arrays each auxiliary array's i32 type flag and shape; then the data
 *       (storage shape's elements for sparse arrays, else the shape's) and the auxiliary data;
 *   <li>array (version 1, magic {@code 0xF993FAC8}): the shape with i64 dimensions, context, type
 *       flag and data; older files have no magic: the first u32 is the rank, and u32 dimensions
 *       follow.
 * </ul>
 */
final class NdArrayList {
  static final long LIST_MAGIC = 0x112;
  static final long V1_MAGIC = 0xF993FAC8L;
  static final long V2_MAGIC = 0xF993FAC9L;
  static final long V3_MAGIC = 0xF993FACAL;

  static final int STORAGE_DENSE = 0;
  static final int STORAGE_ROW_SPARSE = 1;
  static final int STORAGE_CSR = 2;

  /** Prefixes Module checkpoints and Gluon's export put before arguments and auxiliary states. */
  static final String ARG_PREFIX = "arg:";

  static final String AUX_PREFIX = "aux:";

  /**
   * The arrays read.
   *
   * @param tensors the arrays that hold data, named without their {@code arg:}/{@code aux:} prefix
   * @param auxiliary names of auxiliary states (batch-norm statistics), without prefix
   * @param empty arrays saved empty (no shape), which hold no data
   * @param unnamed true when the file has no names (a plain list saved by {@code mx.nd.save})
   */
  record Arrays(List<TensorInfo> tensors, Set<String> auxiliary, int empty, boolean unnamed) {
    Arrays {
      tensors = List.copyOf(tensors);
      auxiliary = Set.copyOf(auxiliary);
    }
  }

  private NdArrayList() {}

  /** True when the first 16 bytes are the list magic and the reserved zero word. */
  static boolean hasMagic(byte[] head, int n) {
    if (n < 16) {
      return false;
    }
    return le64(head, 0) == LIST_MAGIC && le64(head, 8) == 0;
  }

  private static long le64(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  /** MXNet's (mshadow's) element type flag as a dtype; empty for a flag it does not define. */
  static Optional<DType> dtypeOf(long flag) {
    return Optional.ofNullable(
        switch ((int) Math.max(-1, Math.min(flag, 64))) {
          case 0 -> DType.F32;
          case 1 -> DType.F64;
          case 2 -> DType.F16;
          case 3 -> DType.U8;
          case 4 -> DType.I32;
          case 5 -> DType.I8;
          case 6 -> DType.I64;
          case 7 -> DType.BOOL;
          case 8 -> DType.I16;
          case 9 -> DType.U16;
          case 10 -> DType.U32;
          case 11 -> DType.U64;
          case 12 -> DType.BF16;
          default -> null;
        });
  }

  /**
   * Reads the headers of a list file.
   *
   * @param file the file
   * @param root the model's root (see {@link ModelFiles})
   * @param shown how to name the file in messages
   * @throws ModelFormatException when the file is not a list file, is damaged, or declares more
   *     than the limits allow
   */
  static Arrays read(Path file, Path root, Path shown, ReadLimits limits) throws IOException {
    try (FileChannel ch = ModelFiles.channel(file, root, shown)) {
      return read(new LeInput(ch, shown), shown, limits);
    }
  }

  private static Arrays read(LeInput in, Path shown, ReadLimits limits) throws IOException {
    long magic = in.u64("the list magic");
    if (magic != LIST_MAGIC) {
      throw new ModelFormatException(
          shown,
          "byte 0",
          "expected the NDArray list magic 0x112, found 0x" + Long.toHexString(magic));
    }
    in.u64("the reserved word");
    long count = count(in, shown, limits.maxTensors(), "array count", 4);
    String file = shown.getFileName() == null ? shown.toString() : shown.getFileName().toString();
    List<Header> headers = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      headers.add(array(in, shown, i));
    }
    long at = in.offset();
    long names = count(in, shown, limits.maxTensors(), "name count", 8);
    if (names != 0 && names != count) {
      throw new ModelFormatException(
          shown,
          "byte " + at,
          "the file has " + count + " arrays but " + names + " names (must be 0 or equal)");
    }
    List<TensorInfo> tensors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<String> aux = new HashSet<>();
    int empty = 0;
    for (int i = 0; i < count; i++) {
      String name = "array " + i;
      if (names > 0) {
        long where = in.offset();
        long len = in.u64("the length of name " + i);
        if (len > ReadLimits.MAX_NDARRAY_NAME_BYTES) {
          throw new ModelFormatException(
              shown,
              "byte " + where,
              "name "
                  + i
                  + " is "
                  + len
                  + " bytes long, over the limit of "
                  + ReadLimits.MAX_NDARRAY_NAME_BYTES);
        }
        name = in.utf8((int) len, "name " + i);
        if (name.startsWith(AUX_PREFIX)) {
          name = name.substring(AUX_PREFIX.length());
          aux.add(name);
        } else if (name.startsWith(ARG_PREFIX)) {
          name = name.substring(ARG_PREFIX.length());
        }
        if (!seen.add(name)) {
          throw new ModelFormatException(
              shown, "byte " + where, "array name \"" + name + "\" appears twice");
        }
      }
      Header h = headers.get(i);
      if (h.dtype == null) {
        empty++;
        continue;
      }
      tensors.add(new TensorInfo(name, h.dtype, h.shape, h.elements, h.bytes, file));
    }
    return new Arrays(tensors, aux, empty, names == 0);
  }

  /** One array's header: an empty array has no dtype. */
  private record Header(DType dtype, List<Long> shape, long elements, long bytes) {}

  private static final Header EMPTY = new Header(null, List.of(), 0, 0);

  private static long count(LeInput in, Path shown, int max, String what, int minBytesEach)
      throws IOException {
    long at = in.offset();
    long n = in.u64("the " + what);
    if (n > max) {
      throw new ModelFormatException(
          shown, "byte " + at, "the " + what + " " + n + " is over the limit " + max);
    }
    if (n > in.remaining() / minBytesEach) {
      throw new ModelFormatException(
          shown,
          "byte " + at,
          "the "
              + what
              + " "
              + n
              + " is more than the file can hold ("
              + in.remaining()
              + " bytes"
              + " left)");
    }
    return n;
  }

  private static Header array(LeInput in, Path shown, long index) throws IOException {
    String what = "array " + index;
    long at = in.offset();
    long magic = in.u32("the magic of " + what);
    if (magic != V2_MAGIC && magic != V3_MAGIC) {
      return legacy(in, shown, what, at, magic);
    }
    long stypeAt = in.offset();
    int stype = (int) in.u32("the storage type of " + what);
    int aux =
        switch (stype) {
          case STORAGE_DENSE -> 0;
          case STORAGE_ROW_SPARSE -> 1;
          case STORAGE_CSR -> 2;
          default ->
              throw new ModelFormatException(
                  shown,
                  "byte " + stypeAt,
                  what + ": unknown storage type " + stype + " (0 dense, 1 row-sparse, 2 CSR)");
        };
    List<Long> storage = aux > 0 ? shape(in, shown, what + " storage shape", false) : null;
    List<Long> shape = shape(in, shown, what + " shape", magic == V3_MAGIC);
    if (shape == null || (magic == V2_MAGIC && shape.isEmpty())) {
      return EMPTY;
    }
    in.u32("the device type of " + what);
    in.u32("the device id of " + what);
    DType dtype = dtype(in, shown, what);
    List<DType> auxTypes = new ArrayList<>();
    List<List<Long>> auxShapes = new ArrayList<>();
    for (int k = 0; k < aux; k++) {
      auxTypes.add(dtype(in, shown, what + " auxiliary array " + k));
      auxShapes.add(shape(in, shown, what + " auxiliary shape " + k, false));
    }
    // a sparse array stores the values of its storage shape, then its index arrays
    long bytes = payload(in, shown, what, dtype, storage != null ? storage : shape);
    skip(in, what, bytes);
    for (int k = 0; k < aux; k++) {
      long b = payload(in, shown, what, auxTypes.get(k), auxShapes.get(k));
      skip(in, what, b);
      bytes = Math.addExact(bytes, b); // each is at most the file's size
    }
    return new Header(dtype, shape, elements(shown, at, what, shape), bytes);
  }

  /** Version 1 (i64 dimensions) and the oldest arrays (the magic is the rank, u32 dimensions). */
  private static Header legacy(LeInput in, Path shown, String what, long at, long magic)
      throws IOException {
    List<Long> shape;
    if (magic == V1_MAGIC) {
      shape = shape(in, shown, what + " shape", false);
    } else {
      if (magic > ReadLimits.MAX_RANK) {
        throw new ModelFormatException(
            shown,
            "byte " + at,
            what
                + ": 0x"
                + Long.toHexString(magic)
                + " is neither an NDArray magic nor a rank of at most "
                + ReadLimits.MAX_RANK);
      }
      shape = new ArrayList<>();
      for (long d = 0; d < magic; d++) {
        shape.add(in.u32(what + " dimension " + d));
      }
    }
    if (shape == null || shape.isEmpty()) {
      return EMPTY;
    }
    in.u32("the device type of " + what);
    in.u32("the device id of " + what);
    DType dtype = dtype(in, shown, what);
    long bytes = payload(in, shown, what, dtype, shape);
    skip(in, what, bytes);
    return new Header(dtype, shape, elements(shown, at, what, shape), bytes);
  }

  /**
   * A shape: i32 rank, then i64 dimensions. Null for an unknown shape (rank -1, or a dimension -1
   * in numpy semantics), which MXNet saves as an empty array.
   */
  private static List<Long> shape(LeInput in, Path shown, String what, boolean unknownAllowed)
      throws IOException {
    long at = in.offset();
    int rank = (int) in.u32("the rank of " + what);
    if (rank == -1 && unknownAllowed) {
      return null;
    }
    if (rank < 0 || rank > ReadLimits.MAX_RANK) {
      throw new ModelFormatException(
          shown,
          "byte " + at,
          what + ": rank " + rank + " (expected 0 to " + ReadLimits.MAX_RANK + ")");
    }
    List<Long> dims = new ArrayList<>(rank);
    boolean unknown = false;
    for (int d = 0; d < rank; d++) {
      long where = in.offset();
      long v = in.i64(what + " dimension " + d);
      if (v == -1 && unknownAllowed) {
        unknown = true;
      } else if (v < 0) {
        throw new ModelFormatException(
            shown, "byte " + where, what + ": dimension " + d + " is negative (" + v + ")");
      }
      dims.add(v);
    }
    return unknown ? null : dims;
  }

  private static DType dtype(LeInput in, Path shown, String what) throws IOException {
    long at = in.offset();
    long flag = (int) in.u32("the type flag of " + what);
    return dtypeOf(flag)
        .orElseThrow(
            () ->
                new ModelFormatException(
                    shown, "byte " + at, what + ": unknown type flag " + flag + " (0 to 12)"));
  }

  /** Bytes of data of this type and shape, checked against what is left of the file. */
  private static long payload(LeInput in, Path shown, String what, DType dtype, List<Long> shape)
      throws ModelFormatException {
    long at = in.offset();
    long bytes;
    try {
      bytes = dtype.bytesFor(elements(shown, at, what, shape));
    } catch (ArithmeticException e) {
      throw new ModelFormatException(
          shown, "byte " + at, what + ": data size of shape " + shape + " overflows");
    }
    if (bytes > in.remaining()) {
      throw new ModelFormatException(
          shown,
          "byte " + at,
          what
              + ": "
              + bytes
              + " bytes of data declared (shape "
              + shape
              + ", "
              + dtype
              + "), more than the "
              + in.remaining()
              + " bytes left");
    }
    return bytes;
  }

  private static void skip(LeInput in, String what, long bytes) throws IOException {
    in.skip(bytes, "the data of " + what);
  }

  private static long elements(Path shown, long at, String what, List<Long> shape)
      throws ModelFormatException {
    long n = 1;
    try {
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      throw new ModelFormatException(
          shown, "byte " + at, what + ": element count of shape " + shape + " overflows");
    }
    return n;
  }
}
