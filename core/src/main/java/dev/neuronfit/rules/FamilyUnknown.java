package dev.neuronfit.rules;

import dev.neuronfit.model.Family;
import java.util.List;

/** The model's family could not be determined, so no guideline verdict applies to it. */
public final class FamilyUnknown extends Rule {
  public FamilyUnknown() {
    super(
        new RuleInfo(
            "family-unknown",
            "The architecture family could not be determined; no guideline verdict applies",
            Severity.WARNING,
            List.of(),
            List.of(),
            List.of(Family.UNKNOWN),
            List.of(GuidelineSections.MODEL_SUPPORT_OVERVIEW),
            List.of(),
            "0.1.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (ctx.classification().isKnown()) {
      return List.of();
    }
    String looked =
        ctx.classification().evidence().stream()
            .map(e -> e.key() + " = " + e.value() + " (" + e.source() + "): " + e.meaning())
            .reduce((a, b) -> a + "; " + b)
            .orElse("nothing recognisable");
    return List.of(
        finding(ctx)
            .message(
                "neuronfit could not tell which guideline family this model belongs to, so it gives no fit verdict.")
            .observed(looked)
            .guideline(
                "The guideline rates eight architecture families; a model outside them has no row in its tables.")
            .advice(
                "Check the evidence, compare the architecture with `neuronfit matrix`, or try compiling a small configuration of the model.")
            .build());
  }
}
