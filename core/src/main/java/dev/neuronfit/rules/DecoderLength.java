package dev.neuronfit.rules;

import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfConfig.KeyValue;
import dev.neuronfit.model.ModelProfile;
import java.util.Optional;

/** The longest output a model's decoder is configured to produce, read from its config. */
final class DecoderLength {
  /** Keys naming the decoder's position limit, most specific first. */
  private static final String[] POSITION_KEYS = {
    "max_target_positions",
    "n_positions",
    "max_position_embeddings",
    "n_ctx",
    "max_sequence_length",
    "seq_length",
    "max_seq_len"
  };

  private DecoderLength() {}

  /** The position limit of the decoder (of the text part, for multimodal configs). */
  static Optional<KeyValue> positions(ModelProfile profile) {
    Optional<HfConfig> config = profile.hf().flatMap(h -> h.config());
    if (config.isEmpty()) {
      return Optional.empty();
    }
    Optional<KeyValue> top = config.get().firstInteger(POSITION_KEYS);
    if (top.isPresent()) {
      return top;
    }
    for (String nested : new String[] {"text_config", "decoder"}) {
      Optional<KeyValue> v = config.get().child(nested).flatMap(c -> c.firstInteger(POSITION_KEYS));
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /**
   * The configured generation length ({@code max_length}), when the config sets one other than
   * transformers' default of 20.
   */
  static Optional<KeyValue> generation(ModelProfile profile) {
    return profile
        .hf()
        .flatMap(h -> h.config())
        .flatMap(c -> c.firstInteger("max_length"))
        .filter(kv -> kv.value() != 20);
  }
}
