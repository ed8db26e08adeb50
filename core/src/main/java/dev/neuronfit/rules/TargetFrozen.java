package dev.neuronfit.rules;

import dev.neuronfit.verdict.TodayPath;
import java.util.ArrayList;
import java.util.List;

/** The target's whole software stack is frozen (inf1): the guideline verdict is history. */
public final class TargetFrozen extends Rule {
  public TargetFrozen() {
    super(
        new RuleInfo(
            "target-frozen",
            "The target's software stack is frozen",
            Severity.WARNING,
            List.of("inf1"),
            List.of("torch-neuron", "tensorflow-neuron-tf1", "tensorflow-neuron-tf2"),
            List.of(),
            List.of(),
            List.of(
                "announce-eos-inf1-virtual-environments (Neuron 2.27, 2025-12-18);"
                    + " announce-correction-neuron-driver-support-inf1 (2026-03-12)"),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    List<Finding> out = new ArrayList<>();
    for (TodayPath p : ctx.today().map(t -> t.paths()).orElse(List.of())) {
      p.frozen()
          .ifPresent(
              f ->
                  out.add(
                      finding(ctx)
                          .target(p.target())
                          .message(
                              "The "
                                  + p.target()
                                  + " software stack is frozen since Neuron "
                                  + f.since()
                                  + " ("
                                  + f.date()
                                  + "): its packages get no new releases.")
                          .observed(p.target() + " is among the report's targets")
                          .guideline(f.text())
                          .advice(
                              "Use the guideline's inf1 verdict for existing deployments only; for"
                                  + " new work target inf2, trn2 or trn3.")
                          .source(f.source().cite())
                          .build()));
    }
    return out;
  }
}
