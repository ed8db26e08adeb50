package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.classify.Evidence;
import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class FamilyUnknownTest {
  private final Rule rule = new FamilyUnknown();

  @Test
  void firesWhenTheFamilyIsUnknownAndNamesWhatWasLookedAt() {
    List<Finding> findings =
        rule.check(
            model()
                .evidence(
                    new Evidence(
                        "config.json",
                        "model_type",
                        "\"mystery\"",
                        "not one of the 300 model types in the catalogue"),
                    new Evidence(
                        "model.safetensors",
                        "tensor names",
                        "7 tensors, e.g. blocks.0.mix.weight",
                        "no family pattern matched the tensor names"))
                .context());

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("family-unknown");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).isEmpty();
    assertThat(f.observed())
        .contains("model_type = \"mystery\"")
        .contains("7 tensors, e.g. blocks.0.mix.weight")
        .contains("not one of the 300 model types in the catalogue")
        .contains("no family pattern matched the tensor names");
    assertThat(f.source()).contains("@v2.11.0").endsWith("Model Support Overview");
  }

  @Test
  void saysNothingRecognisableWhenThereIsNoEvidence() {
    Finding f = rule.check(model().context()).get(0);

    assertThat(f.observed()).isEqualTo("nothing recognisable");
  }

  @Test
  void firesWhicheverTargetsAreSelected() {
    assertThat(rule.check(model().targets("inf2").context()))
        .singleElement()
        .satisfies(f -> assertThat(f.target()).isEmpty());
  }

  @Test
  void doesNotFireWhenTheFamilyIsKnown() {
    for (Family family : Family.values()) {
      if (family != Family.UNKNOWN) {
        assertThat(rule.check(model().family(family).context())).as(family.id()).isEmpty();
      }
    }
  }
}
