package dev.neuronfit.kb;

import dev.neuronfit.model.Framework;
import java.util.Objects;

/**
 * A Neuron framework package named in the guideline tables.
 *
 * @param id stable id, e.g. {@code torch-neuron}, {@code tensorflow-neuron-tf1}
 * @param framework the framework it compiles models from
 * @param name display name
 * @param neuronCore the NeuronCore generation it compiles for ({@code v1} or {@code v2})
 */
public record NeuronPackage(String id, Framework framework, String name, String neuronCore) {
  public NeuronPackage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(framework, "framework");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(neuronCore, "neuronCore");
  }
}
