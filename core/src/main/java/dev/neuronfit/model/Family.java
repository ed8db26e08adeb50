package dev.neuronfit.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The architecture families of the Neuron "Model Architecture Fit Guidelines", plus {@link
 * #UNKNOWN}.
 *
 * <p>The ids are the stable names used in JSON output, data files and on the command line.
 */
public enum Family {
  TRANSFORMER_ENCODER("transformer-encoder"),
  TRANSFORMER_DECODER("transformer-decoder"),
  TRANSFORMER_ENCODER_DECODER("transformer-encoder-decoder"),
  LSTM("lstm"),
  VISION_TRANSFORMER("vision-transformer"),
  DIFFUSION("diffusion"),
  CNN("cnn"),
  R_CNN("r-cnn"),
  UNKNOWN("unknown");

  private final String id;

  Family(String id) {
    this.id = id;
  }

  /** The stable kebab-case id, e.g. {@code transformer-decoder}. */
  public String id() {
    return id;
  }

  /** True for the two families whose inference runs a decoder once per generated token. */
  public boolean decodesTokenByToken() {
    return this == TRANSFORMER_DECODER || this == TRANSFORMER_ENCODER_DECODER;
  }

  /** The family with this id, or empty when no family has it. */
  public static Optional<Family> fromId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }

  @Override
  public String toString() {
    return id;
  }
}
