package dev.neuronfit.plan;

import java.util.Objects;
import java.util.Optional;

/**
 * A plan, or why there is none for this model on this target.
 *
 * @param plan the plan, when one could be built
 * @param reason why there is no plan; empty when there is one
 */
public record PlanOutcome(Optional<Plan> plan, String reason) {
  public PlanOutcome {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(reason, "reason");
  }

  static PlanOutcome of(Plan p) {
    return new PlanOutcome(Optional.of(p), "");
  }

  static PlanOutcome none(String reason) {
    return new PlanOutcome(Optional.empty(), reason);
  }
}
