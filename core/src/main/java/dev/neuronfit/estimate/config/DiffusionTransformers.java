package dev.neuronfit.estimate.config;

import static dev.neuronfit.estimate.config.Exact.add;
import static dev.neuronfit.estimate.config.Exact.mul;

import dev.neuronfit.model.HfConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The transformer denoisers of diffusers ({@code transformer/} in a pipeline) walked from their
 * configs in the order diffusers builds their modules: SD3's MMDiT (SD3Transformer2DModel), FLUX's
 * double- and single-stream blocks (FluxTransformer2DModel) and the DiT family (Transformer2DModel,
 * DiTTransformer2DModel, PixArtTransformer2DModel over latent patches). Each walk yields the
 * parameters and the multiply-accumulates of one denoising step over {@code imageTokens} latent
 * patches and {@code textTokens} conditioning tokens. Layer norms without affine weights and rotary
 * positions hold no parameters; normalisation and activations do no multiply-accumulates here.
 */
final class DiffusionTransformers {
  /** The sinusoidal timestep features every embedder projects from. */
  private static final long TIMESTEP_FEATURES = 256;

  private DiffusionTransformers() {}

  /** The classes walked here. */
  static final Set<String> CLASSES =
      Set.of(
          "SD3Transformer2DModel",
          "FluxTransformer2DModel",
          "Transformer2DModel",
          "DiTTransformer2DModel",
          "PixArtTransformer2DModel");

  /** The denoiser of class {@code cls}, or empty when the class or a needed size is missing. */
  static Optional<LayoutCount> walk(String cls, HfConfig c, long imageTokens, long textTokens) {
    return switch (cls) {
      case "SD3Transformer2DModel" -> sd3(c, imageTokens, textTokens);
      case "FluxTransformer2DModel" -> flux(c, imageTokens, textTokens);
      case "Transformer2DModel", "DiTTransformer2DModel", "PixArtTransformer2DModel" ->
          dit(cls, c, imageTokens, textTokens);
      default -> Optional.empty();
    };
  }

  /** A linear layer with a bias. */
  private static long linear(long in, long out) {
    return add(mul(in, out), out);
  }

  /** diffusers' TimestepEmbedding: two linear layers from {@code in} features to {@code dim}. */
  private static long timestepEmbedding(long in, long dim) {
    return add(linear(in, dim), linear(dim, dim));
  }

  /** The width of a query or key norm: RMSNorm has a weight, LayerNorm a weight and a bias. */
  private static long qkNorm(HfConfig c, long headDim) {
    return switch (c.string("qk_norm").orElse("")) {
      case "rms_norm" -> headDim;
      case "layer_norm" -> mul(2, headDim);
      default -> 0;
    };
  }

  /**
   * SD3's MMDiT (arXiv:2403.03206): joint blocks with one stream for the latent patches and one for
   * the text, attending together. The last block is context-pre-only (its text stream has no output
   * projection and no feed-forward), and the layers listed in {@code dual_attention_layers} (SD3.5
   * Medium's MMDiT-X) add a second latent-only attention. The position table of {@code
   * pos_embed_max_size} is a persistent buffer stored in the checkpoint, so it is counted.
   */
  static Optional<LayoutCount> sd3(HfConfig c, long n, long t) {
    OptionalLong layersOpt = c.integer("num_layers");
    OptionalLong headsOpt = c.integer("num_attention_heads");
    OptionalLong headDimOpt = c.integer("attention_head_dim");
    if (layersOpt.isEmpty() || headsOpt.isEmpty() || headDimOpt.isEmpty()) {
      return Optional.empty();
    }
    long layers = layersOpt.getAsLong();
    long hd = headDimOpt.getAsLong();
    long d = mul(headsOpt.getAsLong(), hd);
    long in = c.integer("in_channels").orElse(16);
    long out = c.integer("out_channels").orElse(in);
    long p = c.integer("patch_size").orElse(2);
    long joint = c.integer("joint_attention_dim").orElse(4096);
    long caption = c.integer("caption_projection_dim").orElse(d);
    long pooled = c.integer("pooled_projection_dim").orElse(2048);
    long posMax = c.integer("pos_embed_max_size").orElse(0);
    long norm = qkNorm(c, hd);
    Set<Long> dual = new HashSet<>(c.integers("dual_attention_layers"));
    long params =
        add(
            linear(mul(in, p, p), d), // patch embedding (a p x p convolution)
            mul(posMax, posMax, d),
            timestepEmbedding(TIMESTEP_FEATURES, d),
            timestepEmbedding(pooled, d), // the pooled text projection has the same two layers
            linear(joint, caption));
    double macs = (double) n * in * p * p * d + (double) t * joint * caption;
    long attention = add(mul(4, linear(d, d)), mul(2, norm)); // q, k, v, out and the q/k norms
    long ff = add(linear(d, mul(4, d)), linear(mul(4, d), d)); // GELU feed-forward, 4x wide
    for (long i = 0; i < layers; i++) {
      boolean last = i == layers - 1;
      boolean twice = dual.contains(i);
      long block =
          add(
              linear(d, mul(twice ? 9 : 6, d)), // adaLN-Zero of the latent stream
              last ? linear(d, mul(2, d)) : linear(d, mul(6, d)), // of the text stream
              attention, // latent q, k, v, out
              mul(3, linear(d, d)),
              mul(2, norm), // the text stream's q, k, v and norms
              last ? 0 : linear(d, d), // its output projection
              ff,
              last ? 0 : ff,
              twice ? attention : 0);
      params = add(params, block);
      long s = n + t;
      macs +=
          (double) n * 12 * d * d // latent q, k, v, out and feed-forward
              + (double) t * (last ? 3 : 12) * d * d
              + 2.0 * s * s * d
              + (twice ? (double) n * 4 * d * d + 2.0 * n * n * d : 0);
    }
    params = add(params, linear(d, mul(2, d)), linear(d, mul(p, p, out)));
    macs += (double) n * d * p * p * out;
    return Optional.of(LayoutCount.of(params, macs));
  }

  /**
   * FLUX.1: {@code num_layers} double-stream blocks (an MMDiT block with q/k RMSNorm) and then
   * {@code num_single_layers} single-stream blocks over the joined sequence, whose attention and 4x
   * MLP share one input projection and one output projection. Positions are rotary (no parameters);
   * FLUX.1-dev adds a guidance embedder ({@code guidance_embeds}).
   */
  static Optional<LayoutCount> flux(HfConfig c, long n, long t) {
    OptionalLong doubleOpt = c.integer("num_layers");
    OptionalLong singleOpt = c.integer("num_single_layers");
    OptionalLong headsOpt = c.integer("num_attention_heads");
    OptionalLong headDimOpt = c.integer("attention_head_dim");
    if (doubleOpt.isEmpty() || singleOpt.isEmpty() || headsOpt.isEmpty() || headDimOpt.isEmpty()) {
      return Optional.empty();
    }
    long hd = headDimOpt.getAsLong();
    long d = mul(headsOpt.getAsLong(), hd);
    long in = c.integer("in_channels").orElse(64);
    long out = c.integer("out_channels").orElse(in);
    long p = c.integer("patch_size").orElse(1);
    long joint = c.integer("joint_attention_dim").orElse(4096);
    long pooled = c.integer("pooled_projection_dim").orElse(768);
    boolean guidance = c.bool("guidance_embeds").orElse(false);
    long embed = timestepEmbedding(TIMESTEP_FEATURES, d);
    long params =
        add(
            guidance ? mul(2, embed) : embed,
            timestepEmbedding(pooled, d),
            linear(joint, d),
            linear(in, d));
    double macs = (double) t * joint * d + (double) n * in * d;
    long ff = add(linear(d, mul(4, d)), linear(mul(4, d), d));
    long doubleBlock =
        add(
            mul(2, linear(d, mul(6, d))), // adaLN-Zero of both streams
            mul(8, linear(d, d)), // q, k, v, out of both streams
            mul(4, hd), // q/k RMSNorm of both streams
            mul(2, ff));
    long singleBlock =
        add(
            linear(d, mul(3, d)), // adaLN-Zero (shift, scale, gate)
            mul(3, linear(d, d)),
            mul(2, hd), // q, k, v and their norms
            linear(d, mul(4, d)), // the MLP's input
            linear(mul(5, d), d)); // one output projection over attention and MLP
    long doubles = doubleOpt.getAsLong();
    long singles = singleOpt.getAsLong();
    long s = n + t;
    params = add(params, mul(doubles, doubleBlock), mul(singles, singleBlock));
    // each token passes its own stream's projections and feed-forward (12 d^2) in a double block
    macs += doubles * ((double) s * 12 * d * d + 2.0 * s * s * d);
    macs += singles * ((double) s * 12 * d * d + 2.0 * s * s * d);
    params = add(params, linear(d, mul(2, d)), linear(d, mul(p, p, out)));
    macs += (double) n * d * p * p * out;
    return Optional.of(LayoutCount.of(params, macs));
  }

  /**
   * The DiT family over latent patches: Transformer2DModel with a {@code patch_size}, and its DiT
   * and PixArt subclasses. PixArt ({@code norm_type} ada_norm_single) shares one adaLN projection
   * and adds a caption projection and cross-attention to the text; class-conditional DiT ({@code
   * ada_norm_zero}) gives every block its own timestep and class embedder, as diffusers builds it.
   * Continuous (non-patched) Transformer2DModel configs are not walked.
   */
  static Optional<LayoutCount> dit(String cls, HfConfig c, long n, long t) {
    OptionalLong layersOpt = c.integer("num_layers");
    OptionalLong headsOpt = c.integer("num_attention_heads");
    OptionalLong headDimOpt = c.integer("attention_head_dim");
    OptionalLong patchOpt = c.integer("patch_size");
    boolean pixart = cls.equals("PixArtTransformer2DModel");
    // the subclasses fix what Transformer2DModel leaves to the config
    String normType =
        c.string("norm_type")
            .orElse(
                pixart
                    ? "ada_norm_single"
                    : cls.equals("DiTTransformer2DModel") ? "ada_norm_zero" : "layer_norm");
    if (layersOpt.isEmpty()
        || headsOpt.isEmpty()
        || headDimOpt.isEmpty()
        || patchOpt.isEmpty()
        || !List.of("ada_norm_single", "ada_norm_zero").contains(normType)) {
      return Optional.empty();
    }
    long d = mul(headsOpt.getAsLong(), headDimOpt.getAsLong());
    long p = patchOpt.getAsLong();
    long in = c.integer("in_channels").orElse(4);
    long out = c.integer("out_channels").orElse(in);
    long layers = layersOpt.getAsLong();
    boolean single = normType.equals("ada_norm_single");
    OptionalLong crossOpt = c.integer("cross_attention_dim");
    long cross = crossOpt.orElse(0);
    long bias = c.bool("attention_bias").orElse(!cls.equals("Transformer2DModel")) ? d : 0;
    long selfAttn = add(mul(4, d, d), mul(3, bias), d);
    long crossAttn = crossOpt.isEmpty() ? 0 : add(mul(2, d, d), mul(2, cross, d), mul(3, bias), d);
    long ff = add(linear(d, mul(4, d)), linear(mul(4, d), d));
    long params = linear(mul(in, p, p), d);
    double macs = (double) n * in * p * p * d;
    long block = add(selfAttn, crossAttn, ff);
    if (single) {
      block = add(block, mul(6, d)); // each block's scale-shift table
      long size = d / 3;
      // PixArt's resolution and aspect-ratio embedders: by default only at 1024 px (latent 128)
      boolean sizes =
          c.bool("use_additional_conditions")
              .orElse(pixart && c.integer("sample_size").orElse(0) == 128);
      long caption = c.integer("caption_channels").orElse(0);
      params =
          add(
              params,
              timestepEmbedding(TIMESTEP_FEATURES, d),
              sizes ? mul(2, timestepEmbedding(TIMESTEP_FEATURES, size)) : 0,
              linear(d, mul(6, d)),
              caption > 0 ? timestepEmbedding(caption, d) : 0,
              mul(2, d), // the output scale-shift table
              linear(d, mul(p, p, out)));
      macs += (double) t * caption * d + (double) t * d * d;
    } else {
      long classes = c.integer("num_embeds_ada_norm").orElse(1000);
      // the label table has one more row for the unconditional class (classifier-free guidance)
      block =
          add(
              block,
              timestepEmbedding(TIMESTEP_FEATURES, d),
              mul(add(classes, 1), d),
              linear(d, mul(6, d)));
      params = add(params, linear(d, mul(2, d)), linear(d, mul(p, p, out)));
    }
    params = add(params, mul(layers, block));
    double perBlock =
        (double) n * 12 * d * d // self-attention projections and the 4x feed-forward
            + 2.0 * n * n * d
            + (crossOpt.isEmpty()
                ? 0
                : (double) n * 2 * d * d + 2.0 * t * cross * d + 2.0 * n * t * d);
    macs += layers * perBlock + (double) n * d * p * p * out;
    return Optional.of(LayoutCount.of(params, macs));
  }
}
