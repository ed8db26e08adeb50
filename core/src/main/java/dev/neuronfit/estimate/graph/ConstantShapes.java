package dev.neuronfit.estimate.graph;

import java.util.Arrays;
import java.util.Optional;

/**
 * Operators that make values rather than transform them: Shape and Size (whose numbers are the
 * dimensions known so far, so shape arithmetic downstream can be followed), Constant given by
 * attribute lists, ConstantOfShape and Range. Each costs 0 multiply-accumulates.
 */
final class ConstantShapes {
  private ConstantShapes() {}

  static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "Shape" -> Outcome.free(shape(v));
          case "Size" -> Outcome.free(size(v.in(0)));
          case "Constant" -> Outcome.free(constant(v));
          case "ConstantOfShape" -> Outcome.free(constantOfShape(v));
          case "Range" -> Outcome.free(range(v));
          default -> null;
        });
  }

  private static TensorValue shape(NodeView v) {
    TensorValue x = v.in(0);
    if (!x.rankKnown()) {
      return LayoutShapes.unknownDims(1, true);
    }
    int r = x.rank();
    long s = v.integer("start", 0);
    long e = v.integer("end", r);
    int start = (int) Math.max(0, Math.min(r, s < 0 ? s + r : s));
    int end = (int) Math.max(start, Math.min(r, e < 0 ? e + r : e));
    return TensorValue.vector(Arrays.copyOfRange(x.dims(), start, end));
  }

  private static TensorValue size(TensorValue x) {
    long n = x.elements();
    return TensorValue.withData(new long[0], new double[] {n < 0 ? Double.NaN : n}, true);
  }

  /** A Constant whose value is an attribute list (its tensor form is read as an initializer). */
  private static TensorValue constant(NodeView v) {
    long[] ints = v.ints("value_ints");
    if (ints == null && v.has("value_int")) {
      return TensorValue.withData(new long[0], new double[] {v.integer("value_int", 0)}, true);
    }
    if (ints != null) {
      return TensorValue.vector(ints);
    }
    double[] floats = v.floats("value_floats");
    if (floats != null) {
      return TensorValue.withData(new long[] {floats.length}, floats, false);
    }
    if (v.has("value_float")) {
      return TensorValue.withData(new long[0], new double[] {v.real("value_float", 0)}, false);
    }
    return TensorValue.UNKNOWN;
  }

  private static TensorValue constantOfShape(NodeView v) {
    long[] dims = LayoutShapes.dimsFrom(v.in(0));
    if (dims == null) {
      int n = LayoutShapes.lengthOf(v.in(0));
      return n < 0 ? TensorValue.UNKNOWN : LayoutShapes.unknownDims(n, false);
    }
    TensorValue shape = TensorValue.of(dims, false);
    long n = shape.elements();
    // the fill value is a tensor attribute whose number the reader does not keep; without the
    // attribute it is 0 (and an empty tensor needs no value)
    if (v.has("value") && n != 0 || n < 0 || n > TensorValue.MAX_DATA) {
      return shape;
    }
    return TensorValue.withData(dims, new double[(int) n], false);
  }

  private static TensorValue range(NodeView v) {
    TensorValue s = v.in(0);
    boolean integral = s.integral();
    if (!s.hasData() || !v.in(1).hasData() || !v.in(2).hasData()) {
      return LayoutShapes.unknownDims(1, integral);
    }
    double start = s.at(0);
    double limit = v.in(1).at(0);
    double delta = v.in(2).at(0);
    double count = Math.max(Math.ceil((limit - start) / delta), 0);
    if (Double.isNaN(count) || Double.isInfinite(count)) {
      return LayoutShapes.unknownDims(1, integral);
    }
    long n = (long) count;
    if (n > TensorValue.MAX_DATA) {
      return TensorValue.of(new long[] {n}, integral);
    }
    double[] d = new double[(int) n];
    for (int i = 0; i < n; i++) {
      d[i] = start + i * delta;
    }
    return TensorValue.withData(new long[] {n}, d, integral);
  }
}
