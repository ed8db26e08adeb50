package dev.neuronfit.estimate;

import dev.neuronfit.model.DType;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The size of one weight-bearing component of a diffusers pipeline, from the best source it has.
 *
 * @param name the component's key and folder, e.g. {@code transformer}
 * @param className its class from {@code model_index.json}, e.g. {@code SD3Transformer2DModel}
 * @param parameters its parameters; empty when no source gives them
 * @param bytes its weight bytes; empty when no source gives them
 * @param dtype the element type of a size computed from the config; empty for sizes read from files
 *     (their tensors carry their own types) and for unknown sizes
 * @param source where the size comes from: {@link SizeSource#WEIGHT_FILES}, {@link
 *     SizeSource#CONFIG_LAYOUT}, {@link SizeSource#DECLARED_BYTES} or {@link SizeSource#UNKNOWN}
 * @param detail the layout or files used, or why the component could not be sized
 */
public record ComponentSize(
    String name,
    String className,
    OptionalLong parameters,
    OptionalLong bytes,
    Optional<DType> dtype,
    SizeSource source,
    String detail) {
  public ComponentSize {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detail, "detail");
  }

  /** Whether no source gave this component a size. */
  public boolean unknown() {
    return source == SizeSource.UNKNOWN;
  }
}
