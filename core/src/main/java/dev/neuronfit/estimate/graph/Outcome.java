package dev.neuronfit.estimate.graph;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What one node yields in shape propagation: what is known about its outputs, in order, and its
 * multiply-accumulates (empty when the node does work whose amount could not be derived).
 */
public record Outcome(List<TensorValue> outputs, OptionalDouble macs) {
  public Outcome {
    outputs = List.copyOf(outputs);
  }

  /** A node that does no multiply-accumulates. */
  public static Outcome free(TensorValue... outputs) {
    return new Outcome(List.of(outputs), OptionalDouble.of(0));
  }

  public static Outcome costing(double macs, TensorValue... outputs) {
    return new Outcome(List.of(outputs), OptionalDouble.of(macs));
  }

  /** A node that multiplies and accumulates, by an amount the known shapes do not give. */
  public static Outcome costUnknown(TensorValue... outputs) {
    return new Outcome(List.of(outputs), OptionalDouble.empty());
  }
}
