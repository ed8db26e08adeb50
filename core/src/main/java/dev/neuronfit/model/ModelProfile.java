package dev.neuronfit.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable profile of one model as read from its files: what it is made of, never its weight
 * values. Produced by a reader in {@code dev.neuronfit.io}; everything downstream (classification,
 * rules, reports) is a function of it.
 *
 * @param path the model's path as the user gave it (never made absolute, so reports stay
 *     deterministic)
 * @param format the container format
 * @param framework the framework the files come from, {@link Framework#UNKNOWN} when they do not
 *     say
 * @param weights parameter and byte counts with their basis
 * @param tensors the tensors declared by weight-file headers, in file order; empty when none were
 *     read
 * @param hf Hugging Face metadata, for {@link ModelFormat#HF}
 * @param graph the operator graph, for graph formats such as {@link ModelFormat#ONNX}
 * @param hazards things that would be dangerous to load with the framework's own loader (such as a
 *     pickle calling {@code os.system}); found while reading safely, never acted on
 * @param notes non-fatal oddities found while reading (capped by the reader)
 */
public record ModelProfile(
    String path,
    ModelFormat format,
    Framework framework,
    WeightSummary weights,
    List<TensorInfo> tensors,
    Optional<HfMetadata> hf,
    Optional<Graph> graph,
    List<Hazard> hazards,
    List<String> notes) {

  public ModelProfile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(framework, "framework");
    Objects.requireNonNull(weights, "weights");
    tensors = List.copyOf(tensors);
    Objects.requireNonNull(hf, "hf");
    Objects.requireNonNull(graph, "graph");
    hazards = List.copyOf(hazards);
    notes = List.copyOf(notes);
  }
}
