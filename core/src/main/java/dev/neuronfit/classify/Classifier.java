package dev.neuronfit.classify;

import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides the guideline family of a model from its profile, with evidence and a confidence. For
 * Hugging Face models the configuration decides; for graph formats (ONNX) the operators do, and
 * their verdict (unknown included) is final; the names of stored tensors decide when there is no
 * configuration or graph, or the graph has no nodes and its input/output signature says nothing.
 * Pure: the same profile always gives the same result.
 */
public final class Classifier {
  private final Supplier<HfCatalogue> catalogue;

  /**
   * @param catalogue gives the Hugging Face catalogue; called only for Hugging Face models, so
   *     checking other formats does not pay for loading it
   */
  public Classifier(Supplier<HfCatalogue> catalogue) {
    this.catalogue = catalogue;
  }

  public Classification classify(ModelProfile profile) {
    FamilyTally v = new FamilyTally();
    profile.hf().ifPresent(meta -> new HfConfigClassifier(catalogue.get()).classify(meta, v));
    switch (profile.format()) {
      case TORCHSCRIPT, PYTORCH_CHECKPOINT -> TorchClassifier.classify(profile, v);
      case TF_SAVEDMODEL, TF_GRAPHDEF -> TfClassifier.classify(profile, v);
      case KERAS -> KerasClassifier.classify(profile, v);
      case MXNET -> MxnetClassifier.classify(profile, v);
      default -> {}
    }
    Optional<Graph> graph = profile.graph();
    if (!v.decided() && graph.isPresent() && profile.format() == ModelFormat.ONNX) {
      GraphClassifier.classify(profile, graph.get(), v);
    }
    // operators say more than initializer names, so an unknown from a graph with nodes is final
    if (!v.decided() && graph.map(g -> g.nodes().isEmpty()).orElse(true)) {
      TensorNameClassifier.classify(profile.tensors(), v);
    }
    Classification c = v.toClassification();
    return new Classification(
        c.family(), c.confidence(), c.evidence(), c.alsoMatches(), ArchitectureTraits.of(profile));
  }
}
