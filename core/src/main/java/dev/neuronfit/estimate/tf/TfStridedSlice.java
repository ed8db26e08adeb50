package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.TensorValue;
import java.util.ArrayList;
import java.util.List;

/**
 * TensorFlow's StridedSlice(x, begin, end, strides) with its five bit masks, as TensorFlow's
 * strided_slice_op.cc resolves them: the sparse specification (with an ellipsis, new axes and
 * shrunk axes) is laid over the input's axes, then each axis is clamped as Python slicing does. The
 * numbers of a sliced vector are kept (shape arithmetic such as {@code Shape(x)[0]}).
 */
final class TfStridedSlice {
  private TfStridedSlice() {}

  /** What one axis of the input becomes: a range (begin and end possibly masked) or one element. */
  private record AxisSlice(
      int axis,
      long begin,
      long end,
      long stride,
      boolean wholeBegin,
      boolean wholeEnd,
      boolean shrink) {}

  static TensorValue apply(NodeView v) {
    TensorValue x = v.in(0);
    long[] begin = v.in(1).longs();
    long[] end = v.in(2).longs();
    long[] strides = v.in(3).longs();
    if (!x.rankKnown()
        || begin == null
        || end == null
        || strides == null
        || begin.length != strides.length
        || end.length != strides.length
        || strides.length > 62) {
      return TensorValue.unknownRank(x.integral());
    }
    long beginMask = v.integer("begin_mask", 0);
    long endMask = v.integer("end_mask", 0);
    long ellipsisMask = v.integer("ellipsis_mask", 0);
    long newAxisMask = v.integer("new_axis_mask", 0);
    long shrinkMask = v.integer("shrink_axis_mask", 0);
    int n = strides.length;
    int rank = x.rank();
    boolean hasEllipsis = (ellipsisMask & ((1L << n) - 1)) != 0;
    // the dims of the output, in order: an input axis range or shrink, or a new axis of size 1
    List<long[]> out = new ArrayList<>();
    List<AxisSlice> slices = new ArrayList<>();
    int full = 0;
    for (int i = 0; i < n || (!hasEllipsis && full < rank); i++) {
      if (i >= n || bit(ellipsisMask, i)) {
        int after = 0;
        for (int j = i + 1; j < n; j++) {
          after += bit(newAxisMask, j) ? 0 : 1;
        }
        int next = i >= n ? rank : rank - after;
        for (; full < next; full++) {
          out.add(new long[] {full});
          slices.add(new AxisSlice(full, 0, 0, 1, true, true, false));
        }
        if (i >= n) {
          break;
        }
        continue;
      }
      if (bit(newAxisMask, i)) {
        out.add(new long[] {-1});
        continue;
      }
      if (full >= rank) {
        return TensorValue.unknownRank(x.integral());
      }
      if (strides[i] == 0) {
        return TensorValue.unknownRank(x.integral());
      }
      boolean shrink = bit(shrinkMask, i);
      slices.add(
          new AxisSlice(
              full, begin[i], end[i], strides[i], bit(beginMask, i), bit(endMask, i), shrink));
      if (!shrink) {
        out.add(new long[] {full});
      }
      full++;
    }
    long[] sizes = new long[rank];
    long[] starts = new long[rank];
    long[] steps = new long[rank];
    for (AxisSlice s : slices) {
      long[] r = resolve(x.dim(s.axis()), s);
      sizes[s.axis()] = r[0];
      starts[s.axis()] = r[1];
      steps[s.axis()] = s.stride();
    }
    long[] dims = new long[out.size()];
    for (int j = 0; j < dims.length; j++) {
      long[] o = out.get(j);
      dims[j] = o[0] < 0 ? 1 : sizes[(int) o[0]];
    }
    return TensorValue.withData(dims, data(x, sizes, starts, steps), x.integral());
  }

  private static boolean bit(long mask, int i) {
    return i < 63 && (mask >>> i & 1) == 1;
  }

  /**
   * Size and first index along one axis of size {@code d}; the size is -1 when {@code d} is unknown
   * (unless the slice's own bounds fix it). A shrunk axis takes one element at its begin.
   */
  private static long[] resolve(long d, AxisSlice s) {
    long st = s.stride();
    if (s.shrink()) {
      long b = s.begin() < 0 && d >= 0 ? d + s.begin() : s.begin();
      return new long[] {1, b};
    }
    if (d < 0) {
      // both bounds given and of one sign: the size does not depend on the axis's size
      boolean fixed =
          !s.wholeBegin() && !s.wholeEnd() && (s.begin() >= 0) == (s.end() >= 0) && st > 0;
      return new long[] {fixed ? count(s.begin(), s.end(), st) : -1, s.begin()};
    }
    long lo = st > 0 ? 0 : -1;
    long hi = st > 0 ? d : d - 1;
    long b =
        s.wholeBegin()
            ? (st > 0 ? lo : hi)
            : clamp(s.begin() < 0 ? d + s.begin() : s.begin(), lo, hi);
    long e = s.wholeEnd() ? (st > 0 ? hi : lo) : clamp(s.end() < 0 ? d + s.end() : s.end(), lo, hi);
    return new long[] {count(b, e, st), b};
  }

  private static long clamp(long x, long lo, long hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  /** Elements from b towards e in steps of st: ceil((e - b) / st), at least 0. */
  private static long count(long b, long e, long st) {
    long len = Math.subtractExact(e, b);
    if (len == 0 || (len < 0) != (st < 0)) {
      return 0;
    }
    return len / st + (len % st != 0 ? 1 : 0);
  }

  /** The numbers of a sliced vector, or null. */
  private static double[] data(TensorValue x, long[] sizes, long[] starts, long[] steps) {
    if (!x.hasData() || x.rank() != 1 || sizes[0] < 0 || sizes[0] > TensorValue.MAX_DATA) {
      return null;
    }
    double[] d = new double[(int) sizes[0]];
    for (int j = 0; j < d.length; j++) {
      long src = starts[0] + j * steps[0];
      if (src < 0 || src >= x.elements()) {
        return null;
      }
      d[j] = x.at((int) src);
    }
    return d;
  }
}
