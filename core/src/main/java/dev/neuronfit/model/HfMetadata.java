package dev.neuronfit.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Hugging Face folder says about its model, apart from the weights.
 *
 * @param config the model's {@code config.json} (or the config file the user named); empty for a
 *     diffusers pipeline or a folder of weights only
 * @param pipelineClass the {@code _class_name} of a diffusers {@code model_index.json}
 * @param components the pipeline's components in file order; empty for a single model
 * @param quantizeConfig a quantization config kept beside {@code config.json} ({@code
 *     quantize_config.json} of AutoGPTQ, {@code quant_config.json} of AutoAWQ), when the folder has
 *     one
 */
public record HfMetadata(
    Optional<HfConfig> config,
    Optional<String> pipelineClass,
    List<HfComponent> components,
    Optional<HfConfig> quantizeConfig) {
  public HfMetadata {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(pipelineClass, "pipelineClass");
    components = List.copyOf(components);
    Objects.requireNonNull(quantizeConfig, "quantizeConfig");
  }

  /** Metadata without a separate quantization config. */
  public HfMetadata(
      Optional<HfConfig> config, Optional<String> pipelineClass, List<HfComponent> components) {
    this(config, pipelineClass, components, Optional.empty());
  }

  /** How the checkpoint is quantized, when its configs say. */
  public Optional<Quantization> quantization() {
    return Quantization.of(this);
  }

  /** The component with this name, if the pipeline has it. */
  public Optional<HfComponent> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
