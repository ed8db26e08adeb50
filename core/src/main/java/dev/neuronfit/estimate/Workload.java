package dev.neuronfit.estimate;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.Quantization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The work one inference of a model takes for a stated input: an analytic estimate, not a
 * measurement.
 *
 * @param batch sequences or images per inference
 * @param sequenceLength tokens per sequence, for sequence models
 * @param imageSize image side in pixels, for image models
 * @param dtype the element type assumed on the device
 * @param phases the phases, in execution order
 * @param costUnknownOps operators whose cost could not be derived, with counts (never counted as
 *     zero silently: they are listed)
 * @param weightBytes weights at {@code dtype}, or for a quantized checkpoint the weights its method
 *     converts at their stored width (scales included) and the others at {@code dtype}
 * @param activationBytes activations crossing layers in one pass
 * @param kvCacheBytes the key/value cache at the full context, for generative models; 0 otherwise
 * @param method how the figures were derived, e.g. {@code "decoder layout from config.json"}
 * @param assumptions what the estimate assumes, one sentence each
 * @param quantization the quantization whose stored widths {@code weightBytes} counts; empty when
 *     every weight is at {@code dtype}
 * @param width for a quantized checkpoint placed on one target, the width its weights are held at
 *     there and why ({@link WeightWidth}); empty otherwise
 */
public record Workload(
    int batch,
    Optional<Integer> sequenceLength,
    Optional<Integer> imageSize,
    DType dtype,
    List<Phase> phases,
    Map<String, Integer> costUnknownOps,
    long weightBytes,
    long activationBytes,
    long kvCacheBytes,
    String method,
    List<String> assumptions,
    Optional<Quantization> quantization,
    Optional<WeightWidth> width) {
  public Workload {
    Objects.requireNonNull(sequenceLength, "sequenceLength");
    Objects.requireNonNull(imageSize, "imageSize");
    Objects.requireNonNull(dtype, "dtype");
    phases = List.copyOf(phases);
    costUnknownOps = Map.copyOf(costUnknownOps);
    Objects.requireNonNull(method, "method");
    assumptions = List.copyOf(assumptions);
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(width, "width");
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("a workload has at least one phase");
    }
  }

  /** A workload whose weights are all at {@code dtype}. */
  public Workload(
      int batch,
      Optional<Integer> sequenceLength,
      Optional<Integer> imageSize,
      DType dtype,
      List<Phase> phases,
      Map<String, Integer> costUnknownOps,
      long weightBytes,
      long activationBytes,
      long kvCacheBytes,
      String method,
      List<String> assumptions) {
    this(
        batch,
        sequenceLength,
        imageSize,
        dtype,
        phases,
        costUnknownOps,
        weightBytes,
        activationBytes,
        kvCacheBytes,
        method,
        assumptions,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * How the weights are held, for a sentence: {@code at BF16}, or {@code at the stored widths of
   * GPTQ 4-bit, group 128 (the rest at BF16)}.
   */
  public String weightsHeld() {
    return quantization
        .map(q -> "at the stored widths of " + q.label() + " (the rest at " + dtype + ")")
        .orElse("at " + dtype);
  }

  /** This workload as placed on the target {@code width} names, saying how its weights are held. */
  public Workload on(WeightWidth width) {
    return new Workload(
        batch,
        sequenceLength,
        imageSize,
        dtype,
        phases,
        costUnknownOps,
        weightBytes,
        activationBytes,
        kvCacheBytes,
        method,
        assumptions,
        quantization,
        Optional.of(width));
  }

  /** The phase with this name, if the workload has it. */
  public Optional<Phase> phase(String name) {
    return phases.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** This workload with {@code from} replaced by {@code to} among its assumptions. */
  public Workload withAssumption(String from, String to) {
    return new Workload(
        batch,
        sequenceLength,
        imageSize,
        dtype,
        phases,
        costUnknownOps,
        weightBytes,
        activationBytes,
        kvCacheBytes,
        method,
        assumptions.stream().map(a -> a.equals(from) ? to : a).toList(),
        quantization,
        width);
  }

  /** Convention used for FLOP counts in every report. */
  public static final String FLOPS_CONVENTION = "2 per multiply-accumulate";
}
