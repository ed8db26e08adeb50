package dev.neuronfit.rules;

import dev.neuronfit.kb.StackStatus;
import dev.neuronfit.verdict.TodayPath;
import java.util.ArrayList;
import java.util.List;

/**
 * The best current path for the model on a target is a stack in maintenance: it runs, but gets
 * critical fixes only and no new models or features.
 */
public final class StackMaintenanceOnly extends Rule {
  public StackMaintenanceOnly() {
    super(
        new RuleInfo(
            "stack-maintenance-only",
            "The best current path on the target is in maintenance",
            Severity.INFO,
            List.of("inf2", "trn1"),
            List.of("nxd-inference", "torch-neuronx"),
            List.of(),
            List.of(),
            List.of(
                "kb/support-now.json: each stack's maintenance announcement (for example"
                    + " announce-maintenance-nxdi-nxd-core-inference, 2026-05-21)"),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    List<Finding> out = new ArrayList<>();
    for (TodayPath p : ctx.today().map(t -> t.paths()).orElse(List.of())) {
      if (p.best().isEmpty() || p.best().get().statusValue() != StackStatus.MAINTENANCE) {
        continue;
      }
      TodayPath.Path b = p.best().get();
      out.add(
          finding(ctx)
              .target(p.target())
              .message(
                  "The best current path on "
                      + p.target()
                      + " is "
                      + b.stackName()
                      + ", in maintenance since Neuron "
                      + b.status().neuron()
                      + " ("
                      + b.status().date()
                      + "): critical fixes only, no new models or features.")
              .observed(b.evidence())
              .guideline(b.status().text())
              .advice(
                  "Plan for Trn2 or Trn3, where the vLLM Neuron plugin and TorchNeuron take new work.")
              .source(b.status().source().cite())
              .build());
    }
    return out;
  }
}
