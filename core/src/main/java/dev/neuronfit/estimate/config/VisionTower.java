package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.OptionalLong;

/**
 * The vision tower of an image+text model ({@code vision_config}: SigLIP, CLIP or Qwen's ViT), as a
 * patch embedding, pre-norm encoder layers with biases and a plain or gated MLP, and the projector
 * into the language model. Read from the tower's own fields (width, depth, MLP width, patch).
 */
final class VisionTower {
  private VisionTower() {}

  /** Parameters of the tower, or empty when its config lacks the width or depth. */
  static OptionalLong parameters(HfConfig v) {
    Dims d = new Dims(v);
    OptionalLong hOpt = d.first("hidden_size", "embed_dim", "width");
    OptionalLong lOpt = d.first("num_hidden_layers", "depth", "num_layers", "layers");
    if (hOpt.isEmpty() || lOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = hOpt.getAsLong();
    long i = d.first("intermediate_size").orElse(v.integer("mlp_ratio").orElse(4) * h);
    int mats = v.string("hidden_act").orElse("").equals("silu") ? 3 : 2;
    long layer = 4 * (h * h + h) + mats * h * i + i + h + 4 * h;
    long patch = v.integer("patch_size").orElse(14);
    long channels = v.integer("num_channels").orElse(v.integer("in_channels").orElse(3));
    long temporal = v.integer("temporal_patch_size").orElse(1);
    long embed = channels * patch * patch * temporal * h + h;
    long side = v.integer("image_size").orElse(0) / patch;
    long positions = side * side * h;
    long merger = 0;
    long merge = v.integer("spatial_merge_size").orElse(0);
    long out = v.integer("out_hidden_size").orElse(0);
    if (merge > 0 && out > 0) {
      long m = h * merge * merge;
      merger = m * m + m + m * out + out + h;
    }
    return OptionalLong.of(embed + positions + lOpt.getAsLong() * layer + 2 * h + merger);
  }

  /**
   * The projector from the tower's width to the language model's (one matrix), unless the tower
   * projects itself (Qwen's merger, counted with the tower).
   */
  static long projector(HfConfig top, HfConfig text) {
    HfConfig v = top.child("vision_config").orElse(null);
    if (v == null || v.has("out_hidden_size")) {
      return 0;
    }
    OptionalLong vh = new Dims(v).first("hidden_size", "embed_dim", "width");
    OptionalLong th = new Dims(text).hidden();
    return vh.isPresent() && th.isPresent() ? vh.getAsLong() * th.getAsLong() : 0;
  }
}
