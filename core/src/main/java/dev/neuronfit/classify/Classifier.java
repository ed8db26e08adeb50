package dev.neuronfit.classify;

import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import java.util.Optional;

/**
 * Decides the guideline family of a model from its profile, with evidence and a confidence. For
 * Hugging Face models the configuration decides; for graph formats (ONNX) the operators do, and
 * their verdict (unknown included) is final; the names of stored tensors decide when there is no
 * configuration or graph, or the graph has no nodes and its input/output signature says nothing.
 * Pure: the same profile always gives the same result.
 */
public final class Classifier {
  private final HfConfigClassifier hf;

  public Classifier(HfCatalogue catalogue) {
    this.hf = new HfConfigClassifier(catalogue);
  }

  public Classification classify(ModelProfile profile) {
    Verdict v = new Verdict();
    profile.hf().ifPresent(meta -> hf.classify(meta, v));
    Optional<Graph> graph = profile.graph();
    if (!v.decided() && graph.isPresent()) {
      GraphClassifier.classify(profile, graph.get(), v);
    }
    // operators say more than initializer names, so an unknown from a graph with nodes is final
    if (!v.decided() && graph.map(g -> g.nodes().isEmpty()).orElse(true)) {
      TensorNameClassifier.classify(profile.tensors(), v);
    }
    return v.toClassification();
  }
}
