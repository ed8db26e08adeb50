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
public final class WeightsOver2gb implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "weights-over-2gb",
          "Weights exceed the 2 GB protobuf limit of torch-neuron and tensorflow-neuron (TF 1.x)",
          Severity.ERROR,
          List.of("inf1"),
          List.of("torch-neuron", "tensorflow-neuron-tf1"),
          List.of(),
          "Known Issues on Inferentia (NeuronCore v1) › Support of large models [2gb_protobuf_issue]",
          "0.1.0");

  @Override
  public RuleInfo info() {
    return INFO;
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
                new Finding(
                    INFO.id(),
                    Severity.ERROR,
                    Optional.of(t),
                    "Weights of "
                        + bytesExact(bytes)
                        + " exceed the 2 GB protobuf limit of torch-neuron and tensorflow-neuron (TF 1.x) on "
                        + t
                        + ".",
                    (ctx.weights().estimated() ? "estimated " : "")
                        + "weights "
                        + bytesExact(bytes)
                        + " ("
                        + ctx.weights().basis()
                        + ")",
                    issue.get().summary() + " Limit: " + bytesExact(limit) + ".",
                    workaround,
                    ctx.cite(issue.get().section())))
        .toList();
  }
}
