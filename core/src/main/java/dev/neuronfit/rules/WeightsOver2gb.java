package dev.neuronfit.rules;

import static dev.neuronfit.model.Quantities.bytesExact;

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
    long bytes = ctx.weights().bytes().getAsLong();
    if (bytes <= limit) {
      return List.of();
    }
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
        .map(
            t ->
                finding(ctx)
                    .target(t)
                    .message(
                        "Weights of "
                            + bytesExact(bytes)
                            + " exceed the 2 GB protobuf limit of torch-neuron and tensorflow-neuron (TF 1.x) on "
                            + t
                            + ".")
                    .observed(
                        (ctx.weights().estimated() ? "estimated " : "")
                            + "weights "
                            + bytesExact(bytes)
                            + " ("
                            + ctx.weights().basis()
                            + ")")
                    .guideline(issue.get().summary() + " Limit: " + bytesExact(limit) + ".")
                    .advice(workaround)
                    .source(ctx.cite(issue.get().section()))
                    .build())
        .toList();
  }
}
