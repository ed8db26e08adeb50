package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.estimated;
import static dev.neuronfit.rules.RuleFixtures.measured;
import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.WeightSummary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WeightsOver2gbTest {
  private static final long LIMIT = 2_147_483_648L;
  private final Rule rule = new WeightsOver2gb();

  @Test
  void citesTheSectionOfTheKnownIssueItsMetadataNamesInEveryEdition() {
    for (String edition : List.of("2.5.0", "2.9.0", "2.11.0")) {
      assertThat(
              RuleFixtures.edition(edition).knownIssue("large-models-2gb").orElseThrow().section())
          .as(edition)
          .isEqualTo(GuidelineSections.LARGE_MODELS_INF1)
          .isEqualTo(rule.info().sections().get(0));
    }
  }

  @Test
  void firesWhenWeightsExceedTheLimitOnInf1() {
    List<Finding> findings =
        rule.check(
            model()
                .family(Family.TRANSFORMER_DECODER)
                .weights(measured(13_476_839_424L))
                .context());

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("weights-over-2gb");
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .startsWith("weights ")
        .contains("13,476,839,424 bytes")
        .contains("safetensors headers of 1 file")
        .doesNotContain("estimated");
    assertThat(f.message()).contains("12.6 GiB").contains("on inf1");
    assertThat(f.guideline()).contains("2,147,483,648 bytes");
    assertThat(f.source())
        .contains("model-architecture-fit.rst@v2.11.0")
        .contains("[2gb_protobuf_issue]");
  }

  @Test
  void firesOneByteOverTheLimit() {
    List<Finding> findings = rule.check(model().weights(measured(LIMIT + 1)).context());

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("weights-over-2gb");
              assertThat(f.observed()).contains("2,147,483,649 bytes");
            });
  }

  @Test
  void doesNotFireAtExactlyTheLimit() {
    assertThat(rule.check(model().weights(measured(LIMIT)).context())).isEmpty();
  }

  @Test
  void doesNotFireUnderTheLimit() {
    assertThat(rule.check(model().weights(measured(548_105_171L)).context())).isEmpty();
  }

  @Test
  void doesNotFireWhenTheWeightsAreUnknown() {
    assertThat(rule.check(model().weights(WeightSummary.unknown("no weight files")).context()))
        .isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(rule.check(model().weights(measured(LIMIT * 10)).targets("trn1", "inf2").context()))
        .isEmpty();
  }

  @Test
  void saysEstimatedWhenTheWeightsAreEstimatedFromTheConfig() {
    Finding f = rule.check(model().weights(estimated(22_458_146_816L)).context()).get(0);

    assertThat(f.observed())
        .startsWith("estimated weights ")
        .contains("22,458,146,816 bytes")
        .contains("parameters estimated from the config");
  }

  @Test
  void pytorchModelGetsTheTorchNeuronSeparateWeightsWorkaroundFrom2_9_0() {
    for (String edition : List.of("2.9.0", "2.11.0")) {
      Finding f =
          rule.check(
                  model()
                      .framework(Framework.PYTORCH)
                      .edition(edition)
                      .weights(measured(LIMIT * 2))
                      .context())
              .get(0);

      assertThat(f.advice())
          .as(edition)
          .contains("separate_weights=True")
          .doesNotContain("extract-weights");
      assertThat(f.source()).contains("@v" + edition);
    }
  }

  @Test
  void pytorchModelIn2_5_0GetsNoTorchNeuronWorkaround() {
    Finding f =
        rule.check(
                model()
                    .framework(Framework.PYTORCH)
                    .edition("2.5.0")
                    .weights(measured(LIMIT * 2))
                    .context())
            .get(0);

    assertThat(f.advice())
        .doesNotContain("separate_weights")
        .doesNotContain("extract-weights")
        .contains("torch-neuronx");
  }

  @Test
  void tensorflowModelGetsTheTf2ExtractWeightsWorkaround() {
    for (String edition : List.of("2.5.0", "2.11.0")) {
      Finding f =
          rule.check(
                  model()
                      .framework(Framework.TENSORFLOW)
                      .edition(edition)
                      .weights(measured(LIMIT * 2))
                      .context())
              .get(0);

      assertThat(f.advice())
          .as(edition)
          .contains("extract-weights")
          .doesNotContain("separate_weights");
    }
  }

  @Test
  void modelOfUnknownFrameworkGetsEveryWorkaroundOfTheEdition() {
    Finding f =
        rule.check(model().framework(Framework.UNKNOWN).weights(measured(LIMIT * 2)).context())
            .get(0);

    assertThat(f.advice()).contains("extract-weights").contains("separate_weights=True");
  }

  @Test
  void concernsNoFamilyInParticular() {
    for (Family family : Family.values()) {
      assertThat(rule.check(model().family(family).weights(measured(LIMIT * 2)).context()))
          .as(family.id())
          .extracting(Finding::target)
          .containsExactly(Optional.of("inf1"));
    }
  }
}
