package dev.neuronfit.rules;

import java.util.Arrays;
import java.util.Optional;

/** How much a finding matters, in increasing order. */
public enum Severity {
  INFO("info"),
  WARNING("warning"),
  ERROR("error");

  private final String id;

  Severity(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Severity> fromId(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
  }
}
