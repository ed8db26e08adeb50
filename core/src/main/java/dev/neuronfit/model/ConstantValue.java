package dev.neuronfit.model;

import java.util.List;
import java.util.Objects;

/**
 * The numbers of a small constant tensor (an initializer or a Constant node), kept because
 * detection needs them: shapes fed to Reshape, masks, frequency tables. Readers keep only tensors
 * under a size cap.
 *
 * @param dims the tensor's dimensions
 * @param values its elements in row-major order, widened to double
 */
public record ConstantValue(List<Long> dims, List<Double> values) {
  public ConstantValue {
    dims = List.copyOf(dims);
    values = List.copyOf(values);
    Objects.requireNonNull(values, "values");
  }
}
