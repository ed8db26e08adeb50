package dev.neuronfit.rules;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.WeightSummary;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a rule may look at: the model, its family, its (possibly estimated) weights, and the
 * edition and targets the report covers.
 *
 * @param profile the model as read
 * @param classification its family
 * @param weights the weight figures the report shows: from the files, or estimated from the config
 * @param edition the guideline edition
 * @param targets the targets the report covers
 */
public record RuleContext(
    ModelProfile profile,
    Classification classification,
    WeightSummary weights,
    Edition edition,
    List<Target> targets) {
  public RuleContext {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(edition, "edition");
    targets = List.copyOf(targets);
  }

  public Family family() {
    return classification.family();
  }

  /** The target with this id if the report covers it. */
  public Optional<Target> target(String id) {
    return targets.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** A citation of a section of this edition's page, e.g. for {@link Finding#source()}. */
  public String cite(dev.neuronfit.kb.Section section) {
    return edition.source().cite() + " § " + section.cite();
  }
}
