package dev.neuronfit.estimate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The smallest instance of a target whose device memory holds the model.
 *
 * @param instance the instance size, or empty when none holds it
 * @param neuronCores NeuronCores the weights and KV cache need at one core's memory
 * @param tensorParallelDegree the supported tensor-parallel degree that covers them, when more than
 *     one core is needed and the target lists degrees
 * @param deviceMemoryBytesNeeded weights plus the KV cache at the requested batch and length
 * @param pipelineCores for inf1, the NeuronCore pipeline rule of thumb for this model size
 * @param notes how the figures were reached
 */
public record Sizing(
    Optional<String> instance,
    int neuronCores,
    Optional<Integer> tensorParallelDegree,
    long deviceMemoryBytesNeeded,
    Optional<Integer> pipelineCores,
    List<String> notes) {
  public Sizing {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(tensorParallelDegree, "tensorParallelDegree");
    Objects.requireNonNull(pipelineCores, "pipelineCores");
    notes = List.copyOf(notes);
  }
}
