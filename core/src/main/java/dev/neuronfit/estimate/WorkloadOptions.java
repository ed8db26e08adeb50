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
 * @param inputLength prompt tokens of a generative model (prefill); default the sequence length
 * @param outputLength generated tokens of a generative model; with it the decode bound is the mean
 *     time per output token over contexts from the input length to input plus output
 * @param instance the instance size the bounds are placed on; default two placements per target
 *     (the smallest instance that holds the model and the fastest placement)
 * @param tensorParallel NeuronCores the model is split over; default all cores of {@code instance}
 *     or, without it, the placements' own
 */
public record WorkloadOptions(
    OptionalInt batch,
    OptionalInt sequenceLength,
    OptionalInt imageSize,
    Optional<DType> dtype,
    double efficiency,
    OptionalInt inputLength,
    OptionalInt outputLength,
    Optional<String> instance,
    OptionalInt tensorParallel) {
  public static final WorkloadOptions DEFAULT =
      new WorkloadOptions(
          OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), 1.0);

  /** Options with the default lengths and placements. */
  public WorkloadOptions(
      OptionalInt batch,
      OptionalInt sequenceLength,
      OptionalInt imageSize,
      Optional<DType> dtype,
      double efficiency) {
    this(
        batch,
        sequenceLength,
        imageSize,
        dtype,
        efficiency,
        OptionalInt.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        OptionalInt.empty());
  }

  public WorkloadOptions {
    Objects.requireNonNull(inputLength, "inputLength");
    Objects.requireNonNull(outputLength, "outputLength");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(tensorParallel, "tensorParallel");
    if (inputLength.isPresent() && inputLength.getAsInt() < 1
        || outputLength.isPresent() && outputLength.getAsInt() < 1
        || tensorParallel.isPresent() && tensorParallel.getAsInt() < 1) {
      throw new IllegalArgumentException(
          "input length, output length and tensor-parallel degree must be positive");
    }
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
