package dev.neuronfit.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every rule neuronfit runs, listed explicitly and kept sorted by id. */
public final class RuleRegistry {
  private static final List<Rule> RULES =
      sorted(
          List.of(
              new CpuFallbackOnInf1(),
              new DecoderOnInf1(),
              new FamilyUnknown(),
              new GgufNotNeuron(),
              new LfsPointer(),
              new NoInstanceHoldsModel(),
              new PickleRunsCode(),
              new RcnnBackboneSize(),
              new RcnnDetectron2NotTraceable(),
              new RcnnRoiAlignCpu(),
              new Seq2seqWrappingOnInf1(),
              new SizeUnknown(),
              new StackEndOfSupport(),
              new StackMaintenanceOnly(),
              new StateSpaceNotCovered(),
              new TargetFrozen(),
              new WeightsOver2gb()));

  private RuleRegistry() {}

  /** The rules, sorted by id. */
  public static List<Rule> rules() {
    return RULES;
  }

  /** Runs every rule; findings come out most severe first, then by rule id and target. */
  public static List<Finding> run(RuleContext context) {
    List<Finding> out = new ArrayList<>();
    for (Rule r : RULES) {
      out.addAll(r.check(context));
    }
    out.sort(
        Comparator.comparing((Finding f) -> -f.severity().ordinal())
            .thenComparing(Finding::rule)
            .thenComparing(f -> f.target().orElse("")));
    return List.copyOf(out);
  }

  private static List<Rule> sorted(List<Rule> rules) {
    List<Rule> copy = new ArrayList<>(rules);
    copy.sort(Comparator.comparing(r -> r.info().id()));
    return List.copyOf(copy);
  }
}
