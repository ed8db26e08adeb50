package dev.neuronfit.estimate.graph;

import java.util.Arrays;
import java.util.Optional;

/**
 * Shapes of indexing, selection and reduction operators: Slice, Gather and its variants, TopK,
 * OneHot, the Reduce family, ArgMax/ArgMin, RoI pooling, and the operators whose output size
 * depends on the data (NonZero, NonMaxSuppression, Compress, Unique), whose sizes stay unknown.
 * Each costs 0 multiply-accumulates.
 */
final class IndexShapes {
  private IndexShapes() {}

  static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "Slice" -> Outcome.free(slice(v));
          case "Gather" -> Outcome.free(gather(v));
          case "GatherElements" ->
              Outcome.free(v.in(1).rankKnown() ? like(v.in(1), v.in(0)) : v.in(1));
          case "GatherND" -> Outcome.free(gatherNd(v));
          case "TopK" -> topK(v);
          case "OneHot" -> Outcome.free(oneHot(v));
          case "ArgMax", "ArgMin" ->
              Outcome.free(reduce(v, new long[] {v.integer("axis", 0)}, true));
          case "ReduceMean",
              "ReduceSum",
              "ReduceMax",
              "ReduceMin",
              "ReduceProd",
              "ReduceL1",
              "ReduceL2",
              "ReduceLogSum",
              "ReduceLogSumExp",
              "ReduceSumSquare" ->
              Outcome.free(reduce(v, v.intsFrom("axes", 1), false));
          case "RoiAlign" -> Outcome.free(roiAlign(v));
          case "MaxRoiPool" -> Outcome.free(maxRoiPool(v));
          case "NonZero" ->
              Outcome.free(
                  TensorValue.of(new long[] {v.in(0).rankKnown() ? v.in(0).rank() : -1, -1}, true));
          case "NonMaxSuppression" -> Outcome.free(TensorValue.of(new long[] {-1, 3}, true));
          case "Compress", "Unique" -> unknownOutputs(v);
          default -> null;
        });
  }

  private static Outcome unknownOutputs(NodeView v) {
    TensorValue[] outs = new TensorValue[v.outputCount()];
    Arrays.fill(outs, TensorValue.UNKNOWN);
    return Outcome.free(outs);
  }

  /** The dimensions of {@code shape} with the element kind of {@code kind}. */
  private static TensorValue like(TensorValue shape, TensorValue kind) {
    return TensorValue.of(shape.dims(), kind.integral());
  }

  private static TensorValue slice(NodeView v) {
    TensorValue x = v.in(0);
    if (!x.rankKnown() || x.rank() == 0) {
      return x;
    }
    int r = x.rank();
    boolean byInputs = v.inputCount() > 1;
    long[] starts = byInputs ? v.in(1).longs() : v.ints("starts");
    long[] ends = byInputs ? v.in(2).longs() : v.ints("ends");
    long[] axes = byInputs ? (v.present(3) ? v.in(3).longs() : null) : v.ints("axes");
    long[] steps = v.present(4) ? v.in(4).longs() : null;
    long[] out = x.dims();
    boolean axesUnknown = byInputs && v.present(3) && axes == null;
    if (starts == null || ends == null || axesUnknown || v.present(4) && steps == null) {
      if (axes != null && !axesUnknown) {
        for (long a : axes) {
          int i = x.axis(a);
          if (i >= 0) {
            out[i] = -1;
          }
        }
        return TensorValue.of(out, x.integral());
      }
      Arrays.fill(out, -1);
      return TensorValue.of(out, x.integral());
    }
    long[] begin = new long[r];
    long[] step = new long[r];
    Arrays.fill(step, 1);
    for (int k = 0; k < starts.length; k++) {
      int i = axes == null ? k : x.axis(axes[k]);
      long s = steps == null ? 1 : steps[k];
      long d = x.dim(i < 0 ? 0 : i);
      if (i < 0 || s == 0 || d < 0 || k >= ends.length) {
        if (i >= 0) {
          out[i] = -1;
        }
        continue;
      }
      long start = starts[k] < 0 ? starts[k] + d : starts[k];
      long end = ends[k] < 0 ? ends[k] + d : ends[k];
      long n;
      if (s > 0) {
        start = Math.max(0, Math.min(d, start));
        end = Math.max(0, Math.min(d, end));
        n = Math.max(0, Math.floorDiv(end - start + s - 1, s));
      } else {
        start = Math.max(0, Math.min(d - 1, start));
        end = Math.max(-1, Math.min(d - 1, end));
        n = Math.max(0, Math.floorDiv(start - end - s - 1, -s));
      }
      out[i] = n;
      begin[i] = start;
      step[i] = s;
    }
    return TensorValue.withData(out, sliceData(x, out, begin, step), x.integral());
  }

  /** The numbers of a slice, or null when they are not known. */
  private static double[] sliceData(TensorValue x, long[] out, long[] begin, long[] step) {
    TensorValue shape = TensorValue.of(out, false);
    long n = shape.elements();
    if (!x.hasData() || n < 0 || n > TensorValue.MAX_DATA) {
      return null;
    }
    int r = out.length;
    double[] d = new double[(int) n];
    for (int flat = 0; flat < n; flat++) {
      long rem = flat;
      long src = 0;
      long stride = 1;
      for (int i = r - 1; i >= 0; i--) {
        long c = rem % out[i];
        rem /= out[i];
        src += (begin[i] + c * step[i]) * stride;
        stride *= x.dim(i);
      }
      d[flat] = x.at((int) src);
    }
    return d;
  }

  private static TensorValue gather(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue idx = v.in(1);
    int axis = x.axis(v.integer("axis", 0));
    if (axis < 0 || !idx.rankKnown()) {
      return TensorValue.unknownRank(x.integral());
    }
    long[] xd = x.dims();
    long[] id = idx.dims();
    long[] out = new long[xd.length - 1 + id.length];
    System.arraycopy(xd, 0, out, 0, axis);
    System.arraycopy(id, 0, out, axis, id.length);
    System.arraycopy(xd, axis + 1, out, axis + id.length, xd.length - axis - 1);
    long[] indices = idx.longs();
    TensorValue result = TensorValue.of(out, x.integral());
    long n = result.elements();
    if (!x.hasData() || indices == null || n <= 0 || n > TensorValue.MAX_DATA) {
      return n == 0 ? TensorValue.withData(out, new double[0], x.integral()) : result;
    }
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= xd[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < xd.length; i++) {
      inner *= xd[i];
    }
    double[] d = new double[(int) n];
    int k = 0;
    for (long o = 0; o < outer; o++) {
      for (long j : indices) {
        long row = j < 0 ? j + xd[axis] : j;
        if (row < 0 || row >= xd[axis]) {
          return result;
        }
        for (long in = 0; in < inner; in++) {
          d[k++] = x.at((int) ((o * xd[axis] + row) * inner + in));
        }
      }
    }
    return TensorValue.withData(out, d, x.integral());
  }

  private static TensorValue gatherNd(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue idx = v.in(1);
    // batch_dims and the index depth come from the file: checked as longs against the rank
    // before they size an array (an int cast of 2^31 once wrapped into a huge allocation)
    long b = v.integer("batch_dims", 0);
    if (!x.rankKnown() || !idx.rankKnown() || idx.rank() == 0 || idx.dim(-1) < 0) {
      return TensorValue.unknownRank(x.integral());
    }
    long last = idx.dim(-1);
    long[] id = idx.dims();
    long[] xd = x.dims();
    if (b < 0 || b > xd.length || last > xd.length - b) {
      return TensorValue.unknownRank(x.integral());
    }
    int kept = (int) (xd.length - b - last);
    long[] out = new long[id.length - 1 + kept];
    System.arraycopy(id, 0, out, 0, id.length - 1);
    System.arraycopy(xd, xd.length - kept, out, id.length - 1, kept);
    return TensorValue.of(out, x.integral());
  }

  private static Outcome topK(NodeView v) {
    TensorValue x = v.in(0);
    if (!x.rankKnown()) {
      return Outcome.free(TensorValue.UNKNOWN, TensorValue.unknownRank(true));
    }
    long[] k = v.present(1) ? v.in(1).longs() : new long[] {v.integer("k", -1)};
    int axis = x.axis(v.integer("axis", -1));
    long[] out = x.dims();
    if (axis >= 0) {
      out[axis] = k == null || k.length != 1 ? -1 : k[0];
    }
    return Outcome.free(TensorValue.of(out, x.integral()), TensorValue.of(out, true));
  }

  private static TensorValue oneHot(NodeView v) {
    TensorValue idx = v.in(0);
    if (!idx.rankKnown()) {
      return TensorValue.UNKNOWN;
    }
    long[] depth = v.in(1).longs();
    int r = idx.rank() + 1;
    long a = v.integer("axis", -1);
    if (a < -r || a >= r) {
      return TensorValue.unknownRank(v.in(2).integral());
    }
    int axis = (int) (a < 0 ? a + r : a);
    long[] out = new long[r];
    for (int i = 0, j = 0; i < r; i++) {
      out[i] = i == axis ? depth == null || depth.length != 1 ? -1 : depth[0] : idx.dim(j++);
    }
    return TensorValue.of(out, v.in(2).integral());
  }

  /**
   * A reduction over {@code axes} (null: all axes, or none when {@code noop_with_empty_axes} is
   * set); numbers are kept for a whole reduction of a small tensor, as in shape arithmetic.
   */
  private static TensorValue reduce(NodeView v, long[] axes, boolean arg) {
    TensorValue x = v.in(0);
    boolean keep = v.integer("keepdims", 1) == 1;
    boolean integral = arg || x.integral();
    if (!x.rankKnown()) {
      return TensorValue.unknownRank(integral);
    }
    int r = x.rank();
    if (axes == null && v.present(1)) {
      if (!keep) {
        return TensorValue.unknownRank(integral);
      }
      long[] d = new long[r];
      Arrays.fill(d, -1);
      return TensorValue.of(d, integral);
    }
    if (axes == null && v.integer("noop_with_empty_axes", 0) == 1) {
      return x;
    }
    boolean[] reduced = new boolean[r];
    for (int i = 0; i < r; i++) {
      reduced[i] = axes == null;
    }
    for (long a : axes == null ? new long[0] : axes) {
      int i = x.axis(a);
      if (i < 0) {
        return TensorValue.unknownRank(integral);
      }
      reduced[i] = true;
    }
    long[] out =
        java.util.stream.IntStream.range(0, r)
            .filter(i -> keep || !reduced[i])
            .mapToLong(i -> reduced[i] ? 1 : x.dim(i))
            .toArray();
    boolean whole = true;
    for (boolean b : reduced) {
      whole &= b;
    }
    if (x.hasData() && whole && !arg && x.elements() > 0) {
      double[] d = x.data();
      double acc =
          switch (v.node().opType()) {
            case "ReduceMax" -> Arrays.stream(d).max().getAsDouble();
            case "ReduceMin" -> Arrays.stream(d).min().getAsDouble();
            case "ReduceSum" -> Arrays.stream(d).sum();
            case "ReduceMean" -> Arrays.stream(d).average().getAsDouble();
            case "ReduceProd" -> Arrays.stream(d).reduce(1, (p, q) -> p * q);
            default -> Double.NaN;
          };
      return TensorValue.withData(out, new double[] {acc}, integral);
    }
    return TensorValue.of(out, integral);
  }

  private static TensorValue roiAlign(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue rois = v.in(1);
    long channels = x.rankKnown() && x.rank() == 4 ? x.dim(1) : -1;
    long boxes = rois.rankKnown() && rois.rank() == 2 ? rois.dim(0) : -1;
    return TensorValue.of(
        new long[] {boxes, channels, v.integer("output_height", 1), v.integer("output_width", 1)},
        false);
  }

  private static TensorValue maxRoiPool(NodeView v) {
    TensorValue x = v.in(0);
    long[] pooled = v.ints("pooled_shape");
    TensorValue rois = v.in(1);
    return TensorValue.of(
        new long[] {
          rois.rankKnown() && rois.rank() == 2 ? rois.dim(0) : -1,
          x.rankKnown() && x.rank() == 4 ? x.dim(1) : -1,
          pooled == null || pooled.length != 2 ? -1 : pooled[0],
          pooled == null || pooled.length != 2 ? -1 : pooled[1]
        },
        false);
  }
}
