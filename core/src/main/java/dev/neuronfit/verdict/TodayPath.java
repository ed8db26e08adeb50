package dev.neuronfit.verdict;

import dev.neuronfit.kb.DatedSource;
import dev.neuronfit.kb.StackStatus;
import dev.neuronfit.kb.SupportNow;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What serves the model on one target today, from the support-now layer: beside the guideline's
 * verdict, never instead of it. Immutable.
 *
 * @param target the target id
 * @param neuronCore the target's NeuronCore generation, e.g. {@code v3}
 * @param ratedByEdition whether the report's guideline edition rates the target
 * @param best the best current path, when a stack that still takes new work serves the model there
 * @param endOfSupport stacks that list the model (or that the guideline recommends for it) and have
 *     reached end of support on the target
 * @param quantization the verdict on the checkpoint's quantization, when it has one
 * @param frozen the target's frozen-stack announcement, for a frozen target
 * @param lnc the logical NeuronCore configuration sizing assumes, when the target has LNC
 */
public record TodayPath(
    String target,
    String neuronCore,
    boolean ratedByEdition,
    Optional<Path> best,
    List<Path> endOfSupport,
    Optional<String> quantization,
    Optional<SupportNow.TargetLifecycle> frozen,
    Optional<String> lnc) {
  public TodayPath {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(neuronCore, "neuronCore");
    Objects.requireNonNull(best, "best");
    endOfSupport = List.copyOf(endOfSupport);
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(frozen, "frozen");
    Objects.requireNonNull(lnc, "lnc");
  }

  /**
   * One stack as a path for the model.
   *
   * @param stack the stack's id
   * @param stackName its name
   * @param status its status on the target, with the release, date and announcement
   * @param evidence why it is a path, in one sentence
   * @param onboarding true when no list names the model and the stack takes any model of its
   *     framework
   * @param source the listing's source (or the status's, for onboarding)
   */
  public record Path(
      String stack,
      String stackName,
      SupportNow.StatusChange status,
      String evidence,
      boolean onboarding,
      DatedSource source) {
    public Path {
      Objects.requireNonNull(stack, "stack");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(evidence, "evidence");
      Objects.requireNonNull(source, "source");
    }

    public StackStatus statusValue() {
      return status.status();
    }
  }
}
