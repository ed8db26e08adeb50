package dev.neuronfit.estimate.graph;

import java.util.Arrays;
import java.util.Optional;

/**
 * Convolutions and pooling: output sizes from kernel, strides, pads, dilations and {@code auto_pad}
 * (ONNX operator specification, Conv and MaxPool), and the multiply-accumulates of convolutions. A
 * convolution does, per output element, (input channels / group) x kernel multiply-accumulates; a
 * transposed one the same per input element. Pooling costs 0.
 */
final class ConvShapes {
  private ConvShapes() {}

  static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "Conv", "ConvInteger", "com.microsoft::FusedConv" -> conv(v, v.in(0), v.in(1));
          case "QLinearConv" -> conv(v, v.in(0), v.in(3));
          case "ConvTranspose" -> convTranspose(v);
          case "MaxPool", "AveragePool", "LpPool" -> pool(v);
          case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" ->
              Outcome.free(global(v.in(0)));
          default -> null;
        });
  }

  /** Per-axis attribute of {@code n} spatial axes, or the fallback for each. */
  private static long[] perAxis(NodeView v, String name, int n, long fallback) {
    long[] a = v.ints(name);
    if (a != null && a.length == n) {
      return a;
    }
    long[] d = new long[n];
    Arrays.fill(d, fallback);
    return d;
  }

  /**
   * Output sizes of a sliding window over the spatial axes of {@code x}; unknown where the input
   * size is.
   */
  private static long[] windowOutput(NodeView v, TensorValue x, long[] kernel, boolean ceil) {
    int n = kernel.length;
    long[] strides = perAxis(v, "strides", n, 1);
    long[] dilations = perAxis(v, "dilations", n, 1);
    long[] pads = perAxis(v, "pads", 2 * n, 0);
    String autoPad = v.text("auto_pad", "NOTSET");
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long in = x.dim(2 + i);
      long s = Math.max(1, strides[i]);
      long span = dilations[i] * (kernel[i] - 1) + 1;
      if (in < 0 || kernel[i] < 0) {
        out[i] = -1;
      } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
        out[i] = Math.floorDiv(in + s - 1, s);
      } else if (autoPad.equals("VALID")) {
        out[i] = Math.max(0, Math.floorDiv(in - span + s, s));
      } else {
        long padded = in + pads[i] + pads[i + n] - span;
        long count = ceil ? Math.floorDiv(padded + s - 1, s) + 1 : Math.floorDiv(padded, s) + 1;
        // with ceil_mode, a last window that would start in the end padding is dropped
        if (ceil && (count - 1) * s >= in + pads[i]) {
          count--;
        }
        out[i] = Math.max(0, count);
      }
    }
    return out;
  }

  private static Outcome conv(NodeView v, TensorValue x, TensorValue w) {
    if (!x.rankKnown() || x.rank() < 3) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    int n = x.rank() - 2;
    long[] kernel = v.ints("kernel_shape");
    if (kernel == null || kernel.length != n) {
      kernel = new long[n];
      for (int i = 0; i < n; i++) {
        kernel[i] = w.rankKnown() && w.rank() == n + 2 ? w.dim(2 + i) : -1;
      }
    }
    long[] spatial = windowOutput(v, x, kernel, false);
    long outChannels = w.rankKnown() && w.rank() == n + 2 ? w.dim(0) : -1;
    long[] out = new long[n + 2];
    out[0] = x.dim(0);
    out[1] = outChannels;
    System.arraycopy(spatial, 0, out, 2, n);
    TensorValue y = TensorValue.of(out, false);
    long perOutput = w.rankKnown() && w.rank() == n + 2 ? w.dim(1) : -1;
    for (long k : kernel) {
      perOutput = perOutput < 0 || k < 0 ? -1 : perOutput * k;
    }
    long outputs = y.elements();
    if (perOutput < 0 || outputs < 0) {
      return Outcome.costUnknown(y);
    }
    return Outcome.costing((double) outputs * perOutput, y);
  }

  private static Outcome convTranspose(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue w = v.in(1);
    if (!x.rankKnown() || x.rank() < 3) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    int n = x.rank() - 2;
    boolean wKnown = w.rankKnown() && w.rank() == n + 2;
    long[] kernel = v.ints("kernel_shape");
    if (kernel == null || kernel.length != n) {
      kernel = new long[n];
      for (int i = 0; i < n; i++) {
        kernel[i] = wKnown ? w.dim(2 + i) : -1;
      }
    }
    long group = v.integer("group", 1);
    long perGroupOut = wKnown ? w.dim(1) : -1;
    long[] out = new long[n + 2];
    out[0] = x.dim(0);
    out[1] = perGroupOut < 0 ? -1 : perGroupOut * group;
    long[] strides = perAxis(v, "strides", n, 1);
    long[] dilations = perAxis(v, "dilations", n, 1);
    long[] pads = perAxis(v, "pads", 2 * n, 0);
    long[] outPad = perAxis(v, "output_padding", n, 0);
    long[] outputShape = v.ints("output_shape");
    String autoPad = v.text("auto_pad", "NOTSET");
    for (int i = 0; i < n; i++) {
      long in = x.dim(2 + i);
      if (outputShape != null && outputShape.length >= n) {
        out[2 + i] = outputShape[outputShape.length - n + i];
      } else if (in < 0 || kernel[i] < 0) {
        out[2 + i] = -1;
      } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
        out[2 + i] = in * strides[i];
      } else {
        long span = dilations[i] * (kernel[i] - 1) + 1;
        long padded = autoPad.equals("VALID") ? 0 : pads[i] + pads[i + n];
        out[2 + i] = strides[i] * (in - 1) + outPad[i] + span - padded;
      }
    }
    TensorValue y = TensorValue.of(out, false);
    long perInput = perGroupOut;
    for (long k : kernel) {
      perInput = perInput < 0 || k < 0 ? -1 : perInput * k;
    }
    long inputs = x.elements();
    if (perInput < 0 || inputs < 0) {
      return Outcome.costUnknown(y);
    }
    return Outcome.costing((double) inputs * perInput, y);
  }

  private static Outcome pool(NodeView v) {
    TensorValue x = v.in(0);
    long[] kernel = v.ints("kernel_shape");
    if (!x.rankKnown() || x.rank() < 3 || kernel == null || kernel.length != x.rank() - 2) {
      TensorValue out = x.rankKnown() ? TensorValue.of(unknown(x.rank()), false) : x;
      return v.outputCount() > 1 ? Outcome.free(out, out) : Outcome.free(out);
    }
    long[] spatial = windowOutput(v, x, kernel, v.integer("ceil_mode", 0) == 1);
    long[] out = x.dims();
    System.arraycopy(spatial, 0, out, 2, spatial.length);
    TensorValue y = TensorValue.of(out, false);
    return v.outputCount() > 1 ? Outcome.free(y, TensorValue.of(out, true)) : Outcome.free(y);
  }

  private static long[] unknown(int rank) {
    long[] d = new long[rank];
    Arrays.fill(d, -1);
    return d;
  }

  private static TensorValue global(TensorValue x) {
    if (!x.rankKnown() || x.rank() < 3) {
      return x;
    }
    long[] out = x.dims();
    for (int i = 2; i < out.length; i++) {
      out[i] = 1;
    }
    return TensorValue.of(out, false);
  }
}
