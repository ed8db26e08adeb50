package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The on-chip memory per NeuronCore is loaded with its source and named in the likely line. */
class OnChipMemoryTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();

  private static Hardware.Chip chip(String target) {
    return KB.hardware().target(target).orElseThrow().chip();
  }

  @Test
  void neuronCoreV2HasTheSbufOfItsArchitectureGuide() {
    Hardware.Chip inf2 = chip("inf2");
    assertThat(inf2.onChipMemoryPerCoreMiB()).containsEntry("SBUF", 24.0);
    assertThat(inf2.onChipBytesPerCore()).isEqualTo(24L << 20);
    assertThat(inf2.onChipMemorySource()).contains("trainium_inferentia2_arch.rst");
  }

  @Test
  void aLogicalTrainium2CoreHoldsBothPhysicalCoresOnChipMemory() {
    Hardware.Chip trn2 = chip("trn2");
    assertThat(trn2.onChipMemoryPerCoreMiB())
        .containsEntry("SBUF", 28.0)
        .containsEntry("PSUM", 2.0);
    // default LNC 2: one logical core is two physical ones
    assertThat(trn2.onChipBytesPerCore()).isEqualTo(60L << 20);
    assertThat(trn2.onChipMemorySource()).contains("trainium2_arch.rst");
  }

  @Test
  void inferentiaOneHasNoSizeAndSaysWhy() {
    Hardware.Chip inf1 = chip("inf1");
    assertThat(inf1.onChipMemoryPerCoreMiB()).isEmpty();
    assertThat(inf1.onChipBytesPerCore()).isZero();
    assertThat(inf1.onChipMemorySource()).contains("no published size");
  }

  @Test
  void theLikelyActivationsLineNamesEachTargetsOnChipMemory() throws IOException {
    var profile = new HfReader().read(TestFiles.examples().resolve("gpt2"), ReadLimits.DEFAULT);
    Report r =
        new Inspector(KB, ReadLimits.DEFAULT).report(profile, KB.defaultEdition(), Selection.ALL);
    assertThat(r.workload().orElseThrow().assumptions())
        .anySatisfy(
            a ->
                assertThat(a)
                    .contains("activations crossing layers")
                    .contains("inf2 SBUF 24 MiB")
                    .contains("trn2 SBUF 28 MiB + PSUM 2 MiB")
                    .contains("inf1 no published size"));
  }
}
