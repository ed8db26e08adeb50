package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.graph.LayoutShapes;
import dev.neuronfit.estimate.graph.MatMulShapes;
import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.Outcome;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.AttributeValue;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TensorFlow's convolutions, pooling and the image ops around them, in either layout: channels last
 * ({@code NHWC}, the default) or first ({@code NCHW}) by {@code data_format}, with {@code strides}
 * and {@code dilations} given over all axes in that order and padding {@code SAME}, {@code VALID}
 * or {@code EXPLICIT} (output sizes as TensorFlow's kernel_shape_util computes them). A filter is
 * [spatial..., in / groups, out]; a convolution does, per output element, kernel x (in / groups)
 * multiply-accumulates, a depthwise one kernel x 1, and a transposed one (Conv2DBackpropInput), per
 * element of its input, kernel x its output channels. Pooling, batch normalisation and the layout
 * ops cost 0.
 */
final class TfConvShapes {
  private TfConvShapes() {}

  /** The ops {@link #apply} knows. */
  static final Set<String> OPS =
      Set.of(
          "Conv2D",
          "Conv3D",
          "_FusedConv2D",
          "Conv",
          "DepthwiseConv2dNative",
          "_FusedDepthwiseConv2dNative",
          "Conv2DBackpropInput",
          "Conv3DBackpropInputV2",
          "MaxPool",
          "AvgPool",
          "MaxPool3D",
          "AvgPool3D",
          "MaxPoolV2",
          "MaxPoolWithArgmax",
          "ExtractImagePatches",
          "SpaceToBatchND",
          "BatchToSpaceND",
          "DepthToSpace",
          "SpaceToDepth",
          "ResizeBilinear",
          "ResizeNearestNeighbor",
          "ResizeBicubic",
          "ResizeArea",
          "ScaleAndTranslate",
          "CropAndResize",
          "FusedBatchNorm",
          "FusedBatchNormV2",
          "FusedBatchNormV3",
          "_FusedBatchNormEx");

  static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "Conv2D", "Conv3D", "_FusedConv2D", "Conv" -> conv(v, false);
          case "DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative" -> conv(v, true);
          case "Conv2DBackpropInput", "Conv3DBackpropInputV2" -> transposed(v);
          case "MaxPool", "AvgPool", "MaxPool3D", "AvgPool3D", "MaxPoolV2", "MaxPoolWithArgmax" ->
              pool(v, op);
          case "ExtractImagePatches" -> Outcome.free(patches(v));
          case "SpaceToBatchND" -> Outcome.free(spaceToBatch(v, true));
          case "BatchToSpaceND" -> Outcome.free(spaceToBatch(v, false));
          case "DepthToSpace" -> Outcome.free(depthSpace(v, true));
          case "SpaceToDepth" -> Outcome.free(depthSpace(v, false));
          case "ResizeBilinear",
              "ResizeNearestNeighbor",
              "ResizeBicubic",
              "ResizeArea",
              "ScaleAndTranslate" ->
              Outcome.free(resize(v.in(0), v.in(1)));
          case "CropAndResize" -> Outcome.free(cropAndResize(v));
          case "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "_FusedBatchNormEx" ->
              batchNorm(v);
          default -> null;
        });
  }

  /** True for a channels-first layout ({@code NCHW}, {@code NCDHW}). */
  static boolean channelsFirst(NodeView v) {
    return v.text("data_format", "NHWC").startsWith("NC");
  }

  /** The axis of spatial axis {@code i} in a tensor of rank {@code r}. */
  private static int spatialAxis(boolean first, int i) {
    return first ? 2 + i : 1 + i;
  }

  /** An attribute over all axes (strides, dilations) reduced to its spatial axes; 1 when absent. */
  private static long[] spatial(NodeView v, String name, int rank, boolean first) {
    long[] all = v.ints(name);
    long[] out = new long[rank - 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = all != null && all.length == rank ? all[spatialAxis(first, i)] : 1;
    }
    return out;
  }

  /**
   * Output size along one spatial axis, -1 when unknown. SAME: ceil(in / stride); VALID: ceil((in -
   * span + 1) / stride); EXPLICIT: (in + pads - span) / stride + 1, where span is the dilated
   * kernel.
   */
  static long window(long in, long k, long stride, long dilation, String padding, long[] pads) {
    if (in < 0 || k < 0) {
      return -1;
    }
    long s = Math.max(1, stride);
    long span = Math.addExact(Math.multiplyExact(Math.max(1, dilation), k - 1), 1);
    return switch (padding) {
      case "SAME" -> Math.floorDiv(Math.addExact(in, s - 1), s);
      case "EXPLICIT" ->
          pads == null
              ? -1
              : Math.max(
                  0,
                  Math.floorDiv(Math.addExact(in, Math.addExact(pads[0], pads[1])) - span, s) + 1);
      default -> Math.max(0, Math.floorDiv(in - span + s, s));
    };
  }

  /** The explicit paddings of spatial axis {@code i} (before, after), or null. */
  private static long[] pads(NodeView v, int rank, boolean first, int i) {
    long[] p = v.ints("explicit_paddings");
    int axis = spatialAxis(first, i);
    return p != null && p.length == 2 * rank ? new long[] {p[2 * axis], p[2 * axis + 1]} : null;
  }

  /** Output dims of a sliding window with these kernel sizes; the channels set by the caller. */
  private static long[] slide(NodeView v, TensorValue x, long[] kernel, boolean first) {
    int r = x.rank();
    long[] strides = spatial(v, "strides", r, first);
    long[] dilations = spatial(v, "dilations", r, first);
    String padding = v.text("padding", "VALID");
    long[] out = x.dims();
    for (int i = 0; i < r - 2; i++) {
      int axis = spatialAxis(first, i);
      out[axis] =
          window(x.dim(axis), kernel[i], strides[i], dilations[i], padding, pads(v, r, first, i));
    }
    return out;
  }

  private static Outcome conv(NodeView v, boolean depthwise) {
    TensorValue x = v.in(0);
    TensorValue w = v.in(1);
    if (!x.rankKnown() || x.rank() < 3 || !w.rankKnown() || w.rank() != x.rank()) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    int r = x.rank();
    boolean first = channelsFirst(v);
    long[] kernel = Arrays.copyOf(w.dims(), r - 2);
    long[] out = slide(v, x, kernel, first);
    long in = w.dim(r - 2);
    long last = w.dim(r - 1);
    out[first ? 1 : r - 1] = depthwise ? MatMulShapes.product(in, last) : last;
    TensorValue y = TensorValue.of(out, false);
    long macs = MatMulShapes.product(y.elements(), MatMulShapes.product(kernel));
    if (!depthwise) {
      macs = MatMulShapes.product(macs, in);
    }
    return macs < 0 || macs == Long.MAX_VALUE ? Outcome.costUnknown(y) : Outcome.costing(macs, y);
  }

  /**
   * Conv2DBackpropInput(input_sizes, filter [spatial..., out, in], out_backprop): the output has
   * the sizes the first input gives, else the sizes a forward convolution would take in.
   */
  private static Outcome transposed(NodeView v) {
    TensorValue sizes = v.in(0);
    TensorValue w = v.in(1);
    TensorValue dy = v.in(2);
    if (!w.rankKnown() || w.rank() < 3 || !dy.rankKnown() || dy.rank() != w.rank()) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    int r = w.rank();
    boolean first = channelsFirst(v);
    long[] kernel = Arrays.copyOf(w.dims(), r - 2);
    long[] out = sizes.longs();
    if (out == null || out.length != r) {
      out = dy.dims();
      long[] strides = spatial(v, "strides", r, first);
      long[] dilations = spatial(v, "dilations", r, first);
      boolean same = v.text("padding", "VALID").equals("SAME");
      for (int i = 0; i < r - 2; i++) {
        int axis = spatialAxis(first, i);
        long d = dy.dim(axis);
        long s = Math.max(1, strides[i]);
        long span = Math.multiplyExact(Math.max(1, dilations[i]), kernel[i] - 1) + 1;
        out[axis] =
            d < 0 || kernel[i] < 0
                ? -1
                : same
                    ? Math.multiplyExact(d, s)
                    : Math.addExact(Math.multiplyExact(d - 1, s), span);
      }
      out[first ? 1 : r - 1] = w.dim(r - 2);
    }
    TensorValue y = TensorValue.of(out, false);
    long macs = MatMulShapes.product(dy.elements(), MatMulShapes.product(kernel), w.dim(r - 2));
    return macs < 0 || macs == Long.MAX_VALUE ? Outcome.costUnknown(y) : Outcome.costing(macs, y);
  }

  private static Outcome pool(NodeView v, String op) {
    TensorValue x = v.in(0);
    long[] ksize = op.equals("MaxPoolV2") ? v.in(1).longs() : v.ints("ksize");
    if (op.equals("MaxPoolV2")) {
      long[] strides = v.in(2).longs();
      if (strides == null) {
        return Outcome.free(unknownLike(x));
      }
      v = NodeView.of(op, List.of(x), attrs(v, strides), 1);
    }
    if (!x.rankKnown() || x.rank() < 3 || ksize == null || ksize.length != x.rank()) {
      return Outcome.free(unknownLike(x), unknownLike(x));
    }
    boolean first = channelsFirst(v);
    long[] kernel = new long[x.rank() - 2];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = ksize[spatialAxis(first, i)];
    }
    long[] out = slide(v, x, kernel, first);
    return Outcome.free(TensorValue.of(out, false), TensorValue.of(out, true));
  }

  /** MaxPoolV2's attributes with its strides, given as an input, as an attribute. */
  private static Map<String, AttributeValue> attrs(NodeView v, long[] strides) {
    Map<String, AttributeValue> a = new HashMap<>(v.node().attributes());
    a.put("strides", new AttributeValue.Ints(Arrays.stream(strides).boxed().toList()));
    return a;
  }

  private static TensorValue unknownLike(TensorValue x) {
    return x.rankKnown() ? LayoutShapes.unknownDims(x.rank(), false) : TensorValue.UNKNOWN;
  }

  /** ExtractImagePatches (NHWC): [N, out H, out W, kh x kw x C]. */
  private static TensorValue patches(NodeView v) {
    TensorValue x = v.in(0);
    long[] k = v.ints("ksizes");
    long[] rates = v.ints("rates");
    if (!x.rankKnown() || x.rank() != 4 || k == null || k.length != 4) {
      return TensorValue.of(new long[] {-1, -1, -1, -1}, false);
    }
    long[] strides = v.ints("strides");
    String padding = v.text("padding", "VALID");
    long[] out = x.dims();
    for (int i = 1; i <= 2; i++) {
      long s = strides != null && strides.length == 4 ? strides[i] : 1;
      long d = rates != null && rates.length == 4 ? rates[i] : 1;
      out[i] = window(x.dim(i), k[i], s, d, padding, null);
    }
    out[3] = MatMulShapes.product(k[1], k[2], x.dim(3));
    return TensorValue.of(out, x.integral());
  }

  /**
   * SpaceToBatchND(x, block_shape, paddings) moves blocks of the spatial axes into the batch;
   * BatchToSpaceND(x, block_shape, crops) moves them back (TensorFlow's dilated convolutions).
   */
  private static TensorValue spaceToBatch(NodeView v, boolean toBatch) {
    TensorValue x = v.in(0);
    long[] block = v.in(1).longs();
    long[] pads = v.in(2).longs();
    if (!x.rankKnown()) {
      return x;
    }
    int m = block == null ? -1 : block.length;
    if (m < 0 || m + 1 > x.rank() || pads == null || pads.length != 2 * m) {
      return LayoutShapes.unknownDims(x.rank(), x.integral());
    }
    long[] out = x.dims();
    long blocks = MatMulShapes.product(block);
    if (blocks <= 0) {
      return LayoutShapes.unknownDims(x.rank(), x.integral());
    }
    out[0] = out[0] < 0 ? -1 : toBatch ? Math.multiplyExact(out[0], blocks) : out[0] / blocks;
    for (int i = 0; i < m; i++) {
      long d = x.dim(1 + i);
      long b = block[i];
      long p = Math.addExact(pads[2 * i], pads[2 * i + 1]);
      out[1 + i] =
          d < 0 || b <= 0 ? -1 : toBatch ? Math.addExact(d, p) / b : Math.multiplyExact(d, b) - p;
    }
    return TensorValue.of(out, x.integral());
  }

  private static TensorValue depthSpace(NodeView v, boolean toSpace) {
    TensorValue x = v.in(0);
    long b = v.integer("block_size", -1);
    if (!x.rankKnown() || x.rank() != 4 || b <= 0) {
      return unknownLike(x);
    }
    boolean first = channelsFirst(v);
    int c = first ? 1 : 3;
    long[] out = x.dims();
    for (int i = 0; i < 4; i++) {
      long d = out[i];
      if (i == 0 || d < 0) {
        continue;
      }
      if (i == c) {
        out[i] =
            toSpace
                ? d / Math.multiplyExact(b, b)
                : Math.multiplyExact(d, Math.multiplyExact(b, b));
      } else {
        out[i] = toSpace ? Math.multiplyExact(d, b) : d / b;
      }
    }
    return TensorValue.of(out, x.integral());
  }

  /** Resize(images [N, H, W, C], size [2]). */
  private static TensorValue resize(TensorValue x, TensorValue size) {
    long[] s = size.longs();
    long n = x.rankKnown() && x.rank() == 4 ? x.dim(0) : -1;
    long c = x.rankKnown() && x.rank() == 4 ? x.dim(3) : -1;
    boolean known = s != null && s.length == 2;
    return TensorValue.of(new long[] {n, known ? s[0] : -1, known ? s[1] : -1, c}, false);
  }

  /** CropAndResize(image [N, H, W, C], boxes [B, 4], box_ind, crop_size [2]): [B, h, w, C]. */
  private static TensorValue cropAndResize(NodeView v) {
    TensorValue boxes = v.in(1);
    TensorValue r = resize(v.in(0), v.in(3));
    long[] out = r.dims();
    out[0] = boxes.rankKnown() && boxes.rank() == 2 ? boxes.dim(0) : -1;
    return TensorValue.of(out, false);
  }

  /** y has the input's shape; the batch statistics are one number per channel. */
  private static Outcome batchNorm(NodeView v) {
    TensorValue x = v.in(0);
    long c = -1;
    if (x.rankKnown() && x.rank() >= 2) {
      c = x.dim(channelsFirst(v) ? 1 : x.rank() - 1);
    }
    TensorValue stats = TensorValue.of(new long[] {c}, false);
    TensorValue y = x.rankKnown() ? TensorValue.of(x.dims(), false) : TensorValue.UNKNOWN;
    return Outcome.free(y, stats, stats, stats, stats, TensorValue.UNKNOWN);
  }
}
