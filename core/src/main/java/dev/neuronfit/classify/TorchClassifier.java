package dev.neuronfit.classify;

import dev.neuronfit.model.ModelProfile;

/** Family detection for Torch models; filled in with the Torch reader. */
final class TorchClassifier {
  private TorchClassifier() {}

  /** Fills {@code v} from what the model's reader recorded; leaves it undecided when unsure. */
  static void classify(ModelProfile profile, Verdict v) {
    // decided by the reader's evidence once the Torch reader exists; until then the tensor-name
    // fallback in Classifier applies
  }
}
