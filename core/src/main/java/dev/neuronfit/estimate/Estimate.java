package dev.neuronfit.estimate;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.Quantization;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parameter count computed from a configuration, not read from weight files.
 *
 * @param parameters learned parameters (buffers such as batch-norm statistics are not counted)
 * @param dtype the element type the bytes assume
 * @param dtypeSource where the element type comes from (a config key, or the default)
 * @param method the formula family used, e.g. {@code "decoder transformer (gated MLP)"}
 * @param parts components covered, for pipelines (empty for a single model)
 * @param skipped components that could not be estimated
 * @param quantization the quantization the config declares, when it does
 * @param storedBytes the bytes of a quantized checkpoint at its stored widths (quantized weights at
 *     their bits plus their scales, the rest at {@code dtype}); empty when unquantized
 */
public record Estimate(
    long parameters,
    DType dtype,
    String dtypeSource,
    String method,
    List<String> parts,
    List<String> skipped,
    Optional<Quantization> quantization,
    OptionalLong storedBytes) {
  public Estimate {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(dtypeSource, "dtypeSource");
    Objects.requireNonNull(method, "method");
    parts = List.copyOf(parts);
    skipped = List.copyOf(skipped);
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(storedBytes, "storedBytes");
  }

  /** An estimate of an unquantized model. */
  public Estimate(
      long parameters,
      DType dtype,
      String dtypeSource,
      String method,
      List<String> parts,
      List<String> skipped) {
    this(
        parameters,
        dtype,
        dtypeSource,
        method,
        parts,
        skipped,
        Optional.empty(),
        OptionalLong.empty());
  }

  /** The weight bytes: at the stored widths when quantized, else every parameter at the dtype. */
  public long bytes() {
    return storedBytes.orElseGet(() -> dtype.bytesFor(parameters));
  }
}
