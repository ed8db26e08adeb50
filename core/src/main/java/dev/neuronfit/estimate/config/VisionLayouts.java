package dev.neuronfit.estimate.config;

import static dev.neuronfit.estimate.config.Exact.add;
import static dev.neuronfit.estimate.config.Exact.mul;

import dev.neuronfit.model.HfConfig;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Staged vision backbones (ResNet, ConvNeXt, Swin) walked from their transformers configs,
 * following the module layout of those implementations: every convolution and linear layer with its
 * parameters and its multiply-accumulates at the resolution it runs at. Batch-norm statistics are
 * buffers and are not counted; batch norm, pooling and activations do no multiply-accumulates here.
 * The classifier's multiply-accumulates are always counted, its parameters only when the model has
 * one.
 */
final class VisionLayouts {
  private VisionLayouts() {}

  private static long labels(HfConfig c) {
    return Math.max(2, c.sizeOf("id2label"));
  }

  /**
   * ResNet with basic (two 3x3) or bottleneck (1x1, 3x3, 1x1) blocks and a linear classifier
   * (torchvision layout: stride in the 3x3 convolution of a bottleneck).
   */
  static Optional<LayoutCount> resnet(HfConfig c, int image, boolean classifier) {
    List<Long> widths = c.integers("hidden_sizes");
    List<Long> depths = c.integers("depths");
    if (widths.isEmpty() || widths.size() != depths.size()) {
      return Optional.empty();
    }
    long stem = c.integer("embedding_size").orElse(64);
    long channels = c.integer("num_channels").orElse(3);
    boolean bottleneck = !"basic".equals(c.string("layer_type").orElse("bottleneck"));
    long total = add(mul(channels, stem, 49), mul(2, stem)); // 7x7 stem conv, batch norm
    double res = image / 2.0; // 7x7 stride-2 stem
    double macs = res * res * channels * stem * 49;
    res /= 2; // 3x3 stride-2 max pool
    long in = stem;
    for (int s = 0; s < widths.size(); s++) {
      long out = widths.get(s);
      for (long b = 0; b < depths.get(s); b++) {
        long blockIn = b == 0 ? in : out;
        boolean strided = b == 0 && (s > 0 || c.bool("downsample_in_first_stage").orElse(false));
        double resIn = res;
        double resOut = strided ? res / 2 : res;
        if (bottleneck) {
          long mid = out / 4;
          total =
              add(
                  total,
                  mul(blockIn, mid),
                  mul(2, mid),
                  mul(9, mid, mid),
                  mul(2, mid),
                  mul(mid, out),
                  mul(2, out));
          macs +=
              resIn * resIn * blockIn * mid
                  + resOut * resOut * (9.0 * mid * mid + (double) mid * out);
        } else {
          total = add(total, mul(9, blockIn, out), mul(2, out), mul(9, out, out), mul(2, out));
          macs += resOut * resOut * (9.0 * blockIn * out + 9.0 * out * out);
        }
        if (blockIn != out || strided) {
          total = add(total, mul(blockIn, out), mul(2, out)); // 1x1 shortcut, batch norm
          macs += resOut * resOut * blockIn * out;
        }
        res = resOut;
      }
      in = out;
    }
    if (classifier) {
      total = add(total, mul(in, labels(c)), labels(c));
    }
    return Optional.of(LayoutCount.of(total, macs + in * (double) labels(c)));
  }

  /**
   * ConvNeXt: 4x4 patchify stem, 7x7 depthwise blocks with 4x inverted MLPs and layer scale, 2x2
   * downsampling between stages.
   */
  static Optional<LayoutCount> convnext(HfConfig c, int image, boolean classifier) {
    List<Long> widths = c.integers("hidden_sizes");
    List<Long> depths = c.integers("depths");
    if (widths.isEmpty() || widths.size() != depths.size()) {
      return Optional.empty();
    }
    long channels = c.integer("num_channels").orElse(3);
    long patch = c.integer("patch_size").orElse(4);
    long first = widths.get(0);
    long total = add(mul(channels, patch, patch, first), first, mul(2, first));
    double res = (double) image / patch;
    double macs = res * res * channels * widths.get(0) * patch * patch;
    for (int s = 0; s < widths.size(); s++) {
      long w = widths.get(s);
      if (s > 0) {
        long prev = widths.get(s - 1);
        total = add(total, mul(2, prev), mul(prev, w, 4), w); // LayerNorm, 2x2 strided conv
        res /= 2;
        macs += res * res * widths.get(s - 1) * w * 4;
      }
      long block = add(mul(49, w), w, mul(2, w), mul(w, 4, w), mul(4, w), mul(4, w, w), w, w);
      total = add(total, mul(depths.get(s), block));
      macs += depths.get(s) * res * res * (49.0 * w + 8.0 * w * w);
    }
    long last = widths.get(widths.size() - 1);
    total = add(total, mul(2, last));
    if (classifier) {
      total = add(total, mul(last, labels(c)), labels(c));
    }
    return Optional.of(
        LayoutCount.of(total, macs + widths.get(widths.size() - 1) * (double) labels(c)));
  }

  /**
   * Swin: patch embedding, windowed attention blocks (window x window tokens) with relative
   * position tables, MLPs, patch merging between stages. The parameters need the heads per stage;
   * the multiply-accumulates do not.
   */
  static Optional<LayoutCount> swin(HfConfig c, int image, boolean classifier) {
    OptionalLong embedOpt = c.integer("embed_dim");
    List<Long> depths = c.integers("depths");
    List<Long> heads = c.integers("num_heads");
    if (embedOpt.isEmpty() || depths.isEmpty()) {
      return Optional.empty();
    }
    boolean headsKnown = heads.size() == depths.size();
    long embed = embedOpt.getAsLong();
    long patch = c.integer("patch_size").orElse(4);
    long channels = c.integer("num_channels").orElse(3);
    long window = c.integer("window_size").orElse(7);
    long ratio = Math.round(c.number("mlp_ratio").orElse(4.0));
    double exactRatio = c.number("mlp_ratio").orElse(4.0);
    long table = mul(2 * window - 1, 2 * window - 1);
    long total = add(mul(channels, patch, patch, embed), embed, mul(2, embed));
    long dim = embed;
    double side = (double) image / patch;
    double macs = side * side * channels * dim * patch * patch;
    for (int s = 0; s < depths.size(); s++) {
      if (headsKnown) {
        long block =
            add(
                mul(2, dim),
                mul(dim, 3, dim),
                mul(3, dim),
                mul(dim, dim),
                dim,
                mul(table, heads.get(s)),
                mul(2, dim),
                mul(dim, ratio, dim),
                mul(ratio, dim),
                mul(ratio, dim, dim),
                dim);
        total = add(total, mul(depths.get(s), block));
      }
      double tokens = side * side;
      double block =
          tokens * (4.0 * dim * dim + 2.0 * exactRatio * dim * dim)
              + 2.0 * tokens * window * window * dim;
      macs += depths.get(s) * block;
      if (s < depths.size() - 1) {
        total = add(total, mul(2, 4, dim), mul(4, dim, 2, dim)); // merging: LayerNorm, linear
        side /= 2;
        macs += side * side * 4.0 * dim * 2.0 * dim;
        dim = mul(dim, 2);
      }
    }
    total = add(total, mul(2, dim));
    if (classifier) {
      total = add(total, mul(dim, labels(c)), labels(c));
    }
    return Optional.of(
        new LayoutCount(
            headsKnown ? OptionalLong.of(total) : OptionalLong.empty(),
            macs + dim * (double) labels(c)));
  }

  /** Activations of a convolutional network, roughly: the input image and each stage's output. */
  static long cnnActivationBytes(int batch, int image, long channels, int bytes) {
    // feature maps shrink by 4x per stage while channels double: the sum stays within a few times
    // the first stage's map; a coarse figure for the memory-traffic side of the bound
    return (long)
        (2.0
            * batch
            * bytes
            * (3.0 * image * image + 8.0 * (image / 4.0) * (image / 4.0) * channels));
  }
}
