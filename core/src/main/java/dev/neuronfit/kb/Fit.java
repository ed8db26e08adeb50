package dev.neuronfit.kb;

import java.util.Arrays;
import java.util.Optional;

/** The "Hardware Architecture" verdict of a guideline table cell, plus {@link #UNKNOWN}. */
public enum Fit {
  GOOD_FIT("good-fit", "Good Fit"),
  SUPPORTED_WITH_LIMITATIONS("supported-with-limitations", "Supported with limitations"),
  NOT_A_GOOD_FIT("not-a-good-fit", "Not a Good Fit"),
  /** The model's family is unknown, so no row of the table applies. */
  UNKNOWN("unknown", "Unknown");

  private final String id;
  private final String label;

  Fit(String id, String label) {
    this.id = id;
    this.label = label;
  }

  public String id() {
    return id;
  }

  /** The cell text as the guideline prints it. */
  public String label() {
    return label;
  }

  /**
   * How far from a good fit: 0 for good fit, higher is worse; unknown ranks below every verdict.
   */
  public int badness() {
    return switch (this) {
      case UNKNOWN -> -1;
      case GOOD_FIT -> 0;
      case SUPPORTED_WITH_LIMITATIONS -> 1;
      case NOT_A_GOOD_FIT -> 2;
    };
  }

  public static Optional<Fit> fromLabel(String label) {
    return Arrays.stream(values()).filter(f -> f != UNKNOWN && f.label.equals(label)).findFirst();
  }

  public static Optional<Fit> fromId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }
}
