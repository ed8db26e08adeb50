package dev.neuronfit.rules;

import dev.neuronfit.classify.Trait;
import java.util.List;

/**
 * A model whose layers are state-space (Mamba) mixers, alone or in a hybrid with attention, is
 * rated as its closest guideline family: none of the families the guideline's tables rate describes
 * a state-space layer, so the verdict is an approximation and the finding says so.
 */
public final class StateSpaceNotCovered extends Rule {
  public StateSpaceNotCovered() {
    super(
        new RuleInfo(
            "state-space-not-covered",
            "State-space (Mamba) layers are outside the guideline's families; the verdict is the"
                + " closest family's",
            Severity.WARNING,
            List.of(),
            List.of(),
            List.of(),
            List.of(GuidelineSections.MODEL_SUPPORT_OVERVIEW),
            List.of(),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    return ctx.classification().traits().stream()
        .filter(t -> t.kind() == Trait.Kind.STATE_SPACE)
        .findFirst()
        .map(
            t ->
                List.of(
                    finding(ctx)
                        .message(
                            "This model has state-space (Mamba) layers, which none of the"
                                + " guideline's families covers; its verdict is that of the"
                                + " closest family, "
                                + ctx.classification().family().id()
                                + ".")
                        .observed(t.detail() + " (" + t.key() + ")")
                        .guideline(
                            "The page's tables rate eight architecture families, all of them"
                                + " built from attention, convolutions, recurrent cells or"
                                + " region proposals; a selective-scan mixer is none of them.")
                        .advice(
                            "Read the fit as a starting point: check that the Neuron stack you"
                                + " choose lists this model type (see TODAY), and compile a small"
                                + " configuration of the model before planning around it.")
                        .build()))
        .orElse(List.of());
  }
}
