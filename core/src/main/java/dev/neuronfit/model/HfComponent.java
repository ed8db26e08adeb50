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
 */
public record HfComponent(
    String name, String library, String className, Optional<HfConfig> config) {
  public HfComponent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(config, "config");
  }
}
