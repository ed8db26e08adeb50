package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static dev.neuronfit.rules.TodayFixtures.withToday;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetFrozenTest {
  private final Rule rule = new TargetFrozen();

  @Test
  void firesForInf1AndCitesTheAnnouncement() {
    List<Finding> findings =
        rule.check(withToday(model().family(Family.CNN).context(), "inf1", "inf2"));

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.target()).contains("inf1");
    assertThat(f.message()).contains("frozen").contains("2.27");
    assertThat(f.source())
        .contains("announce-eos-inf1-virtual-environments")
        .contains("2025-12-18");
  }

  @Test
  void staysSilentWhenInf1IsNotSelected() {
    assertThat(rule.check(withToday(model().family(Family.CNN).context(), "inf2", "trn2")))
        .isEmpty();
  }
}
