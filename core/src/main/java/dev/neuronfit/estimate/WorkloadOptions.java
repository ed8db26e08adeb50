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
 * @param efficiency fraction of peak compute and bandwidth assumed reachable, in (0, 1]
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

  public WorkloadOptions {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(sequenceLength, "sequenceLength");
    Objects.requireNonNull(imageSize, "imageSize");
    Objects.requireNonNull(dtype, "dtype");
    if (!(efficiency > 0 && efficiency <= 1)) {
      throw new IllegalArgumentException("efficiency must be in (0, 1]: " + efficiency);
    }
    if (batch.isPresent() && batch.getAsInt() < 1
        || sequenceLength.isPresent() && sequenceLength.getAsInt() < 1
        || imageSize.isPresent() && imageSize.getAsInt() < 1) {
      throw new IllegalArgumentException("batch, sequence length and image size must be positive");
    }
  }

  public int batchOr1() {
    return batch.orElse(1);
  }

  public DType dtypeOrDefault() {
    return dtype.orElse(DType.BF16);
  }
}
