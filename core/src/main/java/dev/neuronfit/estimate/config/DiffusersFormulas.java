package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * Parameter counts of the diffusers UNet2DConditionModel and AutoencoderKL from their configs,
 * walking the blocks in the order diffusers builds them (ResNet blocks, spatial transformers, down-
 * and up-samplers, skip connections into the up path).
 */
final class DiffusersFormulas {
  private DiffusersFormulas() {}

  /**
   * A ResNet block: two GroupNorm + 3x3 conv pairs, a time projection, a 1x1 shortcut if needed.
   */
  private static long resnet(long in, long out, long temb) {
    long p = 2 * in + 9 * in * out + out + 2 * out + 9 * out * out + out;
    if (temb > 0) {
      p += temb * out + out;
    }
    if (in != out) {
      p += in * out + out;
    }
    return p;
  }

  /** A spatial transformer: GroupNorm, projections in and out, self- and cross-attention, GEGLU. */
  private static long transformer(long ch, long cross, long layers) {
    long block =
        6 * ch // three LayerNorms
            + 4 * ch * ch
            + ch // self-attention: q, k, v without bias, output with bias
            + 2 * ch * ch
            + 2 * cross * ch
            + ch // cross-attention
            + (ch * 8 * ch + 8 * ch)
            + (4 * ch * ch + ch); // GEGLU feed-forward
    return 2 * ch + (ch * ch + ch) + layers * block + (ch * ch + ch);
  }

  private static List<Long> reversed(List<Long> list) {
    List<Long> r = new ArrayList<>(list);
    Collections.reverse(r);
    return r;
  }

  private static long downsample(long ch) {
    return 9 * ch * ch + ch;
  }

  static OptionalLong unet2dCondition(HfConfig c) {
    List<Long> channels = c.integers("block_out_channels");
    List<String> down = c.strings("down_block_types");
    List<String> up = c.strings("up_block_types");
    OptionalLong crossOpt = c.integer("cross_attention_dim");
    if (channels.isEmpty()
        || down.size() != channels.size()
        || up.size() != channels.size()
        || crossOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long cross = crossOpt.getAsLong();
    long layersPerBlock = c.integer("layers_per_block").orElse(2);
    long tLayers = c.integer("transformer_layers_per_block").orElse(1);
    long inCh = c.integer("in_channels").orElse(4);
    long outCh = c.integer("out_channels").orElse(4);
    long c0 = channels.get(0);
    long temb = 4 * c0;
    int n = channels.size();
    long total = 9 * inCh * c0 + c0 + (c0 * temb + temb) + (temb * temb + temb);
    long output = c0;
    for (int i = 0; i < n; i++) {
      long input = output;
      output = channels.get(i);
      boolean attn = down.get(i).startsWith("CrossAttn");
      for (int j = 0; j < layersPerBlock; j++) {
        total += resnet(j == 0 ? input : output, output, temb);
        if (attn) {
          total += transformer(output, cross, tLayers);
        }
      }
      if (i < n - 1) {
        total += downsample(output);
      }
    }
    long last = channels.get(n - 1);
    total += 2 * resnet(last, last, temb) + transformer(last, cross, tLayers);
    List<Long> reversed = reversed(channels);
    output = reversed.get(0);
    for (int i = 0; i < n; i++) {
      long prev = output;
      output = reversed.get(i);
      long input = reversed.get(Math.min(i + 1, n - 1));
      boolean attn = up.get(i).startsWith("CrossAttn");
      for (int j = 0; j <= layersPerBlock; j++) {
        long skip = j == layersPerBlock ? input : output;
        long resIn = j == 0 ? prev : output;
        total += resnet(resIn + skip, output, temb);
        if (attn) {
          total += transformer(output, cross, tLayers);
        }
      }
      if (i < n - 1) {
        total += downsample(output); // the upsampler's 3x3 convolution has the same size
      }
    }
    total += 2 * c0 + 9 * c0 * outCh + outCh;
    return OptionalLong.of(total);
  }

  /** The KL autoencoder (VAE) of latent diffusion: encoder, decoder and the two 1x1 quant convs. */
  static OptionalLong autoencoderKl(HfConfig c) {
    List<Long> channels = c.integers("block_out_channels");
    if (channels.isEmpty()) {
      return OptionalLong.empty();
    }
    long layers = c.integer("layers_per_block").orElse(1);
    long inCh = c.integer("in_channels").orElse(3);
    long outCh = c.integer("out_channels").orElse(3);
    long latent = c.integer("latent_channels").orElse(4);
    int n = channels.size();
    long c0 = channels.get(0);
    long last = channels.get(n - 1);
    long attention = 2 * last + 4 * (last * last + last);
    long mid = 2 * resnet(last, last, 0) + attention;
    long encoder = 9 * inCh * c0 + c0;
    long ch = c0;
    for (int i = 0; i < n; i++) {
      long out = channels.get(i);
      for (int j = 0; j < layers; j++) {
        encoder += resnet(j == 0 ? ch : out, out, 0);
      }
      if (i < n - 1) {
        encoder += downsample(out);
      }
      ch = out;
    }
    encoder += mid + 2 * last + 9 * last * 2 * latent + 2 * latent;
    long decoder = 9 * latent * last + last + mid;
    ch = last;
    List<Long> reversed = reversed(channels);
    for (int i = 0; i < n; i++) {
      long out = reversed.get(i);
      for (int j = 0; j <= layers; j++) {
        decoder += resnet(j == 0 ? ch : out, out, 0);
      }
      if (i < n - 1) {
        decoder += downsample(out);
      }
      ch = out;
    }
    decoder += 2 * c0 + 9 * c0 * outCh + outCh;
    long quant = (2 * latent * 2 * latent + 2 * latent) + (latent * latent + latent);
    return OptionalLong.of(encoder + decoder + quant);
  }
}
