package dev.neuronfit.classify;

import dev.neuronfit.model.TensorInfo;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The depth of a torchvision-style ResNet backbone (ResNet-18 ... ResNet-152) read from the tensor
 * names {@code ...layerK.N...} of its four stages: bottleneck blocks (with a {@code conv3}) count
 * three layers each, basic blocks two, plus the stem and the classifier.
 *
 * @param depth e.g. 50
 * @param blocks blocks per stage, e.g. [3, 4, 6, 3]
 * @param bottleneck true for bottleneck blocks
 */
public record ResNetBackbone(int depth, List<Integer> blocks, boolean bottleneck) {
  private static final Pattern STAGE_BLOCK = Pattern.compile("(?:^|\\.)layer([1-4])\\.(\\d+)\\.");

  public ResNetBackbone {
    blocks = List.copyOf(blocks);
  }

  /** The backbone of a model whose tensor names follow torchvision's ResNet, or empty. */
  public static Optional<ResNetBackbone> of(List<TensorInfo> tensors) {
    int[] max = {-1, -1, -1, -1};
    boolean bottleneck = false;
    for (TensorInfo t : tensors) {
      Matcher m = STAGE_BLOCK.matcher(t.name());
      if (m.find()) {
        int stage = Integer.parseInt(m.group(1)) - 1;
        int block = Integer.parseInt(m.group(2));
        if (block < 1000) {
          max[stage] = Math.max(max[stage], block);
        }
        bottleneck |= t.name().contains(".conv3.");
      }
    }
    for (int v : max) {
      if (v < 0) {
        return Optional.empty();
      }
    }
    List<Integer> blocks = List.of(max[0] + 1, max[1] + 1, max[2] + 1, max[3] + 1);
    int sum = blocks.stream().mapToInt(Integer::intValue).sum();
    return Optional.of(new ResNetBackbone((bottleneck ? 3 : 2) * sum + 2, blocks, bottleneck));
  }

  /** True for ResNet-50 and deeper, the backbones the guideline says gain most on inf1. */
  public boolean isLarge() {
    return depth >= 50;
  }
}
