package dev.neuronfit.kb;

import java.util.Arrays;
import java.util.Optional;

/** A package cell of a guideline table: whether a Neuron package supports a family. */
public enum SupportStatus {
  SUPPORTED("supported", "Supported"),
  SUPPORTED_WITH_LIMITATIONS("supported-with-limitations", "Supported with limitations"),
  ROADMAP("roadmap", "Roadmap Item"),
  NA("na", "NA"),
  /** The model's family is unknown. */
  UNKNOWN("unknown", "Unknown");

  private final String id;
  private final String label;

  SupportStatus(String id, String label) {
    this.id = id;
    this.label = label;
  }

  public String id() {
    return id;
  }

  /** The cell text as the guideline prints it (links such as {@code :ref:} removed). */
  public String label() {
    return label;
  }

  /** True when some model of the family has been enabled with the package. */
  public boolean isSupported() {
    return this == SUPPORTED || this == SUPPORTED_WITH_LIMITATIONS;
  }

  public static Optional<SupportStatus> fromLabel(String label) {
    return Arrays.stream(values()).filter(s -> s != UNKNOWN && s.label.equals(label)).findFirst();
  }
}
