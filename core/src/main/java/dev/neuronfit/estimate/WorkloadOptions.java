package dev.neuronfit.estimate;

import dev.neuronfit.model.DType;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The input a workload is computed for, where the user overrides the model's own defaults.
 *
 * @param batch sequences or images per inference; default 1
 * @param sequenceLength tokens per sequence; default the model's maximum positions
 * @param imageSize image side in pixels; default the model's own
 * @param dtype element type of weights and activations on the device; default BF16 (the Neuron
 *     benchmarks auto-cast matrix multiplications to BF16)
 * @param efficiency fraction of peak compute and bandwidth assumed reachable, from {@link
 *     #MIN_EFFICIENCY} to 1
 */
public record WorkloadOptions(
    OptionalInt batch,
    OptionalInt sequenceLength,
    OptionalInt imageSize,
    Optional<DType> dtype,
    double efficiency) {
  public static final WorkloadOptions DEFAULT =
      new WorkloadOptions(
          OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), 1.0);

  /** Largest batch accepted: far above any inference batch, small enough to keep sizes exact. */
  public static final int MAX_BATCH = 1 << 16;

  /** Longest sequence accepted, in tokens (16 M, beyond the longest published context). */
  public static final int MAX_SEQUENCE_LENGTH = 1 << 24;

  /** Largest image side accepted, in pixels. */
  public static final int MAX_IMAGE_SIZE = 1 << 16;

  /**
   * Smallest efficiency accepted: below a thousandth of peak an estimate says nothing, and a
   * smaller divisor (down to subnormal doubles) turns finite work into an infinite time.
   */
  public static final double MIN_EFFICIENCY = 1e-3;

  public WorkloadOptions {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(sequenceLength, "sequenceLength");
    Objects.requireNonNull(imageSize, "imageSize");
    Objects.requireNonNull(dtype, "dtype");
    if (!(efficiency >= MIN_EFFICIENCY && efficiency <= 1)) {
      throw new IllegalArgumentException(
          "efficiency must be between " + MIN_EFFICIENCY + " and 1, found " + efficiency);
    }
    check("batch", batch, MAX_BATCH);
    check("sequence length", sequenceLength, MAX_SEQUENCE_LENGTH);
    check("image size", imageSize, MAX_IMAGE_SIZE);
  }

  private static void check(String what, OptionalInt value, int max) {
    if (value.isPresent() && (value.getAsInt() < 1 || value.getAsInt() > max)) {
      throw new IllegalArgumentException(
          what + " must be between 1 and " + max + ", found " + value.getAsInt());
    }
  }

  public int batchOr1() {
    return batch.orElse(1);
  }

  public DType dtypeOrDefault() {
    return dtype.orElse(DType.BF16);
  }
}
