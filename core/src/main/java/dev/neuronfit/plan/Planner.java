package dev.neuronfit.plan;

import dev.neuronfit.estimate.Sizing;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.kb.Hardware;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.verdict.TodayPath;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Builds the plan for one model on one target from today's best path there: the vLLM Neuron command
 * line on trn2 and trn3, the optimum-neuron export on inf2 and trn1, a torch-neuronx or TorchNeuron
 * script for models no stack lists, and the guideline's remedies made concrete on inf1.
 */
public final class Planner {
  /**
   * Which target the check report's top line names when several have a plan of the same status: the
   * current generations sold as single instances first (trn2, inf2), then trn3 (whose sizes are
   * servers and UltraServers in the hardware data), then trn1, then the frozen inf1.
   */
  private static final List<String> TOP_LINE_ORDER =
      List.of("trn2", "inf2", "trn3", "trn1", "inf1");

  private Planner() {}

  /** The plan for the model on the target, or why there is none. */
  public static PlanOutcome plan(PlanInput in, String target) {
    Optional<TodayPath> path = in.today().path(target);
    if (path.isEmpty()) {
      return PlanOutcome.none(target + " is not among the targets this check covers");
    }
    if (path.get().best().isEmpty()) {
      return PlanOutcome.none(
          "no current stack serves this model on "
              + target
              + (path.get().endOfSupport().isEmpty()
                  ? ""
                  : " ("
                      + String.join(
                          ", ",
                          path.get().endOfSupport().stream()
                              .map(TodayPath.Path::stackName)
                              .toList())
                      + " reached end of support)"));
    }
    TodayPath.Path best = path.get().best().get();
    Draft d = new Draft(in.forTarget(target), target);
    size(d);
    boolean built =
        switch (best.stack()) {
          case "vllm-neuron" -> ServePlans.vllm(d, path.get());
          case "optimum-neuron" -> ServePlans.optimum(d);
          case "torch-neuronx" -> TraceScripts.torchNeuronx(d);
          case "torchneuron" -> TraceScripts.torchNeuron(d, path.get());
          case "inf1-stack" -> Inf1Plans.build(d);
          default -> false;
        };
    if (!built) {
      return PlanOutcome.none(
          "neuronfit writes no plan for "
              + best.stackName()
              + " with a "
              + in.family().id()
              + " model in "
              + in.profile().format().id()
              + " format yet");
    }
    d.why.add(
        0,
        best.stackName()
            + " ("
            + best.statusValue().label()
            + ") is today's path on "
            + target
            + ": "
            + best.evidence().replaceAll("\\.+$", "")
            + ".");
    before(d, path.get());
    String summary =
        shortName(best.stackName())
            + d.instance.map(i -> ", " + i).orElse("")
            + d.tensorParallel.map(t -> ", TP " + t).orElse("");
    return PlanOutcome.of(
        new Plan(
            in.profile().path(),
            target,
            best.stack(),
            best.stackName(),
            best.statusValue().label(),
            d.instance,
            d.tensorParallel,
            summary,
            d.why,
            d.assumptions,
            d.commands,
            d.python,
            d.buckets,
            d.notes,
            d.checks,
            d.flags.uses()));
  }

  /**
   * The target the check report's top line names: of the given targets with a plan, the one whose
   * stack has the best status, then by {@link #TOP_LINE_ORDER}.
   */
  public static Optional<Plan> topLine(PlanInput in, List<String> targets) {
    return targets.stream()
        .map(t -> plan(in, t).plan())
        .flatMap(Optional::stream)
        .min(
            Comparator.comparing(
                    (Plan p) ->
                        in.today().path(p.target()).flatMap(TodayPath::best).get().statusValue())
                .thenComparing(p -> order(p.target())));
  }

  /** A stack's name without its parenthesised detail, for the one-line summary. */
  static String shortName(String stackName) {
    int paren = stackName.indexOf(" (");
    return paren > 0 ? stackName.substring(0, paren) : stackName;
  }

  private static int order(String target) {
    int i = TOP_LINE_ORDER.indexOf(target);
    return i < 0 ? TOP_LINE_ORDER.size() : i;
  }

  /** Instance and degree from the sizing, with the sentence that explains them. */
  private static void size(Draft d) {
    TargetEstimate e = d.in.estimates().get(d.target);
    if (e == null) {
      d.assumptions.add(
          "no workload estimate for this model, so no instance is sized: start on the smallest "
              + d.target
              + " instance and watch device memory");
      return;
    }
    Sizing s = e.sizing();
    d.instance = s.instance();
    int cores = s.tensorParallelDegree().orElse(s.neuronCores());
    if (cores > 1) {
      d.tensorParallel = Optional.of(cores);
    }
    if (s.instance().isPresent()) {
      d.why.add(
          s.instance().get()
              + " is the smallest "
              + d.target
              + " instance whose device memory holds the model: it needs "
              + Quantities.bytes(s.deviceMemoryBytesNeeded())
              + (d.in.workload().map(w -> w.kvCacheBytes() > 0).orElse(false)
                  ? " (weights and KV cache) on "
                  : " (weights) on ")
              + s.neuronCores()
              + (s.neuronCores() == 1 ? " NeuronCore" : " NeuronCores")
              + s.tensorParallelDegree().map(t -> ", tensor-parallel degree " + t).orElse("")
              + " at "
              + Quantities.bytes(memoryPerCore(d))
              + " per core"
              + e.workload().width().map(w -> "; " + w.reason()).orElse("")
              + ".");
    } else {
      d.notes.add(
          "no "
              + d.target
              + " instance holds the model ("
              + Quantities.bytes(s.deviceMemoryBytesNeeded())
              + " needed): shorten the sequence or quantize before you run this plan");
    }
  }

  /** Device memory per NeuronCore as sizing counts cores (logical cores at the default LNC). */
  static long memoryPerCore(Draft d) {
    return d.in
        .hardware()
        .target(d.target)
        .map(Hardware.TargetHardware::chip)
        .map(
            c ->
                c.defaultLncConfig()
                    .map(Hardware.Lnc::memoryPerCoreBytes)
                    .orElse(c.memoryPerCoreBytes()))
        .orElse(0L);
  }

  /** What to know before the first run: error findings, quantization, a frozen target, weights. */
  private static void before(Draft d, TodayPath path) {
    for (Finding f : d.in.findings()) {
      boolean here = f.target().map(t -> t.equals(d.target)).orElse(true);
      if (here && f.severity() == Severity.ERROR) {
        d.notes.add("fix first (" + f.rule() + "): " + f.message() + " " + f.advice());
      }
    }
    path.quantization().ifPresent(q -> d.notes.add("quantization: " + q));
    path.frozen()
        .ifPresent(
            t ->
                d.notes.add(
                    d.target
                        + " is frozen since Neuron "
                        + t.since()
                        + " ("
                        + t.date()
                        + "): for existing deployments only"));
    if (d.in.weights().estimated()) {
      d.notes.add(
          "the files read hold no weights (sizes are estimated from the config): run the plan on"
              + " the full checkpoint, such as its Hugging Face Hub id in place of the path");
    }
  }
}
