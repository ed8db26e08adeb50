package dev.neuronfit.classify;

import java.util.Objects;

/**
 * A property of a model's architecture that matters on Neuron beside its guideline family, such as
 * a mixture of experts or grouped-query attention, with the detail read from the config and the key
 * it was read from. Immutable.
 *
 * @param kind which trait
 * @param detail what the config says about it, e.g. {@code 32 experts, 4 per token}
 * @param key the config key (dotted path) or file it was read from
 */
public record Trait(Kind kind, String detail, String key) {
  public Trait {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(key, "key");
  }

  /** The traits neuronfit reports, in the order reports list them. */
  public enum Kind {
    /** Routed experts, of which each token uses a few (sharded and routed on Neuron). */
    MIXTURE_OF_EXPERTS("mixture-of-experts", "mixture of experts"),
    /** Fewer key/value heads than query heads: a smaller KV cache. */
    GROUPED_QUERY_ATTENTION("grouped-query-attention", "grouped-query attention"),
    /** One key/value head for all query heads. */
    MULTI_QUERY_ATTENTION("multi-query-attention", "multi-query attention"),
    /** Keys and values compressed into a shared latent (DeepSeek-V2/V3). */
    LATENT_ATTENTION("latent-attention", "latent attention"),
    /** Attention limited to a window of recent tokens on some or all layers. */
    SLIDING_WINDOW("sliding-window", "sliding-window attention"),
    /** State-space (Mamba) mixers in place of attention on some or all layers. */
    STATE_SPACE("state-space", "state-space layers"),
    /** A vision tower beside the language model. */
    IMAGE_TEXT("image-text", "image+text"),
    /** Weights stored quantized. */
    QUANTIZED("quantized", "quantized");

    private final String id;
    private final String label;

    Kind(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** Stable id, as in the JSON report. */
    public String id() {
      return id;
    }

    /** Words for the text reports. */
    public String label() {
      return label;
    }
  }

  /**
   * The trait as the text reports show it, e.g. {@code mixture of experts (32 experts, 4 per
   * token)}.
   */
  public String shown() {
    return kind.label() + " (" + detail + ")";
  }
}
