package dev.neuronfit.kb;

import java.util.Arrays;
import java.util.Optional;

/** What a package column covers, where an edition splits columns by it. */
public enum Workload {
  TRAINING("training"),
  INFERENCE("inference");

  private final String id;

  Workload(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Workload> fromId(String id) {
    return Arrays.stream(values()).filter(w -> w.id.equals(id)).findFirst();
  }
}
