package dev.neuronfit.kb;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a package column or an instance is for: training or inference. Editions that split a
 * package's column by it name it in the data as {@code workload}. (Not the work one inference
 * takes, which is {@link dev.neuronfit.estimate.Workload}.)
 */
public enum UseCase {
  TRAINING("training"),
  INFERENCE("inference");

  private final String id;

  UseCase(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<UseCase> fromId(String id) {
    return Arrays.stream(values()).filter(w -> w.id.equals(id)).findFirst();
  }
}
