package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static dev.neuronfit.rules.TodayFixtures.withToday;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackEndOfSupportTest {
  private final Rule rule = new StackEndOfSupport();
  private static final String LLAMA =
      "{\"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"]}";

  @Test
  void firesOnTrn2ForAModelThatNxdInferenceListsAndCitesTheAnnouncement() {
    List<Finding> findings =
        rule.check(
            withToday(model().family(Family.TRANSFORMER_DECODER).config(LLAMA).context(), "trn2"));

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.target()).contains("trn2");
    assertThat(f.message()).contains("NxD Inference").contains("2.34.0");
    assertThat(f.observed()).contains("LlamaForCausalLM");
    assertThat(f.advice()).contains("vLLM Neuron");
    assertThat(f.source()).contains("announce-no-support-nxdi").contains("2026-11-17");
  }

  @Test
  void staysSilentWhereTheListingStacksStillTakeWork() {
    assertThat(
            rule.check(
                withToday(
                    model().family(Family.TRANSFORMER_DECODER).config(LLAMA).context(), "inf2")))
        .isEmpty();
  }

  @Test
  void staysSilentWithoutTheSupportNowView() {
    assertThat(rule.check(model().family(Family.TRANSFORMER_DECODER).config(LLAMA).context()))
        .isEmpty();
  }
}
