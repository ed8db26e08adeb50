package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one check of a config's numbers before any arithmetic: each size key a layout reads has a
 * range, and a value outside it (0 heads, a negative vocabulary, a width of 2^62) means the config
 * is not a model neuronfit can size, so the estimates are skipped with a note naming the key rather
 * than dividing by zero, overflowing or printing nonsense.
 *
 * <p>The ranges are wide: every published model is far inside them (the largest widths are tens of
 * thousands, the largest vocabularies a few hundred thousand, the longest contexts about ten
 * million tokens). They also keep every loop over layers, stages and blocks short. Products of
 * in-range values can still exceed a long, so the layouts multiply with {@code Math.*Exact} and an
 * overflow skips the estimate too ({@link #overflowNote}).
 *
 * <p>Layout code for a new config convention calls {@link #problem(HfConfig)} (or adds its keys to
 * the table here) rather than checking numbers itself.
 */
public final class ConfigNumbers {
  /** Deepest nesting of config objects checked ({@code text_config.vision_config...}). */
  private static final int MAX_DEPTH = 8;

  /** An inclusive range of accepted values. */
  public record Range(double min, double max) {
    public boolean contains(double v) {
      return v >= min && v <= max;
    }

    @Override
    public String toString() {
      return shown(min) + " to " + shown(max);
    }
  }

  private static final Range WIDTH = new Range(1, 1 << 20);
  private static final Range CHANNELS = new Range(1, 1 << 16);
  private static final Range LAYERS = new Range(0, 1 << 14);
  private static final Range HEADS = new Range(1, 1 << 16);
  private static final Range VOCAB = new Range(1, 1 << 28);
  private static final Range POSITIONS = new Range(1, 1 << 24);
  private static final Range PIXELS = new Range(1, 1 << 16);
  private static final Range EXPERTS = new Range(0, 1 << 16);
  private static final Range SMALL_COUNT = new Range(0, 1 << 16);
  private static final Range RATIO = new Range(Double.MIN_NORMAL, 1 << 10);

  private static final Map<String, Range> RANGES = table();

  private ConfigNumbers() {}

  private static Map<String, Range> table() {
    Map<String, Range> m = new LinkedHashMap<>();
    for (String k :
        List.of(
            "hidden_size",
            "n_embd",
            "d_model",
            "dim",
            "embed_dim",
            "model_dim",
            "width",
            "embedding_size",
            "intermediate_size",
            "n_inner",
            "d_ff",
            "ffn_dim",
            "hidden_dim",
            "ffn_hidden_size",
            "encoder_ffn_dim",
            "decoder_ffn_dim",
            "moe_intermediate_size",
            "shared_expert_intermediate_size",
            "head_dim",
            "d_kv",
            "kv_channels",
            "cross_attention_dim",
            "attention_head_dim",
            "hidden_sizes",
            "block_out_channels",
            "joint_attention_dim",
            "caption_projection_dim",
            "pooled_projection_dim",
            "caption_channels",
            "projection_dim",
            "projection_class_embeddings_input_dim")) {
      m.put(k, WIDTH);
    }
    for (String k :
        List.of("num_channels", "in_channels", "out_channels", "latent_channels", "num_mel_bins")) {
      m.put(k, CHANNELS);
    }
    for (String k :
        List.of(
            "num_hidden_layers",
            "n_layer",
            "num_layers",
            "n_layers",
            "encoder_layers",
            "decoder_layers",
            "num_decoder_layers",
            "depths",
            "layers_per_block",
            "transformer_layers_per_block",
            "num_single_layers")) {
      m.put(k, LAYERS);
    }
    for (String k :
        List.of(
            "num_attention_heads",
            "n_head",
            "num_heads",
            "n_heads",
            "encoder_attention_heads",
            "decoder_attention_heads",
            "num_key_value_heads",
            "n_head_kv",
            "num_kv_heads",
            "multi_query_group_num")) {
      m.put(k, HEADS);
    }
    for (String k : List.of("vocab_size", "n_vocab", "padded_vocab_size", "decoder_vocab_size")) {
      m.put(k, VOCAB);
    }
    for (String k :
        List.of(
            "max_position_embeddings",
            "n_positions",
            "n_ctx",
            "max_sequence_length",
            "seq_length",
            "max_source_positions",
            "max_target_positions")) {
      m.put(k, POSITIONS);
    }
    for (String k :
        List.of("image_size", "sample_size", "patch_size", "window_size", "pos_embed_max_size")) {
      m.put(k, PIXELS);
    }
    for (String k :
        List.of(
            "num_local_experts",
            "num_experts",
            "n_routed_experts",
            "n_shared_experts",
            "num_experts_per_tok",
            "num_experts_per_token")) {
      m.put(k, EXPERTS);
    }
    m.put("type_vocab_size", SMALL_COUNT);
    // classes of a classification head (DistilBertForSequenceClassification's classifier)
    m.put("num_labels", new Range(1, 1 << 24));
    m.put("relative_attention_num_buckets", SMALL_COUNT);
    m.put("num_embeds_ada_norm", SMALL_COUNT);
    m.put("mlp_ratio", RATIO);
    return Map.copyOf(m);
  }

  /** The keys with a range, sorted. */
  public static List<String> keys() {
    return RANGES.keySet().stream().sorted().toList();
  }

  /** The accepted range of a key, when the table has one. */
  public static Optional<Range> range(String key) {
    return Optional.ofNullable(RANGES.get(key));
  }

  /**
   * The first number in the model's configs (its config.json and nested objects, or its pipeline
   * components' configs) outside its key's range, as a note saying the estimates were skipped;
   * empty when every number is in range or the model has no config.
   */
  public static Optional<String> problem(ModelProfile profile) {
    return profile.hf().flatMap(ConfigNumbers::problem);
  }

  /** As {@link #problem(ModelProfile)}, for the configs of one Hugging Face folder. */
  public static Optional<String> problem(HfMetadata hf) {
    if (hf.config().isPresent()) {
      Optional<String> p = problem(hf.config().get());
      if (p.isPresent()) {
        return p;
      }
    }
    for (HfComponent comp : hf.components()) {
      if (comp.config().isPresent()) {
        Optional<String> p = problem(comp.config().get());
        if (p.isPresent()) {
          return p;
        }
      }
    }
    return Optional.empty();
  }

  /** The first out-of-range number in one config object and the objects nested in it. */
  public static Optional<String> problem(HfConfig c) {
    return problem(c, 0);
  }

  private static Optional<String> problem(HfConfig c, int depth) {
    for (String key : c.keys()) {
      Range r = RANGES.get(key);
      if (r != null) {
        for (double v : c.numbersIn(key)) {
          if (!r.contains(v)) {
            return Optional.of(
                "estimates skipped: "
                    + c.file()
                    + " "
                    + c.keyPath(key)
                    + " is "
                    + shown(v)
                    + ", expected "
                    + r);
          }
        }
      }
      if (depth < MAX_DEPTH) {
        Optional<HfConfig> child = c.child(key);
        if (child.isPresent()) {
          Optional<String> p = problem(child.get(), depth + 1);
          if (p.isPresent()) {
            return p;
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The note for sizes that are each in range but whose products overflow a long.
   *
   * @param what the estimate skipped, e.g. {@code "parameter estimate"}
   */
  public static String overflowNote(HfMetadata hf, String what) {
    String file = hf.config().map(HfConfig::file).orElse("the component configs");
    return what + " skipped: the sizes in " + file + " multiply beyond 2^63-1 at this input";
  }

  private static String shown(double v) {
    return v == Math.rint(v) && Math.abs(v) < 0x1p63
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.6g", v);
  }
}
