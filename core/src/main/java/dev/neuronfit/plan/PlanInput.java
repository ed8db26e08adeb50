package dev.neuronfit.plan;

import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.PlanFlags;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.verdict.Today;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a plan is built from: the same analysis the check report shows. Immutable.
 *
 * @param profile the model as read
 * @param family its family
 * @param weights the weight figures the report shows (read or estimated)
 * @param workload the work one inference takes, when neuronfit derived it
 * @param estimates bounds and sizing per target id
 * @param today today's path per target
 * @param findings the report's findings
 * @param hardware the hardware figures sizing used
 * @param flags the flags plans may write
 */
public record PlanInput(
    ModelProfile profile,
    Family family,
    WeightSummary weights,
    Optional<Workload> workload,
    Map<String, TargetEstimate> estimates,
    Today today,
    List<Finding> findings,
    Hardware hardware,
    PlanFlags flags) {
  public PlanInput {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(workload, "workload");
    estimates = Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
    Objects.requireNonNull(today, "today");
    findings = List.copyOf(findings);
    Objects.requireNonNull(hardware, "hardware");
    Objects.requireNonNull(flags, "flags");
  }

  /**
   * This input as a plan for {@code target} reads it: with the workload placed on the target, whose
   * weights are held at the width the target runs them at (see {@link
   * dev.neuronfit.estimate.WeightWidth}).
   */
  PlanInput forTarget(String target) {
    TargetEstimate e = estimates.get(target);
    if (e == null || workload.isEmpty()) {
      return this;
    }
    return new PlanInput(
        profile,
        family,
        weights,
        Optional.of(e.workload()),
        estimates,
        today,
        findings,
        hardware,
        flags);
  }
}
