package dev.neuronfit.kb;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a software stack stands in its lifecycle on a target, best first: a stack at an earlier
 * status is the better path.
 */
public enum StackStatus {
  GA("ga", "generally available"),
  BETA("beta", "beta"),
  THIRD_PARTY("third-party", "third-party"),
  MAINTENANCE("maintenance", "maintenance"),
  FROZEN("frozen", "frozen"),
  END_OF_SUPPORT("end-of-support", "end of support");

  private final String id;
  private final String label;

  StackStatus(String id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The id in {@code support-now.json} and JSON reports. */
  public String id() {
    return id;
  }

  /** Words for reports. */
  public String label() {
    return label;
  }

  /** True for statuses under which a stack still takes new work. */
  public boolean usable() {
    return this != END_OF_SUPPORT;
  }

  public static Optional<StackStatus> fromId(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
  }
}
