package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Multiply-accumulates of staged vision backbones at an image size, following the same module
 * layouts as {@link VisionFormulas}: every convolution and linear layer at the resolution it runs
 * at. Batch norm, pooling and activations are not counted.
 */
final class VisionWork {
  private VisionWork() {}

  /** ResNet (torchvision layout: stride in the 3x3 convolution of a bottleneck). */
  static OptionalDouble resnet(HfConfig c, int image) {
    List<Long> widths = c.integers("hidden_sizes");
    List<Long> depths = c.integers("depths");
    if (widths.isEmpty() || widths.size() != depths.size()) {
      return OptionalDouble.empty();
    }
    long stem = c.integer("embedding_size").orElse(64);
    long channels = c.integer("num_channels").orElse(3);
    boolean bottleneck = !"basic".equals(c.string("layer_type").orElse("bottleneck"));
    double res = image / 2.0; // 7x7 stride-2 stem
    double macs = res * res * channels * stem * 49;
    res /= 2; // 3x3 stride-2 max pool
    long in = stem;
    for (int s = 0; s < widths.size(); s++) {
      long out = widths.get(s);
      for (int b = 0; b < depths.get(s); b++) {
        long blockIn = b == 0 ? in : out;
        boolean strided = b == 0 && (s > 0 || c.bool("downsample_in_first_stage").orElse(false));
        double resIn = res;
        double resOut = strided ? res / 2 : res;
        if (bottleneck) {
          long mid = out / 4;
          macs +=
              resIn * resIn * blockIn * mid
                  + resOut * resOut * (9.0 * mid * mid + (double) mid * out);
        } else {
          macs += resOut * resOut * (9.0 * blockIn * out + 9.0 * out * out);
        }
        if (blockIn != out || strided) {
          macs += resOut * resOut * blockIn * out;
        }
        res = resOut;
      }
      in = out;
    }
    return OptionalDouble.of(macs + in * (double) Math.max(2, c.sizeOf("id2label")));
  }

  /** ConvNeXt: 4x4 patchify stem, 7x7 depthwise blocks with 4x inverted MLPs, 2x2 downsampling. */
  static OptionalDouble convnext(HfConfig c, int image) {
    List<Long> widths = c.integers("hidden_sizes");
    List<Long> depths = c.integers("depths");
    if (widths.isEmpty() || widths.size() != depths.size()) {
      return OptionalDouble.empty();
    }
    long patch = c.integer("patch_size").orElse(4);
    long channels = c.integer("num_channels").orElse(3);
    double res = (double) image / patch;
    double macs = res * res * channels * widths.get(0) * patch * patch;
    for (int s = 0; s < widths.size(); s++) {
      long w = widths.get(s);
      if (s > 0) {
        res /= 2;
        macs += res * res * widths.get(s - 1) * w * 4;
      }
      macs += depths.get(s) * res * res * (49.0 * w + 8.0 * w * w);
    }
    return OptionalDouble.of(
        macs + widths.get(widths.size() - 1) * (double) Math.max(2, c.sizeOf("id2label")));
  }

  /** Swin: windowed attention (window x window tokens), MLPs, patch merging between stages. */
  static OptionalDouble swin(HfConfig c, int image) {
    List<Long> depths = c.integers("depths");
    if (c.integer("embed_dim").isEmpty() || depths.isEmpty()) {
      return OptionalDouble.empty();
    }
    long dim = c.integer("embed_dim").getAsLong();
    long patch = c.integer("patch_size").orElse(4);
    long channels = c.integer("num_channels").orElse(3);
    long window = c.integer("window_size").orElse(7);
    double ratio = c.number("mlp_ratio").orElse(4.0);
    double side = (double) image / patch;
    double macs = side * side * channels * dim * patch * patch;
    for (int s = 0; s < depths.size(); s++) {
      double tokens = side * side;
      double block =
          tokens * (4.0 * dim * dim + 2.0 * ratio * dim * dim)
              + 2.0 * tokens * window * window * dim;
      macs += depths.get(s) * block;
      if (s < depths.size() - 1) {
        side /= 2;
        macs += side * side * 4.0 * dim * 2.0 * dim;
        dim *= 2;
      }
    }
    return OptionalDouble.of(macs + dim * (double) Math.max(2, c.sizeOf("id2label")));
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
