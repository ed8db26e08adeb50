package dev.neuronfit.estimate.config;

import static dev.neuronfit.estimate.config.Exact.add;
import static dev.neuronfit.estimate.config.Exact.mul;

import dev.neuronfit.model.HfConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The diffusers UNet2DConditionModel and AutoencoderKL walked from their configs in the order
 * diffusers builds the blocks (ResNet blocks, spatial transformers, down- and up-samplers, skip
 * connections into the up path). The UNet walk yields its parameters and the multiply-accumulates
 * of one denoising step together: self-attention over the latent positions, cross-attention to the
 * text tokens, and the resampling convolutions; norms and activations do no multiply-accumulates
 * here.
 */
final class DiffusersLayouts {
  private DiffusersLayouts() {}

  /**
   * A ResNet block: two GroupNorm + 3x3 conv pairs, a time projection, a 1x1 shortcut if needed.
   */
  private static long resnetParameters(long in, long out, long temb) {
    long p = add(mul(2, in), mul(9, in, out), out, mul(2, out), mul(9, out, out), out);
    if (temb > 0) {
      p = add(p, mul(temb, out), out);
    }
    if (in != out) {
      p = add(p, mul(in, out), out);
    }
    return p;
  }

  private static double resnetMacs(double res, long in, long out) {
    return res * res * (9.0 * in * out + 9.0 * out * out + (in != out ? (double) in * out : 0));
  }

  /** A spatial transformer: GroupNorm, projections in and out, self- and cross-attention, GEGLU. */
  private static long transformerParameters(long ch, long cross, long layers) {
    long block =
        add(
            mul(6, ch), // three LayerNorms
            mul(4, ch, ch),
            ch, // self-attention: q, k, v without bias, output with bias
            mul(2, ch, ch),
            mul(2, cross, ch),
            ch, // cross-attention
            mul(ch, 8, ch),
            mul(8, ch),
            mul(4, ch, ch),
            ch); // GEGLU feed-forward
    return add(mul(2, ch), mul(ch, ch), ch, mul(layers, block), mul(ch, ch), ch);
  }

  private static double transformerMacs(
      double res, long ch, long cross, long textTokens, long layers) {
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

  private static List<Long> reversed(List<Long> list) {
    List<Long> r = new ArrayList<>(list);
    Collections.reverse(r);
    return r;
  }

  /** A 3x3 convolution keeping the channels: a downsampler, or an upsampler after its resize. */
  private static long resampleParameters(long ch) {
    return add(mul(9, ch, ch), ch);
  }

  /**
   * @param latent latent side (the config's sample_size unless overridden)
   * @param textTokens length of the conditioning sequence (77 for CLIP text encoders)
   */
  static Optional<LayoutCount> unet2dCondition(HfConfig c, int latent, long textTokens) {
    List<Long> channels = c.integers("block_out_channels");
    List<String> down = c.strings("down_block_types");
    List<String> up = c.strings("up_block_types");
    OptionalLong crossOpt = c.integer("cross_attention_dim");
    if (channels.isEmpty()
        || down.size() != channels.size()
        || up.size() != channels.size()
        || crossOpt.isEmpty()) {
      return Optional.empty();
    }
    long cross = crossOpt.getAsLong();
    long layersPerBlock = c.integer("layers_per_block").orElse(2);
    Optional<List<Long>> depths = transformerDepths(c, channels.size());
    if (depths.isEmpty()) {
      return Optional.empty();
    }
    List<Long> tLayers = depths.get();
    long inCh = c.integer("in_channels").orElse(4);
    long outCh = c.integer("out_channels").orElse(4);
    long c0 = channels.get(0);
    long temb = mul(4, c0);
    int n = channels.size();
    long total =
        add(
            mul(9, inCh, c0),
            c0,
            mul(c0, temb),
            temb,
            mul(temb, temb),
            temb,
            addedEmbedding(c, temb));
    double res = latent;
    double macs = res * res * inCh * c0 * 9;
    long output = c0;
    for (int i = 0; i < n; i++) {
      long input = output;
      output = channels.get(i);
      boolean attn = down.get(i).startsWith("CrossAttn");
      for (long j = 0; j < layersPerBlock; j++) {
        total = add(total, resnetParameters(j == 0 ? input : output, output, temb));
        macs += resnetMacs(res, j == 0 ? input : output, output);
        if (attn) {
          total = add(total, transformerParameters(output, cross, tLayers.get(i)));
          macs += transformerMacs(res, output, cross, textTokens, tLayers.get(i));
        }
      }
      if (i < n - 1) {
        total = add(total, resampleParameters(output));
        res /= 2;
        macs += res * res * 9.0 * output * output;
      }
    }
    long last = channels.get(n - 1);
    total =
        add(
            total,
            mul(2, resnetParameters(last, last, temb)),
            transformerParameters(last, cross, tLayers.get(n - 1)));
    macs +=
        2 * resnetMacs(res, last, last)
            + transformerMacs(res, last, cross, textTokens, tLayers.get(n - 1));
    List<Long> reversed = reversed(channels);
    output = reversed.get(0);
    for (int i = 0; i < n; i++) {
      long prev = output;
      output = reversed.get(i);
      long input = reversed.get(Math.min(i + 1, n - 1));
      boolean attn = up.get(i).startsWith("CrossAttn");
      for (long j = 0; j <= layersPerBlock; j++) {
        long skip = j == layersPerBlock ? input : output;
        long resIn = j == 0 ? prev : output;
        total = add(total, resnetParameters(add(resIn, skip), output, temb));
        macs += resnetMacs(res, resIn + skip, output);
        if (attn) {
          total = add(total, transformerParameters(output, cross, tLayers.get(n - 1 - i)));
          macs += transformerMacs(res, output, cross, textTokens, tLayers.get(n - 1 - i));
        }
      }
      if (i < n - 1) {
        total = add(total, resampleParameters(output));
        res *= 2;
        macs += res * res * 9.0 * output * output;
      }
    }
    total = add(total, mul(2, c0), mul(9, c0, outCh), outCh);
    return Optional.of(LayoutCount.of(total, macs + res * res * 9.0 * c0 * outCh));
  }

  /**
   * The depth of the spatial transformer in each down block (the up path mirrors it, the middle
   * block takes the last): {@code transformer_layers_per_block} as one number for every block, or
   * one per block as SDXL gives it ([1, 2, 10]); 1 when absent. Empty when the value is neither, or
   * when a {@code reverse_transformer_layers_per_block} gives the up path its own depths (not
   * walked here).
   */
  private static Optional<List<Long>> transformerDepths(HfConfig c, int blocks) {
    if (c.sizeOf("reverse_transformer_layers_per_block") > 0) {
      return Optional.empty();
    }
    OptionalLong one = c.integer("transformer_layers_per_block");
    if (one.isPresent() || !c.has("transformer_layers_per_block")) {
      return Optional.of(Collections.nCopies(blocks, one.orElse(1)));
    }
    List<Long> each = c.integers("transformer_layers_per_block");
    return each.size() == blocks ? Optional.of(each) : Optional.empty();
  }

  /**
   * The extra conditioning embedding SDXL adds to the time embedding ({@code addition_embed_type}
   * text_time: pooled text and size conditions projected by two linear layers from {@code
   * projection_class_embeddings_input_dim}); 0 for UNets without one.
   */
  private static long addedEmbedding(HfConfig c, long temb) {
    if (!c.string("addition_embed_type").orElse("").equals("text_time")) {
      return 0;
    }
    long in = c.integer("projection_class_embeddings_input_dim").orElse(0);
    return in <= 0 ? 0 : add(mul(in, temb), temb, mul(temb, temb), temb);
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
    long attention = add(mul(2, last), mul(4, add(mul(last, last), last)));
    long mid = add(mul(2, resnetParameters(last, last, 0)), attention);
    long encoder = add(mul(9, inCh, c0), c0);
    long ch = c0;
    for (int i = 0; i < n; i++) {
      long out = channels.get(i);
      for (long j = 0; j < layers; j++) {
        encoder = add(encoder, resnetParameters(j == 0 ? ch : out, out, 0));
      }
      if (i < n - 1) {
        encoder = add(encoder, resampleParameters(out));
      }
      ch = out;
    }
    encoder = add(encoder, mid, mul(2, last), mul(9, last, 2, latent), mul(2, latent));
    long decoder = add(mul(9, latent, last), last, mid);
    ch = last;
    List<Long> reversed = reversed(channels);
    for (int i = 0; i < n; i++) {
      long out = reversed.get(i);
      for (long j = 0; j <= layers; j++) {
        decoder = add(decoder, resnetParameters(j == 0 ? ch : out, out, 0));
      }
      if (i < n - 1) {
        decoder = add(decoder, resampleParameters(out));
      }
      ch = out;
    }
    decoder = add(decoder, mul(2, c0), mul(9, c0, outCh), outCh);
    // SD3's and FLUX's VAEs drop the 1x1 convolutions around the latent (use_quant_conv false)
    long quant =
        add(
            c.bool("use_quant_conv").orElse(true)
                ? add(mul(2, latent, 2, latent), mul(2, latent))
                : 0,
            c.bool("use_post_quant_conv").orElse(true) ? add(mul(latent, latent), latent) : 0);
    return OptionalLong.of(add(encoder, decoder, quant));
  }
}
