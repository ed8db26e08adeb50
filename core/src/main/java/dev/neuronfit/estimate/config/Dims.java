package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.util.OptionalLong;

/**
 * Reads the sizes of a transformer from a config whichever naming convention it uses (BERT's {@code
 * hidden_size}, GPT-2's {@code n_embd}, T5's {@code d_model}, DistilBERT's {@code dim}, ...).
 */
final class Dims {
  private final HfConfig c;

  Dims(HfConfig c) {
    this.c = c;
  }

  HfConfig config() {
    return c;
  }

  OptionalLong hidden() {
    return first("hidden_size", "n_embd", "d_model", "dim", "embed_dim", "model_dim", "width");
  }

  OptionalLong layers() {
    return first("num_hidden_layers", "n_layer", "num_layers", "n_layers", "encoder_layers");
  }

  OptionalLong heads() {
    return first(
        "num_attention_heads", "n_head", "num_heads", "n_heads", "encoder_attention_heads");
  }

  OptionalLong vocab() {
    return first("vocab_size", "n_vocab", "padded_vocab_size");
  }

  OptionalLong positions() {
    return first(
        "max_position_embeddings", "n_positions", "n_ctx", "max_sequence_length", "seq_length");
  }

  long kvHeads(long heads) {
    if (c.bool("multi_query").orElse(false)) {
      return 1;
    }
    return first("num_key_value_heads", "n_head_kv", "num_kv_heads", "multi_query_group_num")
        .orElse(heads);
  }

  long headDim(long hidden, long heads) {
    return first("head_dim", "d_kv", "kv_channels").orElse(hidden / Math.max(1, heads));
  }

  /** The feed-forward width; transformers' convention of 4x hidden when unset. */
  long intermediate(long hidden) {
    return first(
            "intermediate_size",
            "n_inner",
            "d_ff",
            "ffn_dim",
            "hidden_dim",
            "ffn_hidden_size",
            "encoder_ffn_dim")
        .orElse(4 * hidden);
  }

  OptionalLong first(String... keys) {
    for (String k : keys) {
      OptionalLong v = c.integer(k);
      if (v.isPresent()) {
        return v;
      }
    }
    return OptionalLong.empty();
  }

  boolean flag(String key, boolean dflt) {
    return c.bool(key).orElse(dflt);
  }
}
