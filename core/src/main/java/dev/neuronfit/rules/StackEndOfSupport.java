package dev.neuronfit.rules;

import dev.neuronfit.verdict.TodayPath;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack that lists the model on a target, or that the guideline recommends for its family, has
 * reached end of support there: new work on it gets no fixes or releases.
 */
public final class StackEndOfSupport extends Rule {
  public StackEndOfSupport() {
    super(
        new RuleInfo(
            "stack-end-of-support",
            "A stack serving this model has reached end of support there",
            Severity.WARNING,
            List.of("inf2", "trn1", "trn2", "trn3"),
            List.of("nxd-inference", "torch-neuronx", "tensorflow-neuronx", "transformers-neuronx"),
            List.of(),
            List.of(),
            List.of(
                "kb/support-now.json: each stack's end-of-support announcement (for example"
                    + " announce-no-support-nxdi-nxd-core-inference-trn, 2026-11-17)"),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    List<Finding> out = new ArrayList<>();
    for (TodayPath p : ctx.today().map(t -> t.paths()).orElse(List.of())) {
      for (TodayPath.Path ended : p.endOfSupport()) {
        String instead =
            p.best()
                .map(b -> "Move to " + b.stackName() + " (" + b.statusValue().label() + ").")
                .orElse(
                    "No stack that still takes new work lists this model on " + p.target() + ".");
        out.add(
            finding(ctx)
                .target(p.target())
                .message(
                    ended.stackName()
                        + " is no longer supported on "
                        + p.target()
                        + " from Neuron "
                        + ended.status().neuron()
                        + " ("
                        + ended.status().date()
                        + ").")
                .observed(ended.evidence())
                .guideline(ended.status().text())
                .advice(instead)
                .source(ended.status().source().cite())
                .build());
      }
    }
    return out;
  }
}
