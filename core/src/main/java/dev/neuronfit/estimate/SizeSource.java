package dev.neuronfit.estimate;

import dev.neuronfit.model.WeightSummary;
import java.util.Optional;

/** Where a report's model size comes from, best first; {@link #UNKNOWN} when nothing gives one. */
public enum SizeSource {
  /** Summed from the tensors the weight files declare (safetensors headers, ONNX initializers). */
  WEIGHT_FILES("weight-files"),
  /** An index's {@code metadata.total_size} divided by the checkpoint's single dtype width. */
  INDEX_TOTAL_SIZE("index-total-size"),
  /** Computed from the config's layout. */
  CONFIG_LAYOUT("config-layout"),
  /** Bytes the files declare, with no parameter count. */
  DECLARED_BYTES("declared-bytes"),
  /** Neither the weights nor a layout give a size. */
  UNKNOWN("unknown");

  /** The method an {@link Estimate} derived from an index's total_size carries. */
  public static final String TOTAL_SIZE_METHOD = "metadata.total_size of the index";

  private final String id;

  SizeSource(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The source of the figures a report shows. */
  public static SizeSource of(WeightSummary shown, Optional<Estimate> estimate) {
    if (estimate.isPresent()) {
      return estimate.get().method().startsWith(TOTAL_SIZE_METHOD)
          ? INDEX_TOTAL_SIZE
          : CONFIG_LAYOUT;
    }
    if (shown.parameters().isPresent()) {
      return WEIGHT_FILES;
    }
    return shown.bytes().isPresent() ? DECLARED_BYTES : UNKNOWN;
  }

  /**
   * Why the size is unknown, as a stable code: {@code no-layout-for-config} when a config was read
   * but no layout covers it, {@code no-weights-no-config} otherwise; empty when the size is known.
   */
  public static Optional<String> unknownReason(
      WeightSummary shown, Optional<Estimate> estimate, boolean hasConfig) {
    if (of(shown, estimate) != UNKNOWN) {
      return Optional.empty();
    }
    return Optional.of(hasConfig ? "no-layout-for-config" : "no-weights-no-config");
  }
}
