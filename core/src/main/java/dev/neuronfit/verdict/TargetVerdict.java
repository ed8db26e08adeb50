package dev.neuronfit.verdict;

import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.Guidance;
import dev.neuronfit.kb.Target;
import java.util.List;
import java.util.Objects;

/**
 * What the edition says about the model's family on one target.
 *
 * @param target the target
 * @param table the table that rates it (for its title and date)
 * @param fit the hardware fit of the family ({@link Fit#UNKNOWN} for an unknown family)
 * @param support the package cells that apply to the target, the model's own framework first
 * @param guidance the guidance items for the family on the target
 */
public record TargetVerdict(
    Target target, FitTable table, Fit fit, List<SupportEntry> support, List<Guidance> guidance) {
  public TargetVerdict {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(fit, "fit");
    support = List.copyOf(support);
    guidance = List.copyOf(guidance);
  }
}
