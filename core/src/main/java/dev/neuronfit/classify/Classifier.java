package dev.neuronfit.classify;

import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.model.ModelProfile;

/**
 * Decides the guideline family of a model from its profile, with evidence and a confidence. For
 * Hugging Face models the configuration decides; the names of stored tensors decide when there is
 * no configuration or it says too little. Pure: the same profile always gives the same result.
 */
public final class Classifier {
  private final HfConfigClassifier hf;

  public Classifier(HfCatalogue catalogue) {
    this.hf = new HfConfigClassifier(catalogue);
  }

  public Classification classify(ModelProfile profile) {
    Verdict v = new Verdict();
    profile.hf().ifPresent(meta -> hf.classify(meta, v));
    if (!v.decided()) {
      TensorNameClassifier.classify(profile.tensors(), v);
    }
    return v.toClassification();
  }
}
