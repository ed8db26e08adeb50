package dev.neuronfit.report;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.plan.Plan;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.verdict.TargetVerdict;
import dev.neuronfit.verdict.Today;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The result of checking one model: plain data, rendered by the renderers in this package.
 *
 * @param toolVersion neuronfit's version
 * @param edition the guideline edition used
 * @param model what the model is
 * @param architecture its family, with evidence
 * @param targets the verdict per target
 * @param findings known issues that apply, most severe first
 * @param operators the operators and their coverage by Neuron's operator lists, for graph models
 *     (ONNX); empty for models read without a graph
 * @param workload the work one inference takes, when neuronfit can derive it
 * @param estimates roofline bounds and sizing per target id (the report's targets, then any other
 *     target the hardware figures describe), in that order; empty without a workload
 * @param today what serves the model on each target now, from the dated support-now layer; empty
 *     when the report was built without it
 * @param plan the plan the report's top line names (the best current path over its targets); empty
 *     when no target has one or the report was built without plans
 */
public record Report(
    String toolVersion,
    Edition edition,
    ModelSummary model,
    Classification architecture,
    List<TargetVerdict> targets,
    List<Finding> findings,
    Optional<OperatorSummary> operators,
    Optional<Workload> workload,
    Map<String, TargetEstimate> estimates,
    Optional<Today> today,
    Optional<Plan> plan) {
  /** The version of the JSON layout; see docs/json-schema.md. */
  public static final int SCHEMA_VERSION = 1;

  public Report {
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(edition, "edition");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(architecture, "architecture");
    targets = List.copyOf(targets);
    findings = List.copyOf(findings);
    Objects.requireNonNull(operators, "operators");
    Objects.requireNonNull(workload, "workload");
    estimates = Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
    Objects.requireNonNull(today, "today");
    Objects.requireNonNull(plan, "plan");
  }

  /**
   * The one-line pointer to the plan, {@code next: `neuronfit plan ...` (stack, instance, TP)}, in
   * one output format: {@code command} quotes and escapes the invocation, {@code text} escapes the
   * summary.
   */
  public Optional<String> nextLine(UnaryOperator<String> command, UnaryOperator<String> text) {
    return plan.map(
        p -> "next: " + command.apply(p.invocation()) + " (" + text.apply(p.summary()) + ")");
  }
}
