package dev.neuronfit.rules;

import dev.neuronfit.kb.Section;
import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Optional;

/** The model's family could not be determined, so no guideline verdict applies to it. */
public final class FamilyUnknown implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "family-unknown",
          "The architecture family could not be determined; no guideline verdict applies",
          Severity.WARNING,
          List.of(),
          List.of(),
          List.of(Family.UNKNOWN),
          "Model Support Overview",
          "0.1.0");

  @Override
  public RuleInfo info() {
    return INFO;
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
        new Finding(
            INFO.id(),
            Severity.WARNING,
            Optional.empty(),
            "neuronfit could not tell which guideline family this model belongs to, so it gives no fit verdict.",
            looked,
            "The guideline rates eight architecture families; a model outside them has no row in its tables.",
            "Check the evidence, compare the architecture with `neuronfit matrix`, or try compiling a small configuration of the model.",
            ctx.cite(new Section("Model Support Overview", Optional.empty()))));
  }
}
