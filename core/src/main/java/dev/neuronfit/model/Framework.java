package dev.neuronfit.model;

import java.util.Arrays;
import java.util.Optional;

/** The training framework a model file comes from; {@link #UNKNOWN} when the file does not say. */
public enum Framework {
  PYTORCH("pytorch"),
  TENSORFLOW("tensorflow"),
  UNKNOWN("unknown");

  private final String id;

  Framework(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The framework with this id ({@code pytorch}, {@code tensorflow}), or empty. */
  public static Optional<Framework> fromId(String id) {
    return Arrays.stream(values()).filter(f -> f != UNKNOWN && f.id.equals(id)).findFirst();
  }

  @Override
  public String toString() {
    return id;
  }
}
