package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.WeightSummary;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SizeUnknownTest {
  private final Rule rule = new SizeUnknown();

  @Test
  void firesOnEveryTargetAndSaysWhyWhenNothingGivesASize() {
    var findings =
        rule.check(
            model()
                .targets("inf2", "trn1")
                .weights(WeightSummary.unknown("no weight files and no layout for model_type x"))
                .context());

    assertThat(findings)
        .extracting(f -> f.target().orElse(""))
        .containsExactlyInAnyOrder("inf2", "trn1");
    assertThat(findings)
        .allSatisfy(
            f -> {
              assertThat(f.rule()).isEqualTo("size-unknown");
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
              assertThat(f.observed()).contains("no layout for model_type x");
            });
  }

  @Test
  void doesNotFireWhenTheFilesDeclareOnlyBytes() {
    WeightSummary bytesOnly =
        new WeightSummary(
            OptionalLong.empty(), OptionalLong.of(1_000), Map.of(), false, "index total_size");
    assertThat(rule.check(model().targets("inf2").weights(bytesOnly).context())).isEmpty();
  }
}
