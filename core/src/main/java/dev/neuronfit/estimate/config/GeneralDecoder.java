package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One decoder-only layout driven by the config's own fields rather than by a class per model:
 * hidden size, layers, query and key/value heads (grouped or multi-query), head width, MLP width
 * (gated or not), vocabulary, tied embeddings, learned positions and biases; plus the parts that
 * genuinely differ, each read from the fields that name it: latent attention (DeepSeek-V2/V3),
 * routed and shared experts with leading dense layers, and state-space mixers (Mamba, Mamba2,
 * Jamba's hybrid pattern). Norm weights are counted as one vector per norm; the few percent of
 * difference between LayerNorm and RMSNorm is far under the 5% the corpus test allows.
 */
final class GeneralDecoder {
  /** Families whose MLP is two matrices (up and down) rather than a gated three. */
  private static final Set<String> PLAIN_MLP =
      Set.of(
          "gpt2",
          "gpt_bigcode",
          "gpt_neo",
          "gpt_neox",
          "gptj",
          "opt",
          "bloom",
          "falcon",
          "mpt",
          "phi",
          "starcoder2",
          "codegen",
          "biogpt",
          "imagegpt",
          "gpt-sw3",
          "persimmon",
          "stablelm_epoch");

  /** Families with a learned position table of max_position_embeddings rows. */
  private static final Set<String> LEARNED_POSITIONS =
      Set.of("gpt2", "gpt_bigcode", "gpt_neo", "opt", "biogpt", "imagegpt", "gpt-sw3");

  /** Decoder model types whose configs the general layout reads (besides any *ForCausalLM). */
  static final Set<String> KNOWN_DECODERS =
      Set.of(
          "falcon",
          "gpt_neox",
          "gptj",
          "gpt_neo",
          "opt",
          "bloom",
          "mpt",
          "phi",
          "phimoe",
          "starcoder2",
          "exaone",
          "granitemoe",
          "gpt_oss",
          "deepseek_v2",
          "deepseek_v3",
          "cohere",
          "cohere2",
          "gemma3_text",
          "mamba",
          "mamba2",
          "falcon_mamba",
          "jamba",
          "olmoe",
          "qwen3_5_moe",
          "qwen3_next");

  private GeneralDecoder() {}

  /** The parameters of a decoder config, or empty when it lacks a size the layout needs. */
  static OptionalLong parameters(HfConfig c) {
    return of(c).map(Parts::total).map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  /** The shape of one layer, for the workload; empty when the config lacks a size. */
  static Optional<TransformerLayouts.LayerShape> shape(HfConfig c) {
    return of(c).map(Parts::shape);
  }

  /** True when a config names the fields a decoder layout needs. */
  static boolean applies(HfConfig c) {
    Dims d = new Dims(c);
    return d.hidden().isPresent() && d.layers().isPresent() && d.vocab().isPresent();
  }

  /**
   * The parameters of a decoder config split the way quantizers treat them.
   *
   * @param total all parameters
   * @param embeddings the token (and learned position) embeddings and an untied output head, which
   *     weight-only quantizers leave at the checkpoint's dtype
   * @param experts the routed and shared experts' weights
   */
  record Breakdown(long total, long embeddings, long experts) {}

  /** The split of a decoder config's parameters, or empty when it lacks a size the layout needs. */
  static Optional<Breakdown> breakdown(HfConfig c) {
    return of(c).map(p -> new Breakdown(p.total, p.embeddings, p.experts));
  }

  private record Parts(
      long total, long embeddings, long experts, TransformerLayouts.LayerShape shape) {}

  private static Optional<Parts> of(HfConfig c) {
    Dims d = new Dims(c);
    String type = c.string("model_type").orElse("");
    if (d.hidden().isEmpty() || d.layers().isEmpty() || d.vocab().isEmpty()) {
      return Optional.empty();
    }
    long h = d.hidden().getAsLong();
    long layers = d.layers().getAsLong();
    long v = d.vocab().getAsLong();
    boolean ssm =
        c.has("d_state")
            || c.has("state_size")
            || c.has("ssm_state_size")
            || c.has("mamba_d_state");
    boolean attentionless = ssm && !c.has("attn_layer_period") && !c.has("attn_layer_offset");
    if (d.heads().isEmpty() && !attentionless) {
      return Optional.empty();
    }
    long nh = d.heads().orElse(1);
    long kv = kvHeads(c, d, nh);
    long hd = d.headDim(h, nh);
    boolean plain = PLAIN_MLP.contains(type);
    boolean gated = !plain && !c.string("hidden_act").orElse("").equals("gelu_new");
    boolean biases =
        c.bool("attention_bias")
            .or(() -> c.bool("bias"))
            .or(() -> c.bool("add_bias_linear"))
            .orElse(plain && !type.equals("falcon"));
    long i = intermediate(c, d, h);

    // attention, per attention layer
    long attn;
    long kvPerToken;
    if (c.has("kv_lora_rank")) {
      long qr = c.integer("q_lora_rank").orElse(0);
      long kvr = c.integer("kv_lora_rank").getAsLong();
      long rope = c.integer("qk_rope_head_dim").orElse(64);
      long nope = c.integer("qk_nope_head_dim").orElse(128);
      long vd = c.integer("v_head_dim").orElse(nope);
      long q = qr > 0 ? h * qr + qr + qr * nh * (nope + rope) : h * nh * (nope + rope);
      attn = q + h * (kvr + rope) + kvr + kvr * nh * (nope + vd) + nh * vd * h;
      kvPerToken = kvr + rope; // the compressed latent and the shared rotary key
      hd = vd;
    } else {
      attn = h * nh * hd + 2 * h * kv * hd + nh * hd * h;
      if (biases) {
        attn += nh * hd + 2 * kv * hd + h;
      }
      if (c.has("sliding_window") && type.equals("gpt_oss")) {
        attn += nh; // attention sinks
      }
      kvPerToken = 2 * kv * hd;
    }

    // feed-forward: dense, routed experts (+ shared), with leading dense layers
    int mats = gated ? 3 : 2;
    long dense = mats * h * i + (biases ? i + h : 0);
    long experts = d.first("n_routed_experts", "num_local_experts", "num_experts").orElse(0);
    long moeLayers = 0;
    long moe = 0;
    long active = 0;
    if (experts > 1) {
      long ei = d.first("moe_intermediate_size", "expert_intermediate_size").orElse(i);
      long sharedWidth =
          c.integer("shared_expert_intermediate_size")
              .orElse(c.integer("n_shared_experts").orElse(0) * ei);
      boolean expertBias = type.equals("gpt_oss");
      moe =
          experts * (mats * h * ei + (expertBias ? 2 * ei + h : 0))
              + h * experts
              + (expertBias ? experts : 0)
              + mats * h * sharedWidth
              + (c.has("shared_expert_intermediate_size") ? h : 0);
      long firstDense = c.integer("first_k_dense_replace").orElse(0);
      long period = c.integer("expert_layer_period").orElse(1);
      long offset = c.integer("expert_layer_offset").orElse(0);
      for (long l = 0; l < layers; l++) {
        if (l >= firstDense && l % Math.max(1, period) == offset % Math.max(1, period)) {
          moeLayers++;
        }
      }
      long k = d.first("num_experts_per_tok", "num_experts_per_token", "moe_topk").orElse(1);
      active = k * ei + sharedWidth;
    }

    // mixers: attention layers, or state-space layers, or a hybrid pattern
    long attnLayers = layers;
    long ssmLayer = 0;
    if (ssm) {
      ssmLayer = ssmParameters(c, h);
      if (attentionless) {
        attnLayers = 0;
      } else {
        long period = c.integer("attn_layer_period").orElse(1);
        long offset = c.integer("attn_layer_offset").orElse(0);
        attnLayers = 0;
        for (long l = 0; l < layers; l++) {
          if (l % Math.max(1, period) == offset) {
            attnLayers++;
          }
        }
      }
    }
    long ssmLayers = layers - attnLayers;
    long ffnLayers = attentionless ? 0 : layers;
    long norms = (attentionless ? 1 : 2) * h * (biases ? 2 : 1);

    long body =
        attnLayers * attn
            + ssmLayers * ssmParameters(c, h)
            + (ffnLayers - moeLayers) * dense
            + moeLayers * moe
            + layers * norms;
    // a model type transformers does not define (remote code) falls back on the config's own
    // tie_embeddings, or on tying for a pure state-space model
    boolean tied =
        TiedEmbeddings.declared(c)
            .orElse(c.bool("tie_embeddings").orElse(false) || (ssm && attentionless));
    long positions =
        LEARNED_POSITIONS.contains(type)
            ? (d.positions().orElse(0) + (type.equals("opt") ? 2 : 0)) * h
            : 0;
    long total = v * h + positions + body + h * (biases ? 2 : 1) + (tied ? 0 : v * h);

    long shapeI = moeLayers > 0 ? active : i;
    long shapeKv = Math.max(1, kvPerToken / Math.max(1, 2 * hd));
    TransformerLayouts.LayerShape shape =
        new TransformerLayouts.LayerShape(
            h, Math.max(1, nh), shapeKv, hd, shapeI, mats, Math.max(1, attnLayers), kvPerToken);
    long embeddings = v * h + positions + (tied ? 0 : v * h);
    long expertWeights =
        moeLayers
            * (experts
                * mats
                * h
                * d.first("moe_intermediate_size", "expert_intermediate_size").orElse(i));
    return Optional.of(new Parts(total, embeddings, expertWeights, shape));
  }

  /** Key/value heads: grouped ({@code num_key_value_heads}), Falcon's, or multi-query. */
  private static long kvHeads(HfConfig c, Dims d, long heads) {
    if (c.bool("new_decoder_architecture").orElse(false)) {
      return c.integer("num_kv_heads").orElse(heads);
    }
    if (c.string("model_type").orElse("").equals("falcon")) {
      return c.bool("multi_query").orElse(true) ? 1 : heads;
    }
    return d.kvHeads(heads);
  }

  private static long intermediate(HfConfig c, Dims d, long h) {
    OptionalLong i =
        d.first("intermediate_size", "n_inner", "ffn_dim", "ffn_hidden_size", "d_ff", "ffn_size");
    return i.orElse(4 * h);
  }

  /**
   * One Mamba (or Mamba2) mixer: input projection to x, z (and B, C, dt for Mamba2), a depthwise
   * convolution, the state-space parameters and an output projection.
   */
  private static long ssmParameters(HfConfig c, long h) {
    long state = c.integer("state_size").orElse(c.integer("d_state").orElse(16));
    long expand = c.integer("expand").orElse(c.integer("mamba_expand").orElse(2));
    long inner =
        c.has("state_size") ? c.integer("intermediate_size").orElse(expand * h) : expand * h;
    if (c.has("mamba_d_state")) {
      state = c.integer("mamba_d_state").getAsLong();
    }
    long conv = c.integer("conv_kernel").orElse(c.integer("mamba_d_conv").orElse(4));
    boolean v2 = c.string("model_type").orElse("").equals("mamba2") || c.has("n_groups");
    if (v2) {
      long heads = c.integer("num_heads").orElse(inner / 64);
      long groups = c.integer("n_groups").orElse(1);
      long proj = h * (2 * inner + 2 * groups * state + heads);
      long convDim = inner + 2 * groups * state;
      return proj + convDim * conv + convDim + 3 * heads + inner + inner * h;
    }
    long rank =
        c.integer("time_step_rank").orElse(c.integer("mamba_dt_rank").orElse((h + 15) / 16));
    return h * 2 * inner // in_proj
        + inner * conv
        + inner // conv1d
        + inner * (rank + 2 * state) // x_proj
        + rank * inner
        + inner // dt_proj
        + inner * state
        + inner // A_log, D
        + inner * h; // out_proj
  }
}
