package dev.neuronfit.estimate.graph;

import java.util.List;

/** Multidirectional (numpy-style) broadcasting of dimensions and of the numbers of small values. */
public final class Broadcast {
  private Broadcast() {}

  /**
   * One broadcast dimension. An unknown dimension against a known one above 1 takes the known one
   * (the only size that broadcasts with it); mismatched known sizes, invalid in a well-formed
   * graph, give an unknown dimension rather than an error.
   */
  public static long dim(long a, long b) {
    if (a == b) {
      return a;
    }
    if (a == 1) {
      return b;
    }
    if (b == 1) {
      return a;
    }
    if (a < 0) {
      return b;
    }
    if (b < 0) {
      return a;
    }
    return -1;
  }

  /** Broadcast dimensions of two shapes, aligned at their last axes. */
  public static long[] dims(long[] a, long[] b) {
    int rank = Math.max(a.length, b.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      int ia = i - (rank - a.length);
      int ib = i - (rank - b.length);
      long da = ia >= 0 ? a[ia] : 1;
      long db = ib >= 0 ? b[ib] : 1;
      out[i] = dim(da, db);
    }
    return out;
  }

  /** The broadcast dimensions of several values, or null when a rank is unknown. */
  public static long[] dims(List<TensorValue> values) {
    long[] out = new long[0];
    for (TensorValue v : values) {
      if (!v.rankKnown()) {
        return null;
      }
      out = dims(out, v.dims());
    }
    return out;
  }

  /**
   * The numbers of {@code v} repeated to fill {@code outDims}, or null when they are not known or
   * the result would be too large to keep.
   */
  public static double[] spread(TensorValue v, long[] outDims) {
    if (!v.hasData()) {
      return null;
    }
    TensorValue out = TensorValue.of(outDims, false);
    long n = out.elements();
    if (n < 0 || n > TensorValue.MAX_DATA || v.rank() > outDims.length) {
      return null;
    }
    int rank = outDims.length;
    int offset = rank - v.rank();
    for (int i = 0; i < v.rank(); i++) {
      if (v.dim(i) != 1 && v.dim(i) != outDims[i + offset]) {
        return null;
      }
    }
    double[] result = new double[(int) n];
    int[] coord = new int[rank];
    for (int flat = 0; flat < n; flat++) {
      int rem = flat;
      for (int i = rank - 1; i >= 0; i--) {
        coord[i] = (int) (rem % outDims[i]);
        rem /= (int) outDims[i];
      }
      int src = 0;
      for (int i = 0; i < v.rank(); i++) {
        long d = v.dim(i);
        src = (int) (src * d + (d == 1 ? 0 : coord[i + offset]));
      }
      result[flat] = v.at(src);
    }
    return result;
  }
}
