package dev.neuronfit.classify;

import dev.neuronfit.model.OpNode;
import java.util.Set;

/**
 * The operator groups graph classification looks for, by op type (domains differ between exporters
 * and runtimes, e.g. {@code com.microsoft.nchwc::Conv}, so the type decides). Names are from the
 * ONNX operator list and the ONNX Runtime contrib operator list (docs/ContribOperators.md).
 */
final class OpSets {
  /** Matrix products that can multiply two activations, as attention scores do. */
  static final Set<String> MATMUL =
      Set.of("MatMul", "FusedMatMul", "Einsum", "MatMulInteger", "QLinearMatMul", "MatMulNBits");

  static final Set<String> CONV =
      Set.of(
          "Conv",
          "ConvTranspose",
          "ConvInteger",
          "QLinearConv",
          "FusedConv",
          "NhwcConv",
          "NhwcFusedConv",
          "DeformConv");

  static final Set<String> POOL =
      Set.of(
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "GlobalMaxPool",
          "LpPool",
          "GlobalLpPool",
          "QLinearAveragePool",
          "QLinearGlobalAveragePool",
          "NhwcMaxPool");

  static final Set<String> UPSAMPLE =
      Set.of("Resize", "Upsample", "ConvTranspose", "DepthToSpace", "NhwcUpsample");

  static final Set<String> RECURRENT =
      Set.of("LSTM", "GRU", "RNN", "DynamicQuantizeLSTM", "AttnLSTM", "QLSTM");

  static final Set<String> LOOPS = Set.of("Loop", "Scan");

  static final Set<String> ROI = Set.of("RoiAlign", "MaxRoiPool", "CropAndResize", "RoIAlign");

  static final Set<String> GENERATION =
      Set.of("BeamSearch", "GreedySearch", "Sampling", "WhisperBeamSearch");

  /** Layers that always hold weights, for the parameter share. */
  static final Set<String> NORMALIZATION =
      Set.of(
          "LayerNormalization",
          "SimplifiedLayerNormalization",
          "SkipLayerNormalization",
          "SkipSimplifiedLayerNormalization",
          "BatchNormalization",
          "InstanceNormalization",
          "GroupNormalization",
          "GroupNorm",
          "RMSNormalization");

  /** Bookkeeping ops left out of "compute nodes" when giving the share of convolutions. */
  static final Set<String> BOOKKEEPING =
      Set.of(
          "Constant",
          "ConstantOfShape",
          "Identity",
          "Shape",
          "Size",
          "Gather",
          "Unsqueeze",
          "Squeeze",
          "Reshape",
          "Flatten",
          "Concat",
          "Cast",
          "CastLike",
          "Slice",
          "Split",
          "Transpose",
          "Expand",
          "Range",
          "Dropout",
          "If",
          "Loop",
          "Equal",
          "Not",
          "Where",
          "NonZero",
          "Tile",
          "Pad",
          "ReduceProd");

  private OpSets() {}

  /** True for an op ending in {@code Attention}: ONNX Attention and the contrib variants. */
  static boolean isFusedAttention(OpNode n) {
    return n.opType().endsWith("Attention") && !n.opType().equals("RelativePositionBias");
  }

  /**
   * True when input {@code idx} of {@code n} is where the op takes a learned weight: a Conv kernel,
   * the second operand of a 2-D weight product, an embedding table, normalization scales, an LSTM's
   * W/R/B, a contrib Attention's packed QKV weights.
   */
  static boolean isWeightSlot(OpNode n, int idx, int rank) {
    String op = n.opType();
    if (CONV.contains(op) || (NORMALIZATION.contains(op) && !op.startsWith("Skip"))) {
      return idx >= 1;
    }
    return switch (op) {
      case "MatMul", "FusedMatMul", "MatMulInteger" -> idx == 1 && rank == 2;
      case "QLinearMatMul", "MatMulNBits" -> idx >= 1;
      case "Gemm" -> idx >= 1;
      case "Gather" -> idx == 0;
      case "SkipLayerNormalization", "SkipSimplifiedLayerNormalization" -> idx >= 2;
      case "EmbedLayerNormalization" -> idx >= 2 && idx <= 6;
      case "LSTM", "GRU", "RNN" -> (idx >= 1 && idx <= 3) || idx == 7;
      case "Attention" -> n.domain().equals("com.microsoft") && (idx == 1 || idx == 2);
      case "BiasGelu", "FastGelu", "BiasAdd", "BiasSplitGelu" -> idx >= 1;
      case "DequantizeLinear", "QuantizeLinear" -> idx >= 1;
      default -> false;
    };
  }
}
