package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How MXNet ops are read by the graph signals, which know ONNX op names: each MXNet op with an ONNX
 * counterpart of the same meaning is read as that op (Convolution as Conv, FullyConnected as Gemm,
 * batch_dot as MatMul, _contrib_ROIAlign as RoiAlign, _contrib_box_nms as NonMaxSuppression ...),
 * with its inputs put in ONNX order where they differ; ops whose meaning an attribute picks
 * (Activation, Pooling, RNN, LeakyReLU) are read by that attribute. Other ops keep their MXNet
 * name. Op names are MXNet's registered names (NNVM_REGISTER_OP, as a symbol file records them),
 * from apache/mxnet {@code src/operator}; the counterparts from the ONNX operator list.
 */
final class MxnetOps {
  private MxnetOps() {}

  /** Most numbers read from a tuple attribute (a shape's rank at most). */
  private static final int MAX_TUPLE = 64;

  private static final Map<String, String> ONNX = new HashMap<>();

  static {
    alias(
        "Conv",
        "Convolution",
        "Convolution_v1",
        "_contrib_DeformableConvolution",
        "_contrib_ModulatedDeformableConvolution");
    alias("ConvTranspose", "Deconvolution");
    alias("Gemm", "FullyConnected");
    alias(
        "MatMul",
        "batch_dot",
        "dot",
        "linalg_gemm2",
        "_npi_matmul",
        "_np_dot",
        "_contrib_interleaved_matmul_selfatt_qk",
        "_contrib_interleaved_matmul_selfatt_valatt",
        "_contrib_interleaved_matmul_encdec_qk",
        "_contrib_interleaved_matmul_encdec_valatt");
    alias(
        "Softmax",
        "softmax",
        "Softmax",
        "SoftmaxActivation",
        "SoftmaxOutput",
        "masked_softmax",
        "_npx_softmax");
    alias("LogSoftmax", "log_softmax", "masked_log_softmax");
    alias("RoiAlign", "_contrib_ROIAlign", "ROIAlign", "_contrib_RROIAlign");
    alias("MaxRoiPool", "ROIPooling", "_contrib_PSROIPooling", "_contrib_DeformablePSROIPooling");
    alias(
        "GenerateProposals",
        "_contrib_Proposal",
        "_contrib_MultiProposal",
        "Proposal",
        "MultiProposal");
    alias(
        "NonMaxSuppression",
        "_contrib_box_nms",
        "_contrib_box_non_maximum_suppression",
        "box_nms",
        "_contrib_MultiBoxDetection",
        "MultiBoxDetection");
    alias("TopK", "topk");
    alias("Gather", "Embedding", "take", "_contrib_SparseEmbedding");
    alias("GatherND", "gather_nd");
    alias(
        "BatchNormalization",
        "BatchNorm",
        "BatchNorm_v1",
        "SyncBatchNorm",
        "_contrib_SyncBatchNorm");
    alias("LayerNormalization", "LayerNorm");
    alias("InstanceNormalization", "InstanceNorm", "GroupNorm");
    alias("AveragePool", "_contrib_AdaptiveAvgPooling2D");
    alias("Relu", "relu");
    alias("Sigmoid", "sigmoid");
    alias("Tanh", "tanh");
    alias("Exp", "exp");
    alias("Log", "log");
    alias("Sqrt", "sqrt");
    alias("Erf", "erf");
    alias("Sin", "sin");
    alias("Cos", "cos");
    alias("Abs", "abs");
    alias("Neg", "negative");
    alias("Clip", "clip");
    alias(
        "Add",
        "elemwise_add",
        "broadcast_add",
        "broadcast_plus",
        "_plus",
        "_Plus",
        "_plus_scalar",
        "add_n",
        "ElementWiseSum",
        "_grad_add");
    alias(
        "Sub",
        "elemwise_sub",
        "broadcast_sub",
        "broadcast_minus",
        "_minus",
        "_minus_scalar",
        "_rminus_scalar");
    alias("Mul", "elemwise_mul", "broadcast_mul", "_mul", "_mul_scalar");
    alias(
        "Div",
        "elemwise_div",
        "broadcast_div",
        "_div",
        "_div_scalar",
        "_rdiv_scalar",
        "_contrib_div_sqrt_dim");
    alias("Pow", "_power", "_power_scalar", "broadcast_power", "_rpower_scalar");
    alias("Max", "_maximum", "broadcast_maximum", "_maximum_scalar");
    alias("Min", "_minimum", "broadcast_minimum", "_minimum_scalar");
    alias("Concat", "Concat", "concat", "stack");
    alias("Reshape", "Reshape", "reshape", "reshape_like");
    alias("Flatten", "Flatten", "flatten");
    alias("Transpose", "transpose", "SwapAxis", "swapaxes");
    alias("Unsqueeze", "expand_dims");
    alias("Squeeze", "squeeze");
    alias("Split", "SliceChannel", "split", "_split_v2");
    alias("Slice", "slice", "slice_axis", "slice_like", "crop", "Crop");
    alias("Where", "where");
    alias("Range", "_arange", "_contrib_arange_like");
    alias("Less", "broadcast_lesser", "_lesser", "_lesser_scalar");
    alias("LessOrEqual", "broadcast_lesser_equal", "_lesser_equal", "_lesser_equal_scalar");
    alias("Greater", "broadcast_greater", "_greater", "_greater_scalar");
    alias("GreaterOrEqual", "broadcast_greater_equal", "_greater_equal", "_greater_equal_scalar");
    alias("Equal", "broadcast_equal", "_equal", "_equal_scalar");
    alias("Cast", "Cast", "cast", "amp_cast");
    alias("Dropout", "Dropout");
    alias("Identity", "_copy", "identity", "BlockGrad", "stop_gradient", "_copyto");
    alias("Expand", "broadcast_to", "broadcast_like", "broadcast_axis", "broadcast_axes");
    alias("Tile", "tile");
    alias("Pad", "Pad", "pad");
    alias("ReduceSum", "sum", "sum_axis");
    alias("ReduceMean", "mean");
    alias("ReduceMax", "max", "max_axis");
    alias("ReduceMin", "min", "min_axis");
    alias("Resize", "UpSampling", "_contrib_BilinearResize2D");
    alias("Shape", "shape_array");
    alias("Size", "size_array");
    alias("Loop", "_foreach", "_while_loop");
    alias("If", "_cond");
  }

  private static void alias(String onnx, String... mxnet) {
    for (String m : mxnet) {
      ONNX.put(m, onnx);
    }
  }

  /**
   * Ops that make a tensor from their attributes alone. Without inputs their value is fixed, as an
   * ONNX Range or ConstantOfShape of constant inputs is, so they are read as Constant: a mask that
   * compares a fixed {@code arange} with an input's valid length (BERT's padding mask) is not
   * positions compared with positions.
   */
  private static final Set<String> FIXED_GENERATORS =
      Set.of("_arange", "_zeros", "_ones", "_full", "_eye", "_linspace");

  /** The ONNX op an MXNet node is read as. */
  static String onnxOp(OpNode n) {
    String op = n.opType();
    if (n.inputs().isEmpty() && FIXED_GENERATORS.contains(op)) {
      return "Constant";
    }
    return switch (op) {
      case "Activation" ->
          switch (text(n, "act_type")) {
            case "sigmoid" -> "Sigmoid";
            case "tanh" -> "Tanh";
            case "softrelu" -> "Softplus";
            case "softsign" -> "Softsign";
            default -> "Relu";
          };
      case "LeakyReLU" ->
          switch (text(n, "act_type")) {
            case "prelu" -> "PRelu";
            case "elu" -> "Elu";
            case "selu" -> "Selu";
            case "gelu" -> "Gelu";
            default -> "LeakyRelu";
          };
      case "Pooling", "Pooling_v1" -> {
        boolean global = text(n, "global_pool").equalsIgnoreCase("true");
        boolean avg = text(n, "pool_type").equals("avg");
        yield global
            ? (avg ? "GlobalAveragePool" : "GlobalMaxPool")
            : (avg ? "AveragePool" : "MaxPool");
      }
      case "RNN" ->
          switch (text(n, "mode")) {
            case "gru" -> "GRU";
            case "rnn_relu", "rnn_tanh" -> "RNN";
            default -> "LSTM";
          };
      default -> ONNX.getOrDefault(op, op);
    };
  }

  /**
   * The inputs in ONNX order: an Embedding's table first, then its indices; the interleaved
   * attention products of GluonNLP's fused kernels as the two operands of their product (one packed
   * projection of queries, keys and values, and the attention weights).
   */
  static List<String> inputs(OpNode n) {
    List<String> in = n.inputs();
    return switch (n.opType()) {
      case "Embedding", "_contrib_SparseEmbedding" ->
          in.size() >= 2 ? List.of(in.get(1), in.get(0)) : in;
      case "_contrib_interleaved_matmul_selfatt_qk" ->
          in.size() == 1 ? List.of(in.get(0), in.get(0)) : in;
      case "_contrib_interleaved_matmul_selfatt_valatt",
          "_contrib_interleaved_matmul_encdec_valatt" ->
          in.size() == 2 ? List.of(in.get(1), in.get(0)) : in;
      default -> in;
    };
  }

  /**
   * The ONNX attributes the signals read, from MXNet's: a convolution's {@code kernel} and {@code
   * stride} (Python tuples) as {@code kernel_shape} and {@code strides}.
   */
  static Map<String, AttributeValue> attributes(OpNode n) {
    Map<String, AttributeValue> out = new HashMap<>(n.attributes());
    if (n.opType().startsWith("Convolution") || n.opType().equals("Deconvolution")) {
      ints(n, "kernel").ifPresent(k -> out.put("kernel_shape", k));
      ints(n, "stride").ifPresent(s -> out.put("strides", s));
    }
    return out;
  }

  /** A variable's {@code __shape__} (Gluon's declared shape), or empty when it has none. */
  static List<Long> declaredShape(OpNode variable) {
    return ints(variable, "__shape__")
        .map(a -> ((AttributeValue.Ints) a).values())
        .filter(v -> v.stream().allMatch(d -> d >= 0))
        .orElse(List.of());
  }

  private static Optional<AttributeValue> ints(OpNode n, String key) {
    String t = text(n, key).trim();
    if (!t.startsWith("(") || !t.endsWith(")")) {
      return Optional.empty();
    }
    List<Long> values = new ArrayList<>();
    for (String p : t.substring(1, t.length() - 1).split(",")) {
      String s = p.trim();
      if (s.isEmpty()) {
        continue;
      }
      try {
        values.add(Long.parseLong(s));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (values.size() > MAX_TUPLE) {
        return Optional.empty();
      }
    }
    return Optional.of(new AttributeValue.Ints(values));
  }

  private static String text(OpNode n, String key) {
    return n.attribute(key)
        .filter(a -> a instanceof AttributeValue.Text)
        .map(a -> ((AttributeValue.Text) a).value().toLowerCase(Locale.ROOT))
        .orElse("");
  }
}
