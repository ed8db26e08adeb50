package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.List;
import java.util.OptionalLong;

/**
 * Parameter counts of staged vision backbones (ResNet, ConvNeXt, Swin) from their transformers
 * configs, following the module layout of those implementations. Batch-norm statistics are buffers
 * and are not counted.
 */
final class VisionFormulas {
  private VisionFormulas() {}

  private static long labels(HfConfig c) {
    return Math.max(2, c.sizeOf("id2label"));
  }

  /** ResNet with basic (two 3x3) or bottleneck (1x1, 3x3, 1x1) blocks and a linear classifier. */
  static OptionalLong resnet(HfConfig c, boolean classifier) {
    List<Long> widths = c.integers("hidden_sizes");
    List<Long> depths = c.integers("depths");
    if (widths.isEmpty() || widths.size() != depths.size()) {
      return OptionalLong.empty();
    }
    long stem = c.integer("embedding_size").orElse(64);
    long channels = c.integer("num_channels").orElse(3);
    boolean bottleneck = !"basic".equals(c.string("layer_type").orElse("bottleneck"));
    long total = channels * stem * 49 + 2 * stem; // 7x7 stem convolution without bias, batch norm
    long in = stem;
    for (int s = 0; s < widths.size(); s++) {
      long out = widths.get(s);
      for (int b = 0; b < depths.get(s); b++) {
        long blockIn = b == 0 ? in : out;
        boolean strided = b == 0 && (s > 0 || c.bool("downsample_in_first_stage").orElse(false));
        if (bottleneck) {
          long mid = out / 4;
          total += blockIn * mid + 2 * mid + 9 * mid * mid + 2 * mid + mid * out + 2 * out;
        } else {
          total += 9 * blockIn * out + 2 * out + 9 * out * out + 2 * out;
        }
        if (blockIn != out || strided) {
          total += blockIn * out + 2 * out; // 1x1 projection shortcut with batch norm
        }
      }
      in = out;
    }
    if (classifier) {
      total += in * labels(c) + labels(c);
    }
    return OptionalLong.of(total);
  }

  /** ConvNeXt: patchify stem, depthwise 7x7 blocks with inverted MLPs and layer scale. */
  static OptionalLong convnext(HfConfig c, boolean classifier) {
    List<Long> widths = c.integers("hidden_sizes");
    List<Long> depths = c.integers("depths");
    if (widths.isEmpty() || widths.size() != depths.size()) {
      return OptionalLong.empty();
    }
    long channels = c.integer("num_channels").orElse(3);
    long patch = c.integer("patch_size").orElse(4);
    long first = widths.get(0);
    long total = channels * patch * patch * first + first + 2 * first;
    for (int s = 0; s < widths.size(); s++) {
      long w = widths.get(s);
      if (s > 0) {
        long prev = widths.get(s - 1);
        total += 2 * prev + prev * w * 4 + w; // LayerNorm, 2x2 strided convolution
      }
      long block = 49 * w + w + 2 * w + (w * 4 * w + 4 * w) + (4 * w * w + w) + w;
      total += depths.get(s) * block;
    }
    long last = widths.get(widths.size() - 1);
    total += 2 * last;
    if (classifier) {
      total += last * labels(c) + labels(c);
    }
    return OptionalLong.of(total);
  }

  /** Swin: patch embedding, windowed attention blocks with relative position tables, merging. */
  static OptionalLong swin(HfConfig c, boolean classifier) {
    OptionalLong embedOpt = c.integer("embed_dim");
    List<Long> depths = c.integers("depths");
    List<Long> heads = c.integers("num_heads");
    if (embedOpt.isEmpty() || depths.isEmpty() || heads.size() != depths.size()) {
      return OptionalLong.empty();
    }
    long embed = embedOpt.getAsLong();
    long patch = c.integer("patch_size").orElse(4);
    long channels = c.integer("num_channels").orElse(3);
    long window = c.integer("window_size").orElse(7);
    long ratio = Math.round(c.number("mlp_ratio").orElse(4.0));
    long table = (2 * window - 1) * (2 * window - 1);
    long total = channels * patch * patch * embed + embed + 2 * embed;
    long dim = embed;
    for (int s = 0; s < depths.size(); s++) {
      long block =
          2 * dim
              + (dim * 3 * dim + 3 * dim)
              + (dim * dim + dim)
              + table * heads.get(s)
              + 2 * dim
              + (dim * ratio * dim + ratio * dim)
              + (ratio * dim * dim + dim);
      total += depths.get(s) * block;
      if (s < depths.size() - 1) {
        total += 2 * 4 * dim + 4 * dim * 2 * dim; // patch merging: LayerNorm, linear without bias
        dim *= 2;
      }
    }
    total += 2 * dim;
    if (classifier) {
      total += dim * labels(c) + labels(c);
    }
    return OptionalLong.of(total);
  }
}
