package dev.neuronfit.rules;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.verdict.Today;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param operators the graph's operators and their coverage by Neuron's operator lists, for graph
 *     models
 * @param workload the work one inference takes, when neuronfit can derive it
 * @param estimates roofline bounds and sizing per target id, as the report shows them; empty
 *     without a workload
 * @param today what serves the model on each target now (support-now layer); empty when the report
 *     is built without it
 */
public record RuleContext(
    ModelProfile profile,
    Classification classification,
    WeightSummary weights,
    Edition edition,
    List<Target> targets,
    Optional<OperatorSummary> operators,
    Optional<Workload> workload,
    Map<String, TargetEstimate> estimates,
    Optional<Today> today) {
  public RuleContext {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(edition, "edition");
    targets = List.copyOf(targets);
    Objects.requireNonNull(operators, "operators");
    Objects.requireNonNull(workload, "workload");
    estimates = Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
    Objects.requireNonNull(today, "today");
  }

  /** A context without the support-now view. */
  public RuleContext(
      ModelProfile profile,
      Classification classification,
      WeightSummary weights,
      Edition edition,
      List<Target> targets,
      Optional<OperatorSummary> operators,
      Optional<Workload> workload,
      Map<String, TargetEstimate> estimates) {
    this(
        profile,
        classification,
        weights,
        edition,
        targets,
        operators,
        workload,
        estimates,
        Optional.empty());
  }

  /** A context of a graph model without a workload. */
  public RuleContext(
      ModelProfile profile,
      Classification classification,
      WeightSummary weights,
      Edition edition,
      List<Target> targets,
      Optional<OperatorSummary> operators) {
    this(profile, classification, weights, edition, targets, operators, Optional.empty(), Map.of());
  }

  /** A context of a model read without a graph. */
  public RuleContext(
      ModelProfile profile,
      Classification classification,
      WeightSummary weights,
      Edition edition,
      List<Target> targets) {
    this(profile, classification, weights, edition, targets, Optional.empty());
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
