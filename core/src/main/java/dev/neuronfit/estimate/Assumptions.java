package dev.neuronfit.estimate;

import dev.neuronfit.estimate.graph.InputBinding;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Sentences and conversions the workload estimators share, so they say the same thing alike. */
public final class Assumptions {
  private Assumptions() {}

  /** What the estimate assumes of the element type on the device. */
  public static String deviceType(DType dtype, WorkloadOptions opts) {
    return "weights and activations are "
        + dtype
        + " on the device"
        + (opts.dtype().isEmpty()
            ? " (the Neuron benchmarks auto-cast matrix multiplications to BF16; change with"
                + " --dtype)"
            : "");
  }

  /**
   * The clause naming outputs whose size could not be derived and are left out of the bytes moved
   * (up to three), or nothing when there are none.
   */
  public static String unsizedOutputs(List<String> unsized) {
    return unsized.isEmpty()
        ? ""
        : "; outputs of unknown size are not counted ("
            + String.join(", ", unsized.subList(0, Math.min(3, unsized.size())))
            + (unsized.size() > 3 ? ", ..." : "")
            + ")";
  }

  /** An {@link OptionalInt} as the {@code Optional<Integer>} a {@link Workload} holds. */
  public static Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }

  /**
   * Each unknown input dimension that was given a size, as {@code axis 1 of tokens = 128}; with
   * {@code sayUnbound}, also those left unknown, as {@code axis 1 of x left unknown}.
   */
  public static List<String> bindings(
      List<ValueInfo> inputs, InputBinding.Bound bound, boolean sayUnbound) {
    List<String> out = new ArrayList<>();
    for (ValueInfo in : inputs) {
      TensorValue v = bound.values().get(in.name());
      if (v == null || !v.rankKnown() || v.rank() != in.shape().size()) {
        continue;
      }
      for (int i = 0; i < v.rank(); i++) {
        if (in.shape().get(i).isKnown()) {
          continue;
        }
        if (v.dim(i) >= 0) {
          out.add("axis " + i + " of " + in.name() + " = " + v.dim(i));
        } else if (sayUnbound) {
          out.add("axis " + i + " of " + in.name() + " left unknown");
        }
      }
    }
    return out;
  }
}
