package dev.neuronfit.model;

import java.util.List;
import java.util.Objects;

/**
 * One stored tensor as declared by a file's metadata: never its values.
 *
 * @param name the tensor's name in its file (for a pipeline, prefixed with the component, e.g.
 *     {@code unet/conv_in.weight})
 * @param dtype element type
 * @param shape dimensions, each at least 0; empty for a scalar
 * @param elements product of the dimensions
 * @param bytes bytes the data takes in the file
 * @param file the file that declares it, relative to the model folder
 */
public record TensorInfo(
    String name, DType dtype, List<Long> shape, long elements, long bytes, String file) {

  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
    Objects.requireNonNull(file, "file");
    if (elements < 0 || bytes < 0) {
      throw new IllegalArgumentException("negative size for tensor " + name);
    }
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.size();
  }
}
