package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import java.util.List;

/**
 * The case graph signals make for one family, before the families are weighed against each other.
 *
 * @param family the family
 * @param confidence on the {@link Confidence} scale
 * @param evidence the observations, in the order shown
 * @param summary one line saying why, used when the family ends up under alsoMatches
 */
record FamilyCall(Family family, double confidence, List<Evidence> evidence, String summary) {
  FamilyCall {
    evidence = List.copyOf(evidence);
  }

  static double confidence(boolean strong) {
    return strong ? Confidence.STRUCTURE_STRONG : Confidence.STRUCTURE_WEAK;
  }
}
