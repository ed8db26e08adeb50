package dev.neuronfit.classify;

import dev.neuronfit.model.ModelProfile;

/** Family detection for Keras models; filled in with the Keras reader. */
final class KerasClassifier {
  private KerasClassifier() {}

  /** Fills {@code v} from what the model's reader recorded; leaves it undecided when unsure. */
  static void classify(ModelProfile profile, Verdict v) {
    // decided by the reader's evidence once the Keras reader exists; until then the tensor-name
    // fallback in Classifier applies
  }
}
