package dev.neuronfit.rules;

import static dev.neuronfit.model.Quantities.bytesExact;

import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.kb.KnownIssue;
import dev.neuronfit.model.Framework;
import java.util.List;
import java.util.Optional;

/**
 * Weights over the 2 GB protobuf limit of torch-neuron and tensorflow-neuron (TF 1.x) on inf1. The
 * limit and the workarounds come from the edition's known issue {@code large-models-2gb}.
 */
public final class WeightsOver2gb extends Rule {
  public WeightsOver2gb() {
    super(
        new RuleInfo(
            "weights-over-2gb",
            "Weights exceed the 2 GB protobuf limit of torch-neuron and tensorflow-neuron (TF 1.x)",
            Severity.ERROR,
            List.of("inf1"),
            List.of("torch-neuron", "tensorflow-neuron-tf1"),
            List.of(),
            List.of(GuidelineSections.LARGE_MODELS_INF1),
            List.of(),
            "0.1.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    Optional<KnownIssue> issue = ctx.edition().knownIssue("large-models-2gb");
    if (issue.isEmpty() || issue.get().limitBytes().isEmpty() || ctx.weights().bytes().isEmpty()) {
      return List.of();
    }
    long limit = issue.get().limitBytes().getAsLong();
    Framework fw = ctx.profile().framework();
    String workaround =
        issue.get().workarounds().stream()
            .filter(
                w ->
                    fw == Framework.UNKNOWN
                        || w.pkg().startsWith(fw == Framework.PYTORCH ? "torch" : "tensorflow"))
            .map(w -> w.text() + " (" + w.source() + ")")
            .reduce((a, b) -> a + " " + b)
            .orElse(
                "Use NeuronCore-v2 (trn1/inf2) with torch-neuronx, which has no such limit in this edition.");
    return issue.get().targets().stream()
        .filter(t -> ctx.target(t).isPresent())
        .filter(t -> held(ctx, t).bytes() > limit)
        .map(
            t -> {
              Held held = held(ctx, t);
              long bytes = held.bytes();
              return finding(ctx)
                  .target(t)
                  .message(
                      "Weights of "
                          + bytesExact(bytes)
                          + " exceed the 2 GB protobuf limit of torch-neuron and tensorflow-neuron (TF 1.x) on "
                          + t
                          + ".")
                  .observed(held.observed())
                  .guideline(issue.get().summary() + " Limit: " + bytesExact(limit) + ".")
                  .advice(workaround)
                  .source(ctx.cite(issue.get().section()))
                  .build();
            })
        .toList();
  }

  /** The weight bytes a target holds, and how the finding names them. */
  private record Held(long bytes, String observed) {}

  /**
   * The bytes of weights the target holds: those of the weight files, except for a quantized
   * checkpoint that the target's path does not run, whose weights that target holds at the device
   * type (sizing's {@code WeightWidth}), a larger graph than the files hold.
   */
  private static Held held(RuleContext ctx, String target) {
    long file = ctx.weights().bytes().getAsLong();
    String fromFiles =
        (ctx.weights().estimated() ? "estimated " : "")
            + "weights "
            + bytesExact(file)
            + " ("
            + ctx.weights().basis()
            + ")";
    TargetEstimate e = ctx.estimates().get(target);
    if (e == null) {
      return new Held(file, fromFiles);
    }
    Workload w = e.workload();
    if (w.width().isEmpty() || w.width().get().stored() || w.weightBytes() <= file) {
      return new Held(file, fromFiles);
    }
    return new Held(
        w.weightBytes(),
        "weights "
            + bytesExact(w.weightBytes())
            + " on "
            + target
            + " ("
            + w.width().get().reason()
            + "); the files hold "
            + fromFiles.replaceFirst("weights ", ""));
  }
}
