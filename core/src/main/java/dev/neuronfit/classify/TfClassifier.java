package dev.neuronfit.classify;

import dev.neuronfit.model.ModelProfile;

/** Family detection for Tf models; filled in with the Tf reader. */
final class TfClassifier {
  private TfClassifier() {}

  /** Fills {@code v} from what the model's reader recorded; leaves it undecided when unsure. */
  static void classify(ModelProfile profile, Verdict v) {
    // decided by the reader's evidence once the Tf reader exists; until then the tensor-name
    // fallback in Classifier applies
  }
}
