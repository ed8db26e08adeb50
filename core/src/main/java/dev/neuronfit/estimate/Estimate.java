package dev.neuronfit.estimate;

import dev.neuronfit.model.DType;
import java.util.List;
import java.util.Objects;

/**
 * A parameter count computed from a configuration, not read from weight files.
 *
 * @param parameters learned parameters (buffers such as batch-norm statistics are not counted)
 * @param dtype the element type the bytes assume
 * @param dtypeSource where the element type comes from (a config key, or the default)
 * @param method the formula family used, e.g. {@code "decoder transformer (gated MLP)"}
 * @param parts components covered, for pipelines (empty for a single model)
 * @param skipped components that could not be estimated
 */
public record Estimate(
    long parameters,
    DType dtype,
    String dtypeSource,
    String method,
    List<String> parts,
    List<String> skipped) {
  public Estimate {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(dtypeSource, "dtypeSource");
    Objects.requireNonNull(method, "method");
    parts = List.copyOf(parts);
    skipped = List.copyOf(skipped);
  }

  public long bytes() {
    return dtype.bytesFor(parameters);
  }
}
