package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.graph.Broadcast;
import dev.neuronfit.estimate.graph.LayoutShapes;
import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.Outcome;
import dev.neuronfit.estimate.graph.ShapePropagation;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TensorFlow's ops that move, select, reduce or make values without arithmetic, and the shape
 * arithmetic built from them ({@code Shape -> StridedSlice -> Pack -> Reshape}, Tensordot's {@code
 * Shape -> GatherV2 -> Prod}). Where an ONNX operator has the same meaning once TensorFlow's
 * operand inputs are read as its attributes (ConcatV2's axis, Transpose's perm, ExpandDims' dim),
 * the ONNX shape function is used; StridedSlice, Pack, Unpack, Fill and Cast are TensorFlow's own.
 * Each costs 0 multiply-accumulates.
 */
final class TfArrayShapes {
  private TfArrayShapes() {}

  private static final Map<String, String> REDUCTIONS =
      Map.of(
          "Mean", "ReduceMean",
          "Sum", "ReduceSum",
          "Max", "ReduceMax",
          "Min", "ReduceMin",
          "Prod", "ReduceProd",
          "All", "ReduceL1",
          "Any", "ReduceL1",
          "EuclideanNorm", "ReduceL2");

  /** The ops {@link #apply} knows. */
  static final Set<String> OPS =
      Set.of(
          "Mean",
          "Sum",
          "Max",
          "Min",
          "Prod",
          "All",
          "Any",
          "EuclideanNorm",
          "Reshape",
          "Transpose",
          "ConjugateTranspose",
          "ConcatV2",
          "Concat",
          "Pack",
          "Unpack",
          "Squeeze",
          "ExpandDims",
          "Split",
          "SplitV",
          "Slice",
          "StridedSlice",
          "GatherV2",
          "Gather",
          "ResourceGather",
          "GatherNd",
          "ResourceGatherNd",
          "Tile",
          "Pad",
          "PadV2",
          "MirrorPad",
          "BroadcastTo",
          "Fill",
          "ZerosLike",
          "OnesLike",
          "Shape",
          "ShapeN",
          "Size",
          "Rank",
          "Range",
          "ArgMax",
          "ArgMin",
          "OneHot",
          "TopKV2",
          "Cast",
          "Where");

  static Optional<Outcome> apply(String op, NodeView v) {
    if (REDUCTIONS.containsKey(op)) {
      return Optional.of(Outcome.free(reduce(REDUCTIONS.get(op), v)));
    }
    return Optional.ofNullable(
        switch (op) {
          case "Reshape" -> onnx("Reshape", List.of(v.in(0), v.in(1)), Map.of("allowzero", i(1)));
          case "Transpose", "ConjugateTranspose" -> Outcome.free(transpose(v));
          case "ConcatV2" -> concat(v, v.inputCount() - 1, 0, v.inputCount() - 1);
          case "Concat" -> concat(v, 0, 1, v.inputCount());
          case "Pack" -> Outcome.free(pack(v));
          case "Unpack" -> unpack(v);
          case "Squeeze" -> squeeze(v);
          case "ExpandDims" -> expandDims(v);
          case "Split" -> split(v, v.in(1), v.in(0), null);
          case "SplitV" -> split(v, v.in(0), v.in(2), v.in(1).longs());
          case "Slice" -> slice(v);
          case "StridedSlice" -> Outcome.free(TfStridedSlice.apply(v));
          case "GatherV2" -> gather(v, v.in(0), v.in(1), v.in(2).longs());
          case "Gather", "ResourceGather" -> gather(v, v.in(0), v.in(1), new long[] {0});
          case "GatherNd", "ResourceGatherNd" ->
              onnx("GatherND", List.of(v.in(0), v.in(1)), Map.of());
          case "Tile" -> onnx("Tile", List.of(v.in(0), v.in(1)), Map.of());
          case "Pad", "PadV2", "MirrorPad" -> pad(v);
          case "BroadcastTo" -> onnx("Expand", List.of(v.in(0), v.in(1)), Map.of());
          case "Fill" -> Outcome.free(fill(v.in(0), v.in(1)));
          case "RandomUniform",
              "RandomUniformInt",
              "RandomStandardNormal",
              "TruncatedNormal",
              "StatelessRandomUniformV2",
              "StatelessRandomNormalV2",
              "StatelessTruncatedNormalV2" ->
              Outcome.free(fill(v.in(0), TensorValue.UNKNOWN));
          case "ZerosLike" -> Outcome.free(like(v.in(0), 0));
          case "OnesLike" -> Outcome.free(like(v.in(0), 1));
          case "Shape" -> onnx("Shape", List.of(v.in(0)), Map.of());
          case "ShapeN" -> shapeN(v);
          case "Size" -> onnx("Size", List.of(v.in(0)), Map.of());
          case "Rank" -> Outcome.free(rank(v.in(0)));
          case "Range" -> onnx("Range", List.of(v.in(0), v.in(1), v.in(2)), Map.of());
          case "ArgMax", "ArgMin" -> argMax(v);
          case "OneHot" ->
              onnx(
                  "OneHot",
                  List.of(v.in(0), v.in(1), v.in(2)),
                  Map.of("axis", i(v.integer("axis", -1))));
          case "TopKV2" -> onnx("TopK", List.of(v.in(0), v.in(1)), Map.of());
          case "Cast" -> Outcome.free(cast(v));
          case "Where" -> Outcome.free(where(v.in(0)));
          default -> null;
        });
  }

  private static AttributeValue i(long value) {
    return new AttributeValue.Int(value);
  }

  private static AttributeValue ints(long... values) {
    return new AttributeValue.Ints(Arrays.stream(values).boxed().toList());
  }

  /** The ONNX operator's shape function on these inputs and attributes. */
  private static Outcome onnx(String op, List<TensorValue> ins, Map<String, AttributeValue> attrs) {
    return onnx(op, ins, attrs, 1);
  }

  private static Outcome onnx(
      String op, List<TensorValue> ins, Map<String, AttributeValue> attrs, int outputs) {
    return ShapePropagation.apply(op, NodeView.of(op, ins, attrs, outputs))
        .orElse(Outcome.free(TensorValue.UNKNOWN));
  }

  /** A single axis given as a scalar or one-element input, or null. */
  static Long axis(TensorValue t) {
    long[] a = t.longs();
    return a != null && a.length == 1 ? a[0] : null;
  }

  private static TensorValue unknownLike(TensorValue x) {
    return x.rankKnown() ? LayoutShapes.unknownDims(x.rank(), x.integral()) : x;
  }

  private static TensorValue transpose(NodeView v) {
    TensorValue x = v.in(0);
    long[] perm = v.in(1).longs();
    if (perm == null) {
      return unknownLike(x);
    }
    return onnx("Transpose", List.of(x), Map.of("perm", ints(perm))).outputs().get(0);
  }

  /** ConcatV2 (values..., axis) or the older Concat (axis, values...). */
  private static Outcome concat(NodeView v, int axisInput, int from, int to) {
    List<TensorValue> values = new ArrayList<>();
    for (int k = from; k < to; k++) {
      values.add(v.in(k));
    }
    Long axis = axis(v.in(axisInput));
    if (axis == null || values.isEmpty()) {
      TensorValue first = values.isEmpty() ? TensorValue.UNKNOWN : values.get(0);
      return Outcome.free(unknownLike(first));
    }
    return onnx("Concat", values, Map.of("axis", i(axis)));
  }

  /** Pack: the inputs stacked along a new axis; the numbers of stacked scalars are kept. */
  private static TensorValue pack(NodeView v) {
    int n = v.inputCount();
    TensorValue first = n == 0 ? TensorValue.UNKNOWN : v.in(0);
    long[] dims = null;
    for (int k = 0; k < n; k++) {
      if (v.in(k).rankKnown()) {
        dims = dims == null ? v.in(k).dims() : Broadcast.dims(dims, v.in(k).dims());
      }
    }
    if (dims == null) {
      return TensorValue.unknownRank(first.integral());
    }
    int r = dims.length + 1;
    long a = v.integer("axis", 0);
    int axis = a < -r || a >= r ? -1 : (int) (a < 0 ? a + r : a);
    if (axis < 0 || axis >= r) {
      return TensorValue.unknownRank(first.integral());
    }
    long[] out = new long[r];
    for (int k = 0, j = 0; k < r; k++) {
      out[k] = k == axis ? n : dims[j++];
    }
    if (dims.length == 0 && n <= TensorValue.MAX_DATA) {
      double[] d = new double[n];
      for (int k = 0; k < n; k++) {
        d[k] = v.in(k).hasData() && v.in(k).elements() == 1 ? v.in(k).at(0) : Double.NaN;
      }
      return TensorValue.withData(out, d, first.integral());
    }
    return TensorValue.of(out, first.integral());
  }

  private static Outcome unpack(NodeView v) {
    TensorValue x = v.in(0);
    long num = v.integer("num", 1);
    int n = (int) Math.max(1, Math.min(num, 4096));
    TensorValue[] outs = new TensorValue[n];
    int axis = x.axis(v.integer("axis", 0));
    if (axis < 0) {
      Arrays.fill(outs, TensorValue.unknownRank(x.integral()));
      return Outcome.free(outs);
    }
    long[] d = x.dims();
    long[] out = new long[d.length - 1];
    for (int k = 0, j = 0; k < d.length; k++) {
      if (k != axis) {
        out[j++] = d[k];
      }
    }
    for (int k = 0; k < n; k++) {
      boolean scalarData = x.hasData() && x.rank() == 1 && k < x.elements();
      outs[k] =
          scalarData
              ? TensorValue.withData(out, new double[] {x.at(k)}, x.integral())
              : TensorValue.of(out, x.integral());
    }
    return Outcome.free(outs);
  }

  private static Outcome squeeze(NodeView v) {
    long[] dims = v.ints("squeeze_dims");
    dims = dims == null ? v.ints("axis") : dims;
    Map<String, AttributeValue> attrs = dims == null ? Map.of() : Map.of("axes", ints(dims));
    return onnx("Squeeze", List.of(v.in(0)), attrs);
  }

  private static Outcome expandDims(NodeView v) {
    Long axis = axis(v.in(1));
    if (axis == null) {
      TensorValue x = v.in(0);
      return Outcome.free(
          x.rankKnown()
              ? LayoutShapes.unknownDims(x.rank() + 1, x.integral())
              : TensorValue.unknownRank(x.integral()));
    }
    return onnx("Unsqueeze", List.of(v.in(0)), Map.of("axes", ints(axis)));
  }

  /** Split (equal parts) and SplitV (given sizes, one of which may be -1: the rest). */
  private static Outcome split(NodeView v, TensorValue x, TensorValue axisInput, long[] sizes) {
    int n = (int) Math.max(1, Math.min(v.integer("num_split", 1), 4096));
    Long axis = axis(axisInput);
    int a = axis == null ? -1 : x.axis(axis);
    if (a < 0 || sizes != null && sizes.length != n) {
      TensorValue[] outs = new TensorValue[n];
      Arrays.fill(outs, unknownLike(x));
      return Outcome.free(outs);
    }
    Map<String, AttributeValue> attrs = new HashMap<>();
    attrs.put("axis", i(a));
    if (sizes != null) {
      long[] s = sizes.clone();
      long known = 0;
      int rest = -1;
      for (int k = 0; k < s.length; k++) {
        if (s[k] < 0) {
          rest = k;
        } else {
          known += s[k];
        }
      }
      if (rest >= 0) {
        s[rest] = x.dim(a) < 0 ? -1 : x.dim(a) - known;
      }
      attrs.put("split", ints(s));
    }
    return onnx("Split", List.of(x), attrs, n);
  }

  /** Slice(x, begin, size): a size of -1 takes the rest of the axis. */
  private static Outcome slice(NodeView v) {
    TensorValue x = v.in(0);
    long[] begin = v.in(1).longs();
    long[] size = v.in(2).longs();
    if (!x.rankKnown() || begin == null || size == null || begin.length != size.length) {
      return Outcome.free(unknownLike(x));
    }
    long[] end = new long[size.length];
    for (int k = 0; k < end.length; k++) {
      end[k] = size[k] < 0 ? Long.MAX_VALUE : Math.addExact(begin[k], size[k]);
    }
    return onnx(
        "Slice", List.of(x, TensorValue.integers(begin), TensorValue.integers(end)), Map.of());
  }

  private static Outcome gather(NodeView v, TensorValue params, TensorValue idx, long[] axis) {
    long batchDims = v.integer("batch_dims", 0);
    if (axis == null || axis.length != 1) {
      return Outcome.free(TensorValue.unknownRank(params.integral()));
    }
    if (batchDims == 0) {
      return onnx("Gather", List.of(params, idx), Map.of("axis", i(axis[0])));
    }
    int a = params.axis(axis[0]);
    if (a < 0 || !idx.rankKnown()) {
      return Outcome.free(TensorValue.unknownRank(params.integral()));
    }
    int b = idx.axis(batchDims);
    if (b < 0 || b > a) {
      return Outcome.free(TensorValue.unknownRank(params.integral()));
    }
    long[] p = params.dims();
    long[] id = idx.dims();
    long[] out = new long[a + id.length - b + p.length - a - 1];
    System.arraycopy(p, 0, out, 0, a);
    System.arraycopy(id, b, out, a, id.length - b);
    System.arraycopy(p, a + 1, out, a + id.length - b, p.length - a - 1);
    return Outcome.free(TensorValue.of(out, params.integral()));
  }

  /** Pad(x, paddings [rank, 2]): ONNX lists all befores, then all afters. */
  private static Outcome pad(NodeView v) {
    TensorValue x = v.in(0);
    long[] p = v.in(1).longs();
    if (!x.rankKnown() || p == null || p.length != 2 * x.rank()) {
      return Outcome.free(unknownLike(x));
    }
    int r = x.rank();
    long[] pads = new long[2 * r];
    for (int k = 0; k < r; k++) {
      pads[k] = p[2 * k];
      pads[r + k] = p[2 * k + 1];
    }
    return onnx("Pad", List.of(x), Map.of("pads", ints(pads)));
  }

  private static TensorValue fill(TensorValue dims, TensorValue value) {
    long[] d = LayoutShapes.dimsFrom(dims);
    if (d == null) {
      int n = LayoutShapes.lengthOf(dims);
      return n < 0 ? TensorValue.unknownRank(value.integral()) : LayoutShapes.unknownDims(n, false);
    }
    TensorValue shape = TensorValue.of(d, value.integral());
    long n = shape.elements();
    if (!value.hasData() || value.elements() != 1 || n < 0 || n > TensorValue.MAX_DATA) {
      return shape;
    }
    double[] data = new double[(int) n];
    Arrays.fill(data, value.at(0));
    return TensorValue.withData(d, data, value.integral());
  }

  private static TensorValue like(TensorValue x, double fill) {
    if (!x.rankKnown()) {
      return x;
    }
    return fill(
        TensorValue.vector(x.dims()),
        TensorValue.withData(new long[0], new double[] {fill}, x.integral()));
  }

  private static Outcome shapeN(NodeView v) {
    TensorValue[] outs = new TensorValue[Math.max(1, v.inputCount())];
    Arrays.fill(outs, TensorValue.UNKNOWN);
    for (int k = 0; k < v.inputCount(); k++) {
      outs[k] = onnx("Shape", List.of(v.in(k)), Map.of()).outputs().get(0);
    }
    return Outcome.free(outs);
  }

  private static TensorValue rank(TensorValue x) {
    return TensorValue.withData(
        new long[0], new double[] {x.rankKnown() ? x.rank() : Double.NaN}, true);
  }

  /** Mean, Sum, Prod ... (x, axes) with {@code keep_dims}; an empty list of axes reduces none. */
  private static TensorValue reduce(String onnx, NodeView v) {
    TensorValue x = v.in(0);
    long[] axes = v.in(1).longs();
    boolean keep = v.integer("keep_dims", 0) == 1;
    if (axes == null) {
      return keep ? unknownLike(x) : TensorValue.unknownRank(x.integral());
    }
    if (axes.length == 0) {
      return x;
    }
    return onnx(onnx, List.of(x), Map.of("axes", ints(axes), "keepdims", i(keep ? 1 : 0)))
        .outputs()
        .get(0);
  }

  private static Outcome argMax(NodeView v) {
    Long axis = axis(v.in(1));
    if (axis == null) {
      return Outcome.free(TensorValue.unknownRank(true));
    }
    String op = v.node().opType();
    return onnx(op, List.of(v.in(0)), Map.of("axis", i(axis), "keepdims", i(0)));
  }

  /** Cast to {@code DstT}: numbers kept, whole towards zero for an integer type. */
  private static TensorValue cast(NodeView v) {
    TensorValue x = v.in(0);
    boolean integral =
        DType.fromTensorFlowCode(v.integer("DstT", 1))
            .map(t -> t.name().startsWith("I") || t.name().startsWith("U") || t == DType.BOOL)
            .orElse(false);
    if (!x.rankKnown()) {
      return TensorValue.unknownRank(integral);
    }
    if (!x.hasData()) {
      return TensorValue.of(x.dims(), integral);
    }
    double[] d = x.data();
    if (integral) {
      for (int k = 0; k < d.length; k++) {
        d[k] = d[k] < 0 ? Math.ceil(d[k]) : Math.floor(d[k]);
      }
    }
    return TensorValue.withData(x.dims(), d, integral);
  }

  /** Where(condition): the coordinates of its true elements, as many as the data has. */
  private static TensorValue where(TensorValue cond) {
    return TensorValue.of(new long[] {-1, cond.rankKnown() ? cond.rank() : -1}, true);
  }
}
