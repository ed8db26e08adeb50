package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;

/**
 * The guideline family of a model, how sure neuronfit is, and why.
 *
 * @param family the family; {@link Family#UNKNOWN} when the evidence does not decide one
 * @param confidence from 0 to 1; see {@link Confidence} for the scale. 0 for unknown.
 * @param evidence the observations that decided it (or, for unknown, what was looked at)
 * @param alsoMatches other families the model also shows signs of
 * @param traits properties of the architecture that matter on Neuron beside the family (experts,
 *     grouped attention, state-space layers, ...), in {@link Trait.Kind} order
 */
public record Classification(
    Family family,
    double confidence,
    List<Evidence> evidence,
    List<AlsoMatch> alsoMatches,
    List<Trait> traits) {
  public Classification {
    Objects.requireNonNull(family, "family");
    if (confidence < 0 || confidence > 1) {
      throw new IllegalArgumentException("confidence must be within [0, 1]: " + confidence);
    }
    evidence = List.copyOf(evidence);
    alsoMatches = List.copyOf(alsoMatches);
    traits = List.copyOf(traits);
  }

  /** A classification without traits. */
  public Classification(
      Family family, double confidence, List<Evidence> evidence, List<AlsoMatch> alsoMatches) {
    this(family, confidence, evidence, alsoMatches, List.of());
  }

  /** True when the model has a trait of this kind. */
  public boolean has(Trait.Kind kind) {
    return traits.stream().anyMatch(t -> t.kind() == kind);
  }

  public boolean isKnown() {
    return family != Family.UNKNOWN;
  }
}
