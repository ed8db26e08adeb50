package dev.neuronfit.model;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * How many weights a model has and how many bytes they take, with where the figures come from.
 *
 * @param parameters number of stored elements (learned parameters plus buffers such as batch-norm
 *     statistics when the files store them); empty when unknown
 * @param bytes bytes of weight data; empty when unknown
 * @param dtypes per element type, the elements and bytes stored in it
 * @param estimated true when the figures are computed from the configuration, or derived from a
 *     declared total, rather than summed from tensor headers
 * @param basis one line saying where the figures come from, e.g. {@code "safetensors headers of 2
 *     files"}
 */
public record WeightSummary(
    OptionalLong parameters,
    OptionalLong bytes,
    Map<DType, DTypeTally> dtypes,
    boolean estimated,
    String basis) {

  public WeightSummary {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(bytes, "bytes");
    dtypes = Map.copyOf(dtypes);
    Objects.requireNonNull(basis, "basis");
  }

  /** Elements and bytes stored in one element type. */
  public record DTypeTally(long elements, long bytes) {}

  /** Nothing is known about the weights; {@code basis} says why. */
  public static WeightSummary unknown(String basis) {
    return new WeightSummary(OptionalLong.empty(), OptionalLong.empty(), Map.of(), true, basis);
  }

  /** The figures summed from declared tensors, which are measured rather than estimated. */
  public static WeightSummary fromTensors(Iterable<TensorInfo> tensors, String basis) {
    Map<DType, DTypeTally> byType = new TreeMap<>();
    long elements = 0;
    long bytes = 0;
    for (TensorInfo t : tensors) {
      // declared sizes are untrusted: totals saturate rather than wrap or throw
      elements = Quantities.saturatedSum(elements, t.elements());
      bytes = Quantities.saturatedSum(bytes, t.bytes());
      byType.merge(
          t.dtype(),
          new DTypeTally(t.elements(), t.bytes()),
          (a, b) ->
              new DTypeTally(
                  Quantities.saturatedSum(a.elements(), b.elements()),
                  Quantities.saturatedSum(a.bytes(), b.bytes())));
    }
    return new WeightSummary(
        OptionalLong.of(elements), OptionalLong.of(bytes), byType, false, basis);
  }

  /** The dtypes in a stable order (the order of {@link DType}). */
  public Map<DType, DTypeTally> dtypesSorted() {
    return new TreeMap<>(dtypes);
  }
}
