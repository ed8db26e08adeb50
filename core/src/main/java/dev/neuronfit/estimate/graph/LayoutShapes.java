package dev.neuronfit.estimate.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Shapes of operators that move data without arithmetic: Reshape, Transpose, Flatten, Squeeze,
 * Unsqueeze, Expand, Tile, Concat, Split, Pad, Resize and DepthToSpace. Each costs 0
 * multiply-accumulates. Where the numbers of the input are known (shape vectors), they are carried
 * through, so a shape computed in the graph can feed a later Reshape or Expand.
 */
public final class LayoutShapes {
  private LayoutShapes() {}

  public static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "Reshape" -> Outcome.free(reshape(v));
          case "Transpose" -> Outcome.free(transpose(v));
          case "Flatten" -> Outcome.free(flatten(v));
          case "Squeeze" -> Outcome.free(squeeze(v));
          case "Unsqueeze" -> Outcome.free(unsqueeze(v));
          case "Expand" -> Outcome.free(expand(v));
          case "Tile" -> Outcome.free(tile(v));
          case "Concat" -> Outcome.free(concat(v));
          case "Split" -> split(v);
          case "Pad" -> Outcome.free(pad(v));
          case "Resize", "Upsample" -> Outcome.free(resize(v));
          case "DepthToSpace" -> Outcome.free(blocks(v.in(0), v.integer("blocksize", 1), true));
          case "SpaceToDepth" -> Outcome.free(blocks(v.in(0), v.integer("blocksize", 1), false));
          default -> null;
        });
  }

  /** A shape given as numbers: unknown numbers become unknown dimensions; null when not known. */
  public static long[] dimsFrom(TensorValue shape) {
    if (!shape.hasData()) {
      return null;
    }
    double[] d = shape.data();
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = Double.isNaN(d[i]) ? -1 : (long) d[i];
    }
    return out;
  }

  /**
   * The rank a shape vector gives when its numbers are not known, or -1 (also when the length is
   * beyond {@link TensorValue#MAX_RANK}: the length is a dimension from the file, and the dims
   * array of the result is allocated from it).
   */
  public static int lengthOf(TensorValue shape) {
    return shape.rankKnown()
            && shape.rank() == 1
            && shape.dim(0) >= 0
            && shape.dim(0) <= TensorValue.MAX_RANK
        ? (int) shape.dim(0)
        : -1;
  }

  public static TensorValue unknownDims(int rank, boolean integral) {
    long[] d = new long[rank];
    Arrays.fill(d, -1);
    return TensorValue.of(d, integral);
  }

  private static TensorValue reshape(NodeView v) {
    TensorValue x = v.in(0);
    long[] target = dimsFrom(v.in(1));
    if (target == null) {
      int rank = lengthOf(v.in(1));
      return rank < 0 ? TensorValue.unknownRank(x.integral()) : unknownDims(rank, x.integral());
    }
    boolean allowZero = v.integer("allowzero", 0) == 1;
    double[] raw = v.in(1).data();
    long[] out = new long[target.length];
    int infer = -1;
    for (int i = 0; i < target.length; i++) {
      if (Double.isNaN(raw[i])) {
        out[i] = -1;
      } else if (target[i] == 0 && !allowZero) {
        out[i] = x.rankKnown() && i < x.rank() ? x.dim(i) : -1;
      } else if (target[i] == -1) {
        infer = i;
        out[i] = -1;
      } else {
        out[i] = target[i];
      }
    }
    if (infer >= 0) {
      long rest = 1;
      for (int i = 0; i < out.length; i++) {
        rest = i == infer ? rest : out[i] < 0 || rest < 0 ? -1 : rest * out[i];
      }
      long total = x.elements();
      out[infer] = total >= 0 && rest > 0 ? total / rest : -1;
    }
    return x.hasData() ? x.reshaped(out) : TensorValue.of(out, x.integral());
  }

  private static TensorValue transpose(NodeView v) {
    TensorValue x = v.in(0);
    if (!x.rankKnown()) {
      return TensorValue.unknownRank(x.integral());
    }
    long[] perm = v.ints("perm");
    int r = x.rank();
    if (perm != null && perm.length != r) {
      return unknownDims(r, x.integral());
    }
    int[] from = new int[r];
    long[] out = new long[r];
    for (int i = 0; i < r; i++) {
      from[i] = perm == null ? r - 1 - i : x.axis(perm[i]);
      if (from[i] < 0) {
        return unknownDims(r, x.integral());
      }
      out[i] = x.dim(from[i]);
    }
    if (!x.hasData()) {
      return TensorValue.of(out, x.integral());
    }
    long[] in = x.dims();
    long[] inStride = new long[r];
    for (int i = r - 1, s = 1; i >= 0; s *= (int) in[i], i--) {
      inStride[i] = s;
    }
    double[] d = new double[(int) x.elements()];
    for (int flat = 0; flat < d.length; flat++) {
      long rem = flat;
      long src = 0;
      for (int i = r - 1; i >= 0; i--) {
        src += (rem % out[i]) * inStride[from[i]];
        rem /= out[i];
      }
      d[flat] = x.at((int) src);
    }
    return TensorValue.withData(out, d, x.integral());
  }

  private static long product(long[] d, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      p = d[i] < 0 || p < 0 ? -1 : Math.multiplyExact(p, d[i]);
    }
    return p;
  }

  private static TensorValue flatten(NodeView v) {
    TensorValue x = v.in(0);
    if (!x.rankKnown()) {
      return unknownDims(2, x.integral());
    }
    long a = v.integer("axis", 1);
    if (a < -x.rank() || a > x.rank()) {
      return unknownDims(2, x.integral());
    }
    int axis = (int) (a < 0 ? a + x.rank() : a);
    long[] d = x.dims();
    long[] out = {product(d, 0, axis), product(d, axis, d.length)};
    return x.hasData() ? x.reshaped(out) : TensorValue.of(out, x.integral());
  }

  private static TensorValue squeeze(NodeView v) {
    TensorValue x = v.in(0);
    long[] axes = v.intsFrom("axes", 1);
    if (!x.rankKnown() || axes == null && (v.present(1) || !x.shapeKnown())) {
      return TensorValue.unknownRank(x.integral());
    }
    boolean[] drop = new boolean[x.rank()];
    if (axes == null) {
      for (int i = 0; i < drop.length; i++) {
        drop[i] = x.dim(i) == 1;
      }
    } else {
      for (long a : axes) {
        int i = x.axis(a);
        if (i < 0) {
          return TensorValue.unknownRank(x.integral());
        }
        drop[i] = true;
      }
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < drop.length; i++) {
      if (!drop[i]) {
        out.add(x.dim(i));
      }
    }
    long[] d = out.stream().mapToLong(Long::longValue).toArray();
    return x.hasData() ? x.reshaped(d) : TensorValue.of(d, x.integral());
  }

  private static TensorValue unsqueeze(NodeView v) {
    TensorValue x = v.in(0);
    long[] axes = v.intsFrom("axes", 1);
    if (!x.rankKnown() || axes == null) {
      return TensorValue.unknownRank(x.integral());
    }
    int rank = x.rank() + axes.length;
    boolean[] inserted = new boolean[rank];
    for (long a : axes) {
      long i = a < 0 ? a + rank : a;
      if (i < 0 || i >= rank) {
        return TensorValue.unknownRank(x.integral());
      }
      inserted[(int) i] = true;
    }
    long[] out = new long[rank];
    for (int i = 0, j = 0; i < rank; i++) {
      out[i] = inserted[i] ? 1 : x.dim(j++);
    }
    return x.hasData() ? x.reshaped(out) : TensorValue.of(out, x.integral());
  }

  private static TensorValue expand(NodeView v) {
    TensorValue x = v.in(0);
    long[] target = dimsFrom(v.in(1));
    if (target == null) {
      int n = lengthOf(v.in(1));
      if (n < 0 || !x.rankKnown()) {
        return TensorValue.unknownRank(x.integral());
      }
      target = new long[n];
      Arrays.fill(target, -1);
    }
    if (!x.rankKnown()) {
      return unknownDims(target.length, x.integral());
    }
    long[] out = Broadcast.dims(x.dims(), target);
    return TensorValue.withData(out, Broadcast.spread(x, out), x.integral());
  }

  private static TensorValue tile(NodeView v) {
    TensorValue x = v.in(0);
    long[] reps = v.in(1).longs();
    if (!x.rankKnown() || reps == null || reps.length != x.rank()) {
      return x.rankKnown() ? unknownDims(x.rank(), x.integral()) : x;
    }
    long[] out = x.dims();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] < 0 ? -1 : out[i] * reps[i];
    }
    return TensorValue.of(out, x.integral());
  }

  private static TensorValue concat(NodeView v) {
    List<TensorValue> ins = new ArrayList<>();
    int rank = -1;
    for (int i = 0; i < v.inputCount(); i++) {
      ins.add(v.in(i));
      rank = v.in(i).rankKnown() ? v.in(i).rank() : rank;
    }
    boolean integral = !ins.isEmpty() && ins.get(0).integral();
    if (rank < 0) {
      return TensorValue.unknownRank(integral);
    }
    long a = v.integer("axis", 0);
    int axis = a < -rank || a >= rank ? -1 : (int) (a < 0 ? a + rank : a);
    if (axis < 0 || axis >= rank) {
      return TensorValue.unknownRank(integral);
    }
    long[] out = new long[rank];
    Arrays.fill(out, -1);
    long sum = 0;
    List<Double> data = new ArrayList<>();
    boolean allData = true;
    for (TensorValue t : ins) {
      if (!t.rankKnown() || t.rank() != rank) {
        sum = -1;
        allData = false;
        continue;
      }
      for (int i = 0; i < rank; i++) {
        if (i != axis && out[i] < 0) {
          out[i] = t.dim(i);
        }
      }
      sum = sum < 0 || t.dim(axis) < 0 ? -1 : sum + t.dim(axis);
      if (t.hasData()) {
        for (double d : t.data()) {
          data.add(d);
        }
      } else {
        allData = false;
      }
    }
    out[axis] = sum;
    if (allData && axis == 0) {
      return TensorValue.withData(
          out, data.stream().mapToDouble(Double::doubleValue).toArray(), integral);
    }
    return TensorValue.of(out, integral);
  }

  private static Outcome split(NodeView v) {
    TensorValue x = v.in(0);
    int n = v.outputCount();
    TensorValue[] outs = new TensorValue[n];
    int axis = x.axis(v.integer("axis", 0));
    if (axis < 0) {
      Arrays.fill(outs, TensorValue.unknownRank(x.integral()));
      return Outcome.free(outs);
    }
    long total = x.dim(axis);
    long[] sizes = v.intsFrom("split", 1);
    for (int i = 0; i < n; i++) {
      long[] d = x.dims();
      if (sizes != null && sizes.length == n) {
        d[axis] = sizes[i];
      } else if (total >= 0 && sizes == null && !v.present(1)) {
        long part = (total + n - 1) / n; // opset 18: the last part may be smaller
        d[axis] = Math.max(0, Math.min(part, total - part * i));
      } else {
        d[axis] = -1;
      }
      outs[i] = TensorValue.of(d, x.integral());
    }
    return Outcome.free(outs);
  }

  private static TensorValue pad(NodeView v) {
    TensorValue x = v.in(0);
    long[] pads = v.intsFrom("pads", 1);
    if (!x.rankKnown()) {
      return x;
    }
    int r = x.rank();
    long[] axes = v.present(3) ? v.in(3).longs() : null;
    if (pads == null || v.present(3) && axes == null) {
      return unknownDims(r, x.integral());
    }
    int[] which = new int[axes == null ? r : axes.length];
    for (int i = 0; i < which.length; i++) {
      which[i] = axes == null ? i : x.axis(axes[i]);
      if (which[i] < 0 || pads.length != 2 * which.length) {
        return unknownDims(r, x.integral());
      }
    }
    long[] out = x.dims();
    for (int i = 0; i < which.length; i++) {
      long d = out[which[i]];
      out[which[i]] = d < 0 ? -1 : d + pads[i] + pads[i + which.length];
    }
    return TensorValue.of(out, x.integral());
  }

  private static TensorValue resize(NodeView v) {
    TensorValue x = v.in(0);
    if (!x.rankKnown()) {
      return x;
    }
    int r = x.rank();
    long[] axes = v.ints("axes");
    int[] which = new int[axes == null ? r : axes.length];
    for (int i = 0; i < which.length; i++) {
      which[i] = axes == null ? i : x.axis(axes[i]);
    }
    long[] out = x.dims();
    long[] sizes = v.present(3) ? v.in(3).longs() : null;
    if (sizes != null && sizes.length == which.length) {
      for (int i = 0; i < which.length; i++) {
        out[which[i]] = sizes[i];
      }
      return TensorValue.of(out, x.integral());
    }
    TensorValue scaleInput =
        v.in(v.node().opType().equals("Upsample") || v.inputCount() == 2 ? 1 : 2);
    double[] scales =
        v.has("scales") ? v.floats("scales") : scaleInput.hasData() ? scaleInput.data() : null;
    if (scales == null || scales.length != which.length) {
      return unknownDims(r, x.integral());
    }
    for (int i = 0; i < which.length; i++) {
      long d = out[which[i]];
      out[which[i]] = d < 0 || Double.isNaN(scales[i]) ? -1 : (long) Math.floor(d * scales[i]);
    }
    return TensorValue.of(out, x.integral());
  }

  private static TensorValue blocks(TensorValue x, long b, boolean toSpace) {
    if (!x.rankKnown() || x.rank() != 4) {
      return TensorValue.unknownRank(x.integral());
    }
    long[] d = x.dims();
    long[] out = new long[4];
    out[0] = d[0];
    out[1] = d[1] < 0 ? -1 : toSpace ? d[1] / (b * b) : d[1] * b * b;
    for (int i = 2; i < 4; i++) {
      out[i] = d[i] < 0 ? -1 : toSpace ? d[i] * b : d[i] / b;
    }
    return TensorValue.of(out, x.integral());
  }
}
