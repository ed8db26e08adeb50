package dev.neuronfit.classify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How TensorFlow ops are read by the graph signals, which know ONNX op names: each TensorFlow op
 * that has an ONNX counterpart of the same meaning is read as that op (Conv2D as Conv, BiasAdd and
 * AddV2 as Add, BatchMatMulV2 as MatMul, ConcatV2 as Concat ...), with its inputs put in the ONNX
 * order where they differ (a transposed convolution's gradient input first, an LSTM cell's kernel
 * second). Ops without a counterpart keep their TensorFlow name. Op names are from TensorFlow's op
 * registry (REGISTER_OP); the counterparts from the ONNX operator list.
 */
final class TfOps {
  private TfOps() {}

  static final Set<String> WHILE = Set.of("While", "StatelessWhile");
  static final Set<String> IF = Set.of("If", "StatelessIf");
  static final Set<String> CASE = Set.of("Case", "StatelessCase");

  /** Ops that hold a weight: read as ONNX Constant, so products with them are not attention. */
  static final Set<String> WEIGHTS =
      Set.of("Const", "VarHandleOp", "VariableV2", "Variable", "VarHandleOpV2");

  /** Ops that feed a value into the graph: graph inputs, not nodes, in the ONNX reading. */
  static final Set<String> PLACEHOLDERS = Set.of("Placeholder", "PlaceholderV2");

  private static final Map<String, String> ONNX = new HashMap<>();

  static {
    alias("MatMul", "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3");
    alias(
        "Conv",
        "Conv2D",
        "Conv3D",
        "DepthwiseConv2dNative",
        "Conv",
        "_FusedConv2D",
        "FusedResizeAndPadConv2D",
        "FusedPadConv2D",
        // cuts an image into patches, which a dense layer then projects: a patch convolution
        "ExtractImagePatches");
    alias("ConvTranspose", "Conv2DBackpropInput", "Conv3DBackpropInputV2");
    alias("LSTM", "LSTMBlockCell", "BlockLSTM", "BlockLSTMV2");
    alias("GRU", "GRUBlockCell");
    alias("Add", "Add", "AddV2", "BiasAdd", "AddN");
    alias("Div", "RealDiv", "Div", "FloorDiv", "DivNoNan");
    alias("Where", "Select", "SelectV2");
    alias("Max", "Maximum");
    alias("Min", "Minimum");
    alias("Concat", "ConcatV2", "Concat");
    alias("Unsqueeze", "ExpandDims");
    alias(
        "Identity",
        "Identity",
        "IdentityN",
        "ReadVariableOp",
        "Snapshot",
        "StopGradient",
        "PreventGradient",
        "CheckNumerics",
        "PlaceholderWithDefault",
        "Enter",
        "Exit",
        "Merge",
        "Switch",
        "NextIteration",
        "RefEnter",
        "RefExit",
        "RefMerge",
        "RefSwitch",
        "RefNextIteration",
        "EnsureShape");
    alias("Constant", "Const", "VarHandleOp", "VariableV2", "Variable", "VarHandleOpV2");
    alias("Gather", "GatherV2", "Gather", "ResourceGather");
    alias("Slice", "StridedSlice", "Slice");
    alias("Split", "Split", "SplitV");
    alias("Pad", "Pad", "PadV2", "MirrorPad");
    alias("Expand", "BroadcastTo");
    alias("ConstantOfShape", "Fill");
    alias("Shape", "Shape", "ShapeN", "Rank");
    alias("LessOrEqual", "LessEqual");
    alias("GreaterOrEqual", "GreaterEqual");
    alias("Not", "LogicalNot");
    alias("And", "LogicalAnd");
    alias("Or", "LogicalOr");
    // band_part(ones, -1, 0) is the triangular mask of causal attention
    alias("Trilu", "MatrixBandPart");
    alias("MaxPool", "MaxPool", "MaxPoolV2", "MaxPool3D");
    alias("AveragePool", "AvgPool", "AvgPool3D");
    alias("ReduceMean", "Mean");
    alias("ReduceMax", "Max");
    alias("ReduceSum", "Sum");
    alias("ReduceProd", "Prod");
    alias("BatchNormalization", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3");
    alias(
        "Resize",
        "ResizeBilinear",
        "ResizeNearestNeighbor",
        "ResizeBicubic",
        "ResizeArea",
        "ScaleAndTranslate");
    alias(
        "NonMaxSuppression",
        "NonMaxSuppression",
        "NonMaxSuppressionV2",
        "NonMaxSuppressionV3",
        "NonMaxSuppressionV4",
        "NonMaxSuppressionV5",
        "CombinedNonMaxSuppression");
    alias("TopK", "TopKV2", "TopK");
  }

  private static void alias(String onnx, String... tf) {
    for (String t : tf) {
      ONNX.put(t, onnx);
    }
  }

  /**
   * The ONNX op a TensorFlow op is read as; for CudnnRNN ops, its {@code rnn_mode} decides.
   *
   * @param rnnMode the node's rnn_mode attribute, or empty
   */
  static String onnxOp(String tfOp, String rnnMode) {
    if (tfOp.startsWith("CudnnRNN") && !tfOp.contains("Backprop") && !tfOp.contains("Params")) {
      return switch (rnnMode) {
        case "gru" -> "GRU";
        case "rnn_tanh", "rnn_relu" -> "RNN";
        default -> "LSTM";
      };
    }
    return ONNX.getOrDefault(tfOp, tfOp);
  }

  /**
   * Where each ONNX input comes from among the TensorFlow inputs, for ops that order them
   * differently; -1 for an input left empty. Null when the order is the same.
   */
  static int[] reorder(String tfOp) {
    return switch (tfOp) {
      // (input_sizes, filter, out_backprop) -> ConvTranspose(X, W)
      case "Conv2DBackpropInput", "Conv3DBackpropInputV2" -> new int[] {2, 1};
      // (x, cs_prev, h_prev, w, wci, wcf, wco, b) -> LSTM(X, W, R, B)
      case "LSTMBlockCell" -> new int[] {0, 3, -1, 7};
      // (seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b) -> LSTM(X, W, R, B)
      case "BlockLSTM", "BlockLSTMV2" -> new int[] {1, 4, -1, 8};
      // (x, h_prev, w_ru, w_c, b_ru, b_c) -> GRU(X, W, R)
      case "GRUBlockCell" -> new int[] {0, 2, 3};
      // (dims, value) -> ConstantOfShape(shape)
      case "Fill" -> new int[] {0};
      default -> tfOp.startsWith("CudnnRNN") ? new int[] {0, 3} : null;
    };
  }

  /** The inputs in ONNX order. */
  static List<String> inputs(String tfOp, List<String> in) {
    int[] order = reorder(tfOp);
    if (order == null) {
      return in;
    }
    String[] out = new String[order.length];
    for (int i = 0; i < order.length; i++) {
      out[i] = order[i] >= 0 && order[i] < in.size() ? in.get(order[i]) : "";
    }
    return List.of(out);
  }
}
