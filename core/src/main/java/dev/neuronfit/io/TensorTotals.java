package dev.neuronfit.io;

import dev.neuronfit.model.TensorInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * The check that a model's tensors can be added up. Each tensor's element count and byte size fit a
 * long (its reader checked that); their sums must too, or the weight summary cannot add them.
 */
public final class TensorTotals {
  private TensorTotals() {}

  /**
   * @param file the model file, named in the message
   * @throws ModelFormatException naming the first tensor at which the element or byte total passes
   *     2^63 - 1
   */
  public static void check(Path file, List<TensorInfo> tensors) throws ModelFormatException {
    long elements = 0;
    long bytes = 0;
    for (TensorInfo t : tensors) {
      elements += t.elements();
      bytes += t.bytes();
      if (elements < 0 || bytes < 0) {
        throw new ModelFormatException(
            file,
            "tensor \"" + t.name() + "\"",
            "the tensors' total size overflows (elements or bytes over 2^63)");
      }
    }
  }
}
