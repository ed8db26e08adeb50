package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static dev.neuronfit.rules.TodayFixtures.withToday;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackMaintenanceOnlyTest {
  private final Rule rule = new StackMaintenanceOnly();

  @Test
  void firesOnInf2WhenOnlyNxdInferenceListsTheModel() {
    List<Finding> findings =
        rule.check(
            withToday(
                model()
                    .family(Family.TRANSFORMER_DECODER)
                    .config("{\"model_type\": \"dbrx\", \"architectures\": [\"DbrxForCausalLM\"]}")
                    .context(),
                "inf2"));

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).target()).contains("inf2");
    assertThat(findings.get(0).message()).contains("NxD Inference").contains("maintenance");
    assertThat(findings.get(0).source())
        .contains("announce-maintenance-nxdi")
        .contains("2026-05-21");
  }

  @Test
  void staysSilentWhenTheBestPathIsGenerallyAvailable() {
    assertThat(
            rule.check(
                withToday(
                    model()
                        .family(Family.TRANSFORMER_DECODER)
                        .config(
                            "{\"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"]}")
                        .context(),
                    "trn2")))
        .isEmpty();
  }
}
