package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExpertsTest {
  // Mixtral-8x7B: 8 routed experts, top-2
  private final TransformerPhases.Experts mixtral =
      new TransformerPhases.Experts(80_000_000_000L, 8, 2);

  @Test
  void oneTokenReadsItsTopKExperts() {
    assertThat(mixtral.distinct(1)).isCloseTo(2, within(1e-12));
    // dense 10 GB plus 2 of 8 experts' 80 GB
    assertThat(mixtral.weightsRead(90_000_000_000L, 1)).isEqualTo(30_000_000_000L);
  }

  @Test
  void manyTokensApproachEveryExpert() {
    // 8 × (1 − 0.75^2) = 3.5 for two tokens
    assertThat(mixtral.distinct(2)).isCloseTo(3.5, within(1e-12));
    assertThat(mixtral.distinct(4096)).isCloseTo(8, within(1e-9));
    assertThat(mixtral.weightsRead(90_000_000_000L, 4096)).isCloseTo(90_000_000_000L, within(1L));
  }

  @Test
  void aDenseModelReadsAllItsWeights() {
    assertThat(TransformerPhases.Experts.NONE.weightsRead(1234, 1)).isEqualTo(1234);
  }
}
