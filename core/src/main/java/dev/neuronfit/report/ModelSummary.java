package dev.neuronfit.report;

import dev.neuronfit.estimate.ComponentSize;
import dev.neuronfit.estimate.Estimate;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.Quantization;
import dev.neuronfit.model.WeightSummary;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The model part of a report.
 *
 * @param path the path as the user gave it
 * @param format the container format
 * @param framework the framework of the files
 * @param weights the figures shown: from weight files, or estimated from the config
 * @param estimate the config estimate when one was made
 * @param tensorCount tensors declared by the weight files read
 * @param graph what a graph model is made of; empty for other formats
 * @param hazards what would be dangerous to load with the framework's own loader
 * @param notes non-fatal oddities found while reading
 * @param components the sizes of a diffusers pipeline's weight-bearing components; empty for other
 *     models
 * @param quantization how the checkpoint's weights are quantized, when its configs say
 */
public record ModelSummary(
    String path,
    ModelFormat format,
    Framework framework,
    WeightSummary weights,
    Optional<Estimate> estimate,
    int tensorCount,
    Optional<GraphSummary> graph,
    List<Hazard> hazards,
    List<String> notes,
    List<ComponentSize> components,
    Optional<Quantization> quantization) {
  public ModelSummary {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(framework, "framework");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(estimate, "estimate");
    Objects.requireNonNull(graph, "graph");
    hazards = List.copyOf(hazards);
    notes = List.copyOf(notes);
    components = List.copyOf(components);
    Objects.requireNonNull(quantization, "quantization");
  }

  /** The model part of an unquantized model's report that is not a pipeline. */
  public ModelSummary(
      String path,
      ModelFormat format,
      Framework framework,
      WeightSummary weights,
      Optional<Estimate> estimate,
      int tensorCount,
      Optional<GraphSummary> graph,
      List<Hazard> hazards,
      List<String> notes) {
    this(
        path,
        format,
        framework,
        weights,
        estimate,
        tensorCount,
        graph,
        hazards,
        notes,
        List.of(),
        Optional.empty());
  }
}
