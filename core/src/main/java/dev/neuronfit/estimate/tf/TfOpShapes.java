package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.graph.ElementwiseShapes;
import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.Outcome;
import dev.neuronfit.estimate.graph.TensorValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The shape function of each TensorFlow op neuronfit knows (op names and operand orders from
 * TensorFlow's op registry): element-wise ops read as their ONNX namesakes (so the numbers of shape
 * arithmetic are computed), the op families of {@link TfArrayShapes}, {@link TfConvShapes} and
 * {@link TfMatMulShapes}, and ops that cannot multiply and accumulate whose outputs are left to the
 * graph's declared shapes (bookkeeping, string, random, TensorArray and TensorList ops). An op not
 * listed anywhere is unknown: its cost is unknown.
 */
final class TfOpShapes {
  private TfOpShapes() {}

  /** Ops that multiply and accumulate: the only ones whose cost is not 0. */
  static final Set<String> COSTED =
      Set.of(
          "MatMul",
          "_FusedMatMul",
          "BatchMatMul",
          "BatchMatMulV2",
          "BatchMatMulV3",
          "_MklBatchMatMulV2",
          "Einsum",
          "Conv",
          "Conv2D",
          "Conv3D",
          "_FusedConv2D",
          "DepthwiseConv2dNative",
          "_FusedDepthwiseConv2dNative",
          "Conv2DBackpropInput",
          "Conv3DBackpropInputV2",
          "LSTMBlockCell",
          "BlockLSTM",
          "BlockLSTMV2",
          "GRUBlockCell",
          "CudnnRNN",
          "CudnnRNNV2",
          "CudnnRNNV3");

  /** Element-wise ops read as the ONNX operator of the same meaning (numbers computed). */
  private static final Map<String, String> AS_ONNX =
      Map.ofEntries(
          Map.entry("Add", "Add"),
          Map.entry("AddV2", "Add"),
          Map.entry("AddN", "Sum"),
          Map.entry("Sub", "Sub"),
          Map.entry("Mul", "Mul"),
          Map.entry("MulNoNan", "Mul"),
          Map.entry("RealDiv", "Div"),
          Map.entry("Div", "Div"),
          Map.entry("DivNoNan", "Div"),
          Map.entry("FloorDiv", "Div"),
          Map.entry("TruncateDiv", "Div"),
          Map.entry("FloorMod", "Mod"),
          Map.entry("Mod", "Mod"),
          Map.entry("Maximum", "Max"),
          Map.entry("Minimum", "Min"),
          Map.entry("Pow", "Pow"),
          Map.entry("Equal", "Equal"),
          Map.entry("Less", "Less"),
          Map.entry("Greater", "Greater"),
          Map.entry("LessEqual", "LessOrEqual"),
          Map.entry("GreaterEqual", "GreaterOrEqual"),
          Map.entry("LogicalAnd", "And"),
          Map.entry("LogicalOr", "Or"),
          Map.entry("LogicalNot", "Not"),
          // shape only: the numbers are not computed
          Map.entry("NotEqual", "Mean"),
          Map.entry("SquaredDifference", "Mean"),
          Map.entry("Atan2", "Mean"),
          Map.entry("BiasAddV1", "Mean"),
          Map.entry("Select", "Where"),
          Map.entry("SelectV2", "Where"),
          Map.entry("Neg", "Neg"),
          Map.entry("Abs", "Abs"),
          Map.entry("Floor", "Floor"),
          Map.entry("Ceil", "Ceil"),
          Map.entry("Round", "Round"),
          Map.entry("Rint", "Round"),
          Map.entry("Sqrt", "Sqrt"),
          Map.entry("Exp", "Exp"),
          Map.entry("Log", "Log"),
          Map.entry("Reciprocal", "Reciprocal"),
          Map.entry("Inv", "Reciprocal"),
          Map.entry("Sign", "Sign"),
          Map.entry("Relu", "Relu"));

  /** Ops whose output is their first input, numbers and all. */
  private static final Set<String> IDENTITY =
      Set.of(
          "Identity",
          "Snapshot",
          "StopGradient",
          "PreventGradient",
          "CheckNumerics",
          "EnsureShape",
          "ReadVariableOp",
          "PlaceholderWithDefault",
          "Enter",
          "RefEnter",
          "Exit",
          "RefExit",
          "NextIteration",
          "RefNextIteration",
          "RefIdentity",
          "Print",
          "DebugIdentity");

  /** Ops whose output has their first input's shape; their numbers are not computed. */
  private static final Set<String> SAME_SHAPE =
      Set.of(
          "BiasAdd",
          "Sigmoid",
          "Tanh",
          "Relu6",
          "Elu",
          "Selu",
          "Softplus",
          "Softsign",
          "LeakyRelu",
          "Gelu",
          "Rsqrt",
          "Square",
          "Log1p",
          "Expm1",
          "Erf",
          "Erfc",
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
          "Softmax",
          "LogSoftmax",
          "IsNan",
          "IsInf",
          "IsFinite",
          "ClipByValue",
          "MatrixBandPart",
          "MatrixSetDiag",
          "Cumsum",
          "Cumprod",
          "LRN",
          "Invert",
          "ReverseV2",
          "Roll",
          "TensorScatterUpdate",
          "TensorScatterAdd",
          "QuantizeAndDequantizeV2",
          "QuantizeAndDequantizeV3",
          "QuantizeAndDequantizeV4",
          "FakeQuantWithMinMaxVars",
          "FakeQuantWithMinMaxVarsPerChannel",
          "FakeQuantWithMinMaxArgs",
          "RandomShuffle",
          "Relu6Grad");

  /**
   * Ops that do no multiply-accumulates and whose outputs neuronfit does not derive: saving and
   * bookkeeping, strings, random numbers, lookups, TensorArray and TensorList plumbing of loops,
   * and data-dependent selections. Their outputs take the graph's declared shapes where it has
   * them.
   */
  private static final Set<String> FREE_UNDERIVED =
      Set.of(
          "NoOp",
          "Assert",
          "PrintV2",
          "SaveV2",
          "RestoreV2",
          "MergeV2Checkpoints",
          "ShardedFilename",
          "StringJoin",
          "StaticRegexFullMatch",
          "StringFormat",
          "AssignVariableOp",
          "AssignAddVariableOp",
          "AssignSubVariableOp",
          "Assign",
          "AssignAdd",
          "AssignSub",
          "VarIsInitializedOp",
          "IsVariableInitialized",
          "DisableCopyOnRead",
          "DestroyResourceOp",
          "LoopCond",
          "ControlTrigger",
          "Merge",
          "RefMerge",
          "TensorListReserve",
          "TensorListFromTensor",
          "TensorListStack",
          "TensorListGetItem",
          "TensorListSetItem",
          "TensorListElementShape",
          "TensorListLength",
          "TensorListPushBack",
          "TensorListPopBack",
          "TensorArrayV3",
          "TensorArrayScatterV3",
          "TensorArrayReadV3",
          "TensorArrayWriteV3",
          "TensorArrayGatherV3",
          "TensorArraySizeV3",
          "TensorArrayConcatV3",
          "NonMaxSuppression",
          "NonMaxSuppressionV2",
          "NonMaxSuppressionV3",
          "NonMaxSuppressionV4",
          "NonMaxSuppressionV5",
          "CombinedNonMaxSuppression",
          "Unique",
          "UniqueV2",
          "UniqueWithCounts",
          "StatelessRandomGetKeyCounter",
          "Multinomial",
          "HashTableV2",
          "MutableHashTableV2",
          "LookupTableFindV2",
          "LookupTableImportV2",
          "LookupTableSizeV2",
          "InitializeTableFromTextFileV2",
          "StringToHashBucketFast",
          "StringSplitV2",
          "StringLower",
          "RegexReplace",
          "StaticRegexReplace",
          "Substr",
          "AsString",
          "StringLength",
          "Bucketize",
          "DecodeJpeg",
          "DecodePng",
          "DecodeImage",
          "ParseExampleV2",
          "SparseToDense",
          "ScatterNd",
          "SegmentSum",
          "SegmentMean",
          "SegmentMax",
          "UnsortedSegmentSum",
          "UnsortedSegmentMax",
          "DynamicStitch",
          "DynamicPartition",
          "BroadcastArgs",
          "BroadcastGradientArgs",
          "InTopKV2",
          "Timestamp",
          "SparseReshape",
          "Bincount");

  /** True for an op whose cost {@link #apply} can derive or knows to be 0. */
  static boolean known(String op) {
    return COSTED.contains(op)
        || AS_ONNX.containsKey(op)
        || IDENTITY.contains(op)
        || SAME_SHAPE.contains(op)
        || FREE_UNDERIVED.contains(op)
        || op.equals("IdentityN")
        || op.equals("Switch")
        || op.equals("RefSwitch")
        || TfArrayShapes.OPS.contains(op)
        || TfConvShapes.OPS.contains(op);
  }

  /** The outcome of one op, or empty when the op is unknown. */
  static Optional<Outcome> apply(String op, NodeView v) {
    if (AS_ONNX.containsKey(op)) {
      return Optional.of(elementwise(AS_ONNX.get(op), v));
    }
    if (IDENTITY.contains(op)) {
      return Optional.of(Outcome.free(v.in(0)));
    }
    if (SAME_SHAPE.contains(op)) {
      TensorValue x = v.in(0);
      return Optional.of(Outcome.free(x.rankKnown() ? TensorValue.of(x.dims(), x.integral()) : x));
    }
    if (FREE_UNDERIVED.contains(op)) {
      TensorValue[] outs = new TensorValue[Math.max(1, v.outputCount())];
      Arrays.fill(outs, TensorValue.UNKNOWN);
      return Optional.of(Outcome.free(outs));
    }
    switch (op) {
      case "IdentityN":
        {
          List<TensorValue> outs = new ArrayList<>();
          for (int i = 0; i < v.inputCount(); i++) {
            outs.add(v.in(i));
          }
          return Optional.of(new Outcome(outs, OptionalDouble.of(0)));
        }
      case "Switch", "RefSwitch":
        return Optional.of(Outcome.free(v.in(0), v.in(0)));
      default:
        break;
    }
    Optional<Outcome> o = TfArrayShapes.apply(op, v);
    o = o.isPresent() ? o : TfConvShapes.apply(op, v);
    return o.isPresent() ? o : TfMatMulShapes.apply(op, v);
  }

  /**
   * An element-wise op. An input of unknown rank beside inputs of known rank is read as
   * broadcasting (a scalar, as TF1 graphs' undeclared keep_prob and learning-phase inputs are), so
   * the known shapes carry on.
   */
  private static Outcome elementwise(String onnx, NodeView v) {
    List<TensorValue> ins = new ArrayList<>();
    boolean anyRank = false;
    for (int i = 0; i < v.inputCount(); i++) {
      ins.add(v.in(i));
      anyRank |= v.in(i).rankKnown();
    }
    for (int i = 0; i < ins.size() && anyRank; i++) {
      if (!ins.get(i).rankKnown()) {
        ins.set(i, TensorValue.of(new long[0], ins.get(i).integral()));
      }
    }
    return ElementwiseShapes.apply(onnx, NodeView.of(onnx, ins, Map.of(), 1))
        .orElse(Outcome.free(TensorValue.UNKNOWN));
  }
}
