package dev.neuronfit.estimate.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Shapes of element-wise operators (unary, broadcasting binary and variadic, Where, Clip, Cast),
 * normalisations and softmax: none of them multiplies and accumulates, so each costs 0 here, but
 * their shapes carry on to the operators that do. Numbers of small integer values (shape arithmetic
 * such as {@code Shape -> Gather -> Div -> Concat -> Reshape}) are computed too.
 */
public final class ElementwiseShapes {
  private ElementwiseShapes() {}

  /** Operators whose output has the shape of their first input and whose numbers are not kept. */
  private static final Set<String> SAME_SHAPE =
      Set.of(
          "Sigmoid",
          "Tanh",
          "Erf",
          "Sin",
          "Cos",
          "Tan",
          "Asin",
          "Acos",
          "Atan",
          "Sinh",
          "Cosh",
          "Asinh",
          "Acosh",
          "Atanh",
          "LeakyRelu",
          "Elu",
          "Selu",
          "Celu",
          "HardSigmoid",
          "HardSwish",
          "Softplus",
          "Softsign",
          "Gelu",
          "Mish",
          "ThresholdedRelu",
          "Shrink",
          "Softmax",
          "LogSoftmax",
          "Hardmax",
          "IsNaN",
          "IsInf",
          "Trilu",
          "CumSum",
          "BitwiseNot",
          "LRN",
          "LpNormalization",
          "MeanVarianceNormalization",
          "InstanceNormalization",
          "BatchNormalization",
          "GroupNormalization",
          "LayerNormalization",
          "RMSNormalization",
          "QuantizeLinear",
          "DequantizeLinear",
          "Dropout",
          "EyeLike",
          "RandomNormalLike",
          "RandomUniformLike",
          "Bernoulli",
          "ScatterElements",
          "ScatterND",
          "Scatter",
          "Det",
          "PRelu",
          "com.microsoft::FastGelu",
          "com.microsoft::BiasGelu",
          "com.microsoft::Gelu",
          "com.microsoft::QuickGelu",
          "com.microsoft::BiasAdd",
          "com.microsoft::RotaryEmbedding",
          "com.microsoft::SkipLayerNormalization",
          "com.microsoft::SkipSimplifiedLayerNormalization",
          "com.microsoft::SimplifiedLayerNormalization",
          "com.microsoft::LayerNormalization",
          "com.microsoft::GroupNorm",
          "com.microsoft::SkipGroupNorm",
          "SimplifiedLayerNormalization",
          "ImageScaler");

  /** Operators that return a boolean. */
  private static final Set<String> BOOLEAN =
      Set.of(
          "Equal",
          "Less",
          "Greater",
          "LessOrEqual",
          "GreaterOrEqual",
          "And",
          "Or",
          "Xor",
          "Not",
          "IsNaN",
          "IsInf");

  public static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "Identity" -> Outcome.free(v.in(0));
          case "Neg" -> unary(v, x -> -x);
          case "Abs" -> unary(v, Math::abs);
          case "Floor" -> unary(v, Math::floor);
          case "Ceil" -> unary(v, Math::ceil);
          case "Round" -> unary(v, Math::rint);
          case "Sqrt" -> unary(v, Math::sqrt);
          case "Exp" -> unary(v, Math::exp);
          case "Log" -> unary(v, Math::log);
          case "Reciprocal" -> unary(v, x -> 1 / x);
          case "Sign" -> unary(v, Math::signum);
          case "Relu" -> unary(v, x -> Math.max(0, x));
          case "Not" -> unary(v, x -> x == 0 ? 1 : 0);
          case "Cast", "CastLike" -> cast(v);
          case "Clip" -> clip(v);
          case "Add", "Sum" -> binary(v, Double::sum);
          case "Sub" -> binary(v, (a, b) -> a - b);
          case "Mul" -> binary(v, (a, b) -> a * b);
          case "Div" -> binary(v, v.in(0).integral() ? ElementwiseShapes::intDiv : (a, b) -> a / b);
          case "Pow" -> binary(v, Math::pow);
          case "Mod" -> binary(v, ElementwiseShapes::mod);
          case "Max" -> binary(v, Math::max);
          case "Min" -> binary(v, Math::min);
          case "Mean" -> binary(v, (a, b) -> Double.NaN);
          case "Equal" -> binary(v, (a, b) -> a == b ? 1 : 0);
          case "Less" -> binary(v, (a, b) -> a < b ? 1 : 0);
          case "Greater" -> binary(v, (a, b) -> a > b ? 1 : 0);
          case "LessOrEqual" -> binary(v, (a, b) -> a <= b ? 1 : 0);
          case "GreaterOrEqual" -> binary(v, (a, b) -> a >= b ? 1 : 0);
          case "And" -> binary(v, (a, b) -> a != 0 && b != 0 ? 1 : 0);
          case "Or" -> binary(v, (a, b) -> a != 0 || b != 0 ? 1 : 0);
          case "Xor" -> binary(v, (a, b) -> (a != 0) != (b != 0) ? 1 : 0);
          case "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor" ->
              binary(v, (a, b) -> Double.NaN);
          case "Where" -> where(v);
          case "com.microsoft::BiasSplitGelu" -> halfLastAxis(v.in(0));
          case "DynamicQuantizeLinear" ->
              Outcome.free(keepShape(v.in(0), true), scalar(false), scalar(true));
          default -> SAME_SHAPE.contains(op) ? sameShape(op, v) : null;
        });
  }

  private static Outcome sameShape(String op, NodeView v) {
    TensorValue x = v.in(0);
    boolean bool = BOOLEAN.contains(op);
    List<TensorValue> outs = new ArrayList<>();
    outs.add(keepShape(x, bool || x.integral() && !op.endsWith("Normalization")));
    for (int i = 1; i < v.outputCount(); i++) {
      if (op.equals("Dropout") || op.equals("com.microsoft::SkipLayerNormalization") && i == 3) {
        outs.add(keepShape(x, op.equals("Dropout")));
      } else if (op.equals("LayerNormalization") && x.rankKnown()) {
        outs.add(reducedFrom(x, x.axis(v.integer("axis", -1))));
      } else {
        outs.add(TensorValue.UNKNOWN);
      }
    }
    return new Outcome(outs, java.util.OptionalDouble.of(0));
  }

  /** The statistics of LayerNormalization: the normalised axes kept with size 1. */
  private static TensorValue reducedFrom(TensorValue x, int axis) {
    if (axis < 0) {
      return TensorValue.UNKNOWN;
    }
    long[] d = x.dims();
    for (int i = axis; i < d.length; i++) {
      d[i] = 1;
    }
    return TensorValue.of(d, false);
  }

  private static TensorValue keepShape(TensorValue x, boolean integral) {
    return x.rankKnown() ? TensorValue.of(x.dims(), integral) : TensorValue.unknownRank(integral);
  }

  private static TensorValue scalar(boolean integral) {
    return TensorValue.of(new long[0], integral);
  }

  private static Outcome unary(NodeView v, DoubleUnaryOperator f) {
    TensorValue x = v.in(0);
    boolean integral = x.integral() || v.node().opType().equals("Not");
    if (!x.hasData()) {
      return Outcome.free(keepShape(x, integral));
    }
    double[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = f.applyAsDouble(d[i]);
    }
    return Outcome.free(TensorValue.withData(x.dims(), d, integral));
  }

  /** ONNX TensorProto element types 2-7, 9, 12, 13, 21, 22 are integers or booleans. */
  private static boolean integralType(long onnxType) {
    return onnxType >= 2 && onnxType <= 7
        || onnxType == 9
        || onnxType == 12
        || onnxType == 13
        || onnxType == 21
        || onnxType == 22;
  }

  private static Outcome cast(NodeView v) {
    TensorValue x = v.in(0);
    boolean integral =
        v.node().opType().equals("CastLike")
            ? v.in(1).integral()
            : integralType(v.integer("to", 1));
    if (!x.hasData()) {
      return Outcome.free(keepShape(x, integral));
    }
    double[] d = x.data();
    if (integral) {
      for (int i = 0; i < d.length; i++) {
        d[i] = d[i] < 0 ? Math.ceil(d[i]) : Math.floor(d[i]);
      }
    }
    return Outcome.free(TensorValue.withData(x.dims(), d, integral));
  }

  private static Outcome clip(NodeView v) {
    TensorValue x = v.in(0);
    double lo =
        v.present(1) && v.in(1).hasData() ? v.in(1).at(0) : v.real("min", -Double.MAX_VALUE);
    double hi = v.present(2) && v.in(2).hasData() ? v.in(2).at(0) : v.real("max", Double.MAX_VALUE);
    return unary(v, a -> Math.min(hi, Math.max(lo, a)));
  }

  private static double intDiv(double a, double b) {
    double q = a / b;
    return q < 0 ? Math.ceil(q) : Math.floor(q);
  }

  private static double mod(double a, double b) {
    double r = a % b;
    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
  }

  /** A broadcasting operator over all its inputs; numbers computed for the first two. */
  private static Outcome binary(NodeView v, DoubleBinaryOperator f) {
    List<TensorValue> ins = new ArrayList<>();
    for (int i = 0; i < v.inputCount(); i++) {
      ins.add(v.in(i));
    }
    boolean integral = BOOLEAN.contains(v.node().opType()) || v.in(0).integral();
    long[] dims = Broadcast.dims(ins);
    if (dims == null) {
      return Outcome.free(TensorValue.unknownRank(integral));
    }
    double[] a = ins.size() == 2 ? Broadcast.spread(ins.get(0), dims) : null;
    double[] b = ins.size() == 2 ? Broadcast.spread(ins.get(1), dims) : null;
    if (a == null || b == null) {
      return Outcome.free(TensorValue.of(dims, integral));
    }
    for (int i = 0; i < a.length; i++) {
      a[i] = f.applyAsDouble(a[i], b[i]);
    }
    return Outcome.free(TensorValue.withData(dims, a, integral));
  }

  /**
   * Where, with numbers when the condition is known, and also where both branches agree (the
   * exporters' pattern that swaps -1 for 1 in an Expand shape).
   */
  private static Outcome where(NodeView v) {
    List<TensorValue> ins = List.of(v.in(0), v.in(1), v.in(2));
    boolean integral = v.in(1).integral();
    long[] dims = Broadcast.dims(ins);
    if (dims == null) {
      return Outcome.free(TensorValue.unknownRank(integral));
    }
    double[] x = Broadcast.spread(v.in(1), dims);
    double[] y = Broadcast.spread(v.in(2), dims);
    if (x == null || y == null) {
      return Outcome.free(TensorValue.of(dims, integral));
    }
    double[] c = Broadcast.spread(v.in(0), dims);
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          c == null || Double.isNaN(c[i])
              ? x[i] == y[i] ? x[i] : Double.NaN
              : c[i] != 0 ? x[i] : y[i];
    }
    return Outcome.free(TensorValue.withData(dims, out, integral));
  }

  private static Outcome halfLastAxis(TensorValue x) {
    if (!x.rankKnown() || x.rank() == 0) {
      return Outcome.free(TensorValue.UNKNOWN);
    }
    long[] d = x.dims();
    d[d.length - 1] = d[d.length - 1] < 0 ? -1 : d[d.length - 1] / 2;
    return Outcome.free(TensorValue.of(d, false));
  }
}
