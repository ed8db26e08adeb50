package dev.neuronfit.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One component of a diffusers pipeline as listed in {@code model_index.json}.
 *
 * @param name the component's key and folder name, e.g. {@code unet}
 * @param library the library that defines its class, e.g. {@code diffusers}, {@code transformers}
 * @param className the class name, e.g. {@code UNet2DConditionModel}
 * @param config the component's own config when its folder has one
 * @param weights the figures of the component's own weight files; unknown when it has none
 */
public record HfComponent(
    String name,
    String library,
    String className,
    Optional<HfConfig> config,
    WeightSummary weights) {
  public HfComponent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(weights, "weights");
  }

  /** A component whose folder holds no weight files (or was not read for them). */
  public HfComponent(String name, String library, String className, Optional<HfConfig> config) {
    this(name, library, className, config, WeightSummary.unknown("no weight files"));
  }
}
