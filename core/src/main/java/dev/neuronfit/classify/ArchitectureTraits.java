package dev.neuronfit.classify;

import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the {@link Trait}s of a Hugging Face model from its config: experts, how attention shares
 * its keys and values, sliding windows, state-space mixers, a vision tower, quantized weights. Each
 * trait comes from the fields that name it, whatever the model type, so a model the catalogue does
 * not know gets its traits too. The language model of an image+text config is read from its {@code
 * text_config} when the top level has no sizes of its own. Pure.
 */
public final class ArchitectureTraits {
  private static final Set<String> STATE_SPACE_TYPES = Set.of("mamba", "mamba2", "falcon_mamba");

  private ArchitectureTraits() {}

  /** The traits of a model; empty for models read without a Hugging Face config. */
  public static List<Trait> of(ModelProfile profile) {
    if (profile.hf().isEmpty()) {
      return List.of();
    }
    HfMetadata hf = profile.hf().get();
    List<Trait> out = new ArrayList<>();
    hf.config().ifPresent(c -> fromConfig(c, out));
    Optional<Quantization> q = hf.quantization();
    q.ifPresent(x -> out.add(new Trait(Trait.Kind.QUANTIZED, x.label(), x.source())));
    out.sort((a, b) -> a.kind().compareTo(b.kind()));
    return List.copyOf(out);
  }

  private static void fromConfig(HfConfig top, List<Trait> out) {
    boolean nested = top.child("text_config").isPresent() && !top.has("hidden_size");
    HfConfig lm = nested ? top.child("text_config").get() : top;
    experts(lm, out);
    boolean attentionless = stateSpace(lm, out);
    if (!attentionless) {
      attention(lm, out);
      slidingWindow(lm, out);
    }
    Optional<HfConfig> vision = top.child("vision_config");
    if (vision.isPresent() && (top.has("text_config") || lm.has("vocab_size"))) {
      out.add(
          new Trait(
              Trait.Kind.IMAGE_TEXT,
              "vision tower"
                  + vision.get().string("model_type").map(t -> " " + t).orElse("")
                  + " beside the language model",
              top.keyPath("vision_config")));
    }
  }

  private static void experts(HfConfig c, List<Trait> out) {
    Optional<HfConfig.KeyValue> e =
        c.firstInteger("n_routed_experts", "num_local_experts", "num_experts", "moe_num_experts");
    if (e.isEmpty() || e.get().value() < 2) {
      return;
    }
    OptionalLong k =
        first(c, "num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_topk");
    long shared = c.integer("n_shared_experts").orElse(0);
    boolean sharedWidth = c.integer("shared_expert_intermediate_size").orElse(0) > 0;
    String detail =
        e.get().value()
            + " experts"
            + (k.isPresent() ? ", " + k.getAsLong() + " per token" : "")
            + (shared > 0 ? ", " + shared + " shared" : sharedWidth ? ", a shared expert" : "");
    out.add(new Trait(Trait.Kind.MIXTURE_OF_EXPERTS, detail, e.get().key()));
  }

  /**
   * Adds the state-space trait when the config has Mamba mixers; true when no layer attends (so no
   * attention trait applies).
   */
  private static boolean stateSpace(HfConfig c, List<Trait> out) {
    String type = c.string("model_type").orElse("");
    Optional<HfConfig.KeyValue> state =
        c.firstInteger("ssm_state_size", "state_size", "d_state", "mamba_d_state");
    if (state.isEmpty() && !STATE_SPACE_TYPES.contains(type)) {
      return false;
    }
    String kind = type.equals("mamba2") || c.has("n_groups") ? "Mamba2" : "Mamba";
    OptionalLong layers = first(c, "num_hidden_layers", "n_layer", "num_layers");
    String key = state.map(HfConfig.KeyValue::key).orElse(c.keyPath("model_type"));
    OptionalLong period = c.integer("attn_layer_period");
    if (period.isEmpty() || period.getAsLong() < 1 || layers.isEmpty()) {
      out.add(
          new Trait(
              Trait.Kind.STATE_SPACE,
              kind
                  + " mixers"
                  + (layers.isPresent() ? " on all " + layers.getAsLong() + " layers" : "")
                  + ", no attention",
              key));
      return true;
    }
    long offset = c.integer("attn_layer_offset").orElse(0);
    long attention = 0;
    for (long l = 0; l < Math.min(layers.getAsLong(), 1_000_000); l++) {
      if (l % period.getAsLong() == offset) {
        attention++;
      }
    }
    out.add(
        new Trait(
            Trait.Kind.STATE_SPACE,
            "hybrid: attention on "
                + attention
                + " of "
                + layers.getAsLong()
                + " layers, "
                + kind
                + " mixers on the others",
            c.keyPath("attn_layer_period")));
    return false;
  }

  private static void attention(HfConfig c, List<Trait> out) {
    if (c.has("kv_lora_rank")) {
      out.add(
          new Trait(
              Trait.Kind.LATENT_ATTENTION,
              "keys and values compressed to a rank-"
                  + c.shown("kv_lora_rank").orElse("")
                  + " latent",
              c.keyPath("kv_lora_rank")));
      return;
    }
    OptionalLong heads = first(c, "num_attention_heads", "n_head", "num_heads", "n_heads");
    if (heads.isEmpty() || heads.getAsLong() < 2) {
      return;
    }
    long h = heads.getAsLong();
    String type = c.string("model_type").orElse("");
    Optional<HfConfig.KeyValue> kv;
    if (c.bool("new_decoder_architecture").orElse(false)) {
      kv = c.firstInteger("num_kv_heads");
    } else if (c.bool("multi_query").orElse(type.equals("falcon"))) {
      kv = Optional.of(new HfConfig.KeyValue(c.keyPath("multi_query"), 1));
    } else {
      kv =
          c.firstInteger(
              "num_key_value_heads", "n_head_kv", "num_kv_heads", "multi_query_group_num");
    }
    if (kv.isEmpty() || kv.get().value() < 1 || kv.get().value() >= h) {
      return;
    }
    if (kv.get().value() == 1) {
      out.add(
          new Trait(
              Trait.Kind.MULTI_QUERY_ATTENTION,
              h + " query heads share 1 key/value head",
              kv.get().key()));
    } else {
      out.add(
          new Trait(
              Trait.Kind.GROUPED_QUERY_ATTENTION,
              h + " query heads, " + kv.get().value() + " key/value heads",
              kv.get().key()));
    }
  }

  private static void slidingWindow(HfConfig c, List<Trait> out) {
    OptionalLong window = c.integer("sliding_window");
    if (window.isEmpty() || window.getAsLong() < 1 || !c.bool("use_sliding_window").orElse(true)) {
      return;
    }
    List<String> types = c.strings("layer_types");
    long sliding = types.stream().filter(t -> t.equals("sliding_attention")).count();
    String layers =
        types.isEmpty()
            ? ""
            : sliding == 0 ? "" : ", on " + sliding + " of " + types.size() + " layers";
    if (!types.isEmpty() && sliding == 0) {
      return; // the layer pattern attends fully everywhere
    }
    out.add(
        new Trait(
            Trait.Kind.SLIDING_WINDOW,
            window.getAsLong() + "-token window" + layers,
            c.keyPath("sliding_window")));
  }

  private static OptionalLong first(HfConfig c, String... keys) {
    return c.firstInteger(keys).map(kv -> OptionalLong.of(kv.value())).orElse(OptionalLong.empty());
  }
}
