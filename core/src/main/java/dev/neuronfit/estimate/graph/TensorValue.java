package dev.neuronfit.estimate.graph;

import java.util.Arrays;

/**
 * What shape propagation knows about one value of a graph: its dimensions (a dimension may be
 * unknown, or the whole rank may be) and, for small tensors, its numbers (shape vectors, axes,
 * scales), which Reshape, Expand and Slice need. Immutable: the arrays are never changed after
 * construction and never handed out.
 */
public final class TensorValue {
  /** Largest tensor whose numbers are kept; shape arithmetic works on far smaller ones. */
  public static final int MAX_DATA = 4096;

  /**
   * Largest rank accepted where a rank comes from a value in the file (the length of a shape
   * vector): numpy's limit, far above any model's tensors.
   */
  public static final int MAX_RANK = 64;

  /** Nothing known: neither rank nor numbers. */
  public static final TensorValue UNKNOWN = new TensorValue(null, null, false);

  private final long[] dims; // null: rank unknown; an element < 0: that dimension unknown
  private final double[] data; // null: numbers unknown; a NaN element: that number unknown
  private final boolean integral;

  private TensorValue(long[] dims, double[] data, boolean integral) {
    this.dims = dims;
    this.data = data;
    this.integral = integral;
  }

  /** A value of known rank; negative dimensions are unknown ones. */
  public static TensorValue of(long[] dims, boolean integral) {
    long[] d = dims.clone();
    for (int i = 0; i < d.length; i++) {
      d[i] = d[i] < 0 ? -1 : d[i];
    }
    return new TensorValue(d, null, integral);
  }

  /** A value with its numbers; they are dropped when there are too many or they do not fit. */
  public static TensorValue withData(long[] dims, double[] data, boolean integral) {
    TensorValue v = of(dims, integral);
    long n = v.elements();
    if (data == null || n < 0 || n > MAX_DATA || data.length != n) {
      return v;
    }
    return new TensorValue(v.dims, data.clone(), integral);
  }

  /** A value whose rank is unknown, keeping only whether its elements are integers. */
  public static TensorValue unknownRank(boolean integral) {
    return integral ? new TensorValue(null, null, true) : UNKNOWN;
  }

  /** A 1-D integer vector, e.g. the output of Shape. */
  public static TensorValue vector(long[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i] < 0 ? Double.NaN : values[i];
    }
    return withData(new long[] {values.length}, d, true);
  }

  /** A 1-D integer vector of these numbers, negative ones included (begins, ends, axes). */
  public static TensorValue integers(long[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i];
    }
    return withData(new long[] {values.length}, d, true);
  }

  public boolean rankKnown() {
    return dims != null;
  }

  /** The rank; only when {@link #rankKnown()}. */
  public int rank() {
    return dims.length;
  }

  /** Dimension {@code i} (negative counts from the end), -1 when unknown. */
  public long dim(int i) {
    return dims[i < 0 ? dims.length + i : i];
  }

  /** A copy of the dimensions; only when {@link #rankKnown()}. */
  public long[] dims() {
    return dims.clone();
  }

  /** True when the rank and every dimension are known. */
  public boolean shapeKnown() {
    if (dims == null) {
      return false;
    }
    for (long d : dims) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  /** Number of elements, -1 when not known. */
  public long elements() {
    if (!shapeKnown()) {
      return -1;
    }
    long n = 1;
    for (long d : dims) {
      n = d == 0 ? 0 : n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
    }
    return n;
  }

  public boolean integral() {
    return integral;
  }

  public boolean hasData() {
    return data != null;
  }

  /** Number {@code i} in row-major order (NaN when unknown); only when {@link #hasData()}. */
  public double at(int i) {
    return data[i];
  }

  /** A copy of the numbers; only when {@link #hasData()}. */
  public double[] data() {
    return data.clone();
  }

  /** The numbers as integers, or null when some are missing or not whole. */
  public long[] longs() {
    if (data == null) {
      return null;
    }
    long[] out = new long[data.length];
    for (int i = 0; i < data.length; i++) {
      if (Double.isNaN(data[i]) || data[i] != Math.rint(data[i])) {
        return null;
      }
      out[i] = (long) data[i];
    }
    return out;
  }

  /** The same numbers under other dimensions with as many elements (Reshape, Squeeze ...). */
  public TensorValue reshaped(long[] newDims) {
    return withData(newDims, data, integral);
  }

  /** Normalises an axis that may count from the end; -1 when out of range or rank unknown. */
  public int axis(long a) {
    if (dims == null || a < -dims.length || a >= dims.length) {
      return -1;
    }
    return (int) (a < 0 ? a + dims.length : a);
  }

  @Override
  public String toString() {
    return (dims == null ? "[?rank]" : Arrays.toString(dims))
        + (data == null ? "" : "=" + Arrays.toString(data));
  }
}
