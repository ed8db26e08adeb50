package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Multiply-accumulates of one denoising step of a diffusers UNet2DConditionModel on a latent of
 * {@code sample_size} squared, walking the blocks as diffusers builds them (as {@link
 * DiffusersFormulas} does for parameters): ResNet blocks, spatial transformers with self-attention
 * over the latent positions and cross-attention to the text tokens, and the resampling
 * convolutions.
 */
final class UnetWork {
  private UnetWork() {}

  private static double resnet(double res, long in, long out) {
    return res * res * (9.0 * in * out + 9.0 * out * out + (in != out ? (double) in * out : 0));
  }

  private static double transformer(double res, long ch, long cross, long textTokens, long layers) {
    double n = res * res;
    double block =
        4 * n * ch * ch
            + 2 * n * n * ch // self-attention: Q, K, V, output; scores and values
            + 2 * n * ch * ch
            + 2.0 * textTokens * cross * ch
            + 2 * n * textTokens * ch // cross-attention
            + 12 * n * ch * ch; // GEGLU feed-forward (C to 8C, then 4C to C)
    return 2 * n * ch * ch + layers * block;
  }

  /**
   * @param latent latent side (the config's sample_size unless overridden)
   * @param textTokens length of the conditioning sequence (77 for CLIP text encoders)
   */
  static OptionalDouble step(HfConfig c, int latent, long textTokens) {
    List<Long> channels = c.integers("block_out_channels");
    List<String> down = c.strings("down_block_types");
    List<String> up = c.strings("up_block_types");
    if (channels.isEmpty()
        || down.size() != channels.size()
        || up.size() != channels.size()
        || c.integer("cross_attention_dim").isEmpty()) {
      return OptionalDouble.empty();
    }
    long cross = c.integer("cross_attention_dim").getAsLong();
    long perBlock = c.integer("layers_per_block").orElse(2);
    long tLayers = c.integer("transformer_layers_per_block").orElse(1);
    long inCh = c.integer("in_channels").orElse(4);
    long outCh = c.integer("out_channels").orElse(4);
    int n = channels.size();
    double res = latent;
    long c0 = channels.get(0);
    double macs = res * res * inCh * c0 * 9;
    long output = c0;
    for (int i = 0; i < n; i++) {
      long input = output;
      output = channels.get(i);
      boolean attn = down.get(i).startsWith("CrossAttn");
      for (int j = 0; j < perBlock; j++) {
        macs += resnet(res, j == 0 ? input : output, output);
        if (attn) {
          macs += transformer(res, output, cross, textTokens, tLayers);
        }
      }
      if (i < n - 1) {
        res /= 2;
        macs += res * res * 9.0 * output * output;
      }
    }
    long last = channels.get(n - 1);
    macs += 2 * resnet(res, last, last) + transformer(res, last, cross, textTokens, tLayers);
    List<Long> reversed = new ArrayList<>(channels);
    Collections.reverse(reversed);
    output = reversed.get(0);
    for (int i = 0; i < n; i++) {
      long prev = output;
      output = reversed.get(i);
      long input = reversed.get(Math.min(i + 1, n - 1));
      boolean attn = up.get(i).startsWith("CrossAttn");
      for (int j = 0; j <= perBlock; j++) {
        long skip = j == perBlock ? input : output;
        macs += resnet(res, (j == 0 ? prev : output) + skip, output);
        if (attn) {
          macs += transformer(res, output, cross, textTokens, tLayers);
        }
      }
      if (i < n - 1) {
        res *= 2;
        macs += res * res * 9.0 * output * output;
      }
    }
    return OptionalDouble.of(macs + res * res * 9.0 * c0 * outCh);
  }
}
