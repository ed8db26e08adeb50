package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Decoders are sized at a 4,096-token serving context unless the model or --seq-len says less. */
class ServingContextTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  private static Workload workload(String config, OptionalInt seq) throws IOException {
    var profile =
        new HfReader()
            .read(
                TestFiles.repoRoot().resolve("core/src/test/resources/configs").resolve(config),
                ReadLimits.DEFAULT);
    var opts =
        new WorkloadOptions(OptionalInt.empty(), seq, OptionalInt.empty(), Optional.empty(), 1.0);
    return INSPECTOR
        .report(profile, KB.defaultEdition(), Selection.ALL, opts, KB.hardware())
        .workload()
        .orElseThrow();
  }

  @Test
  void aLongContextModelIsSizedAt4096TokensAndTheFullContextIsOneLine() throws IOException {
    Workload w = workload("phi-3.5-mini", OptionalInt.empty());

    assertThat(w.sequenceLength()).contains(4096);
    assertThat(w.assumptions())
        .anySatisfy(
            a ->
                assertThat(a)
                    .contains("serving context of 4,096 tokens")
                    .contains("full context of 131,072 tokens"));
  }

  @Test
  void seqLenStillSetsTheContextAndDropsTheFullContextLine() throws IOException {
    Workload w = workload("phi-3.5-mini", OptionalInt.of(131_072));

    assertThat(w.sequenceLength()).contains(131_072);
    assertThat(w.assumptions()).noneSatisfy(a -> assertThat(a).contains("serving context"));
  }

  @Test
  void aModelWithAShorterMaximumKeepsItsOwn() throws IOException {
    assertThat(workload("tinyllama-1.1b", OptionalInt.empty()).sequenceLength()).contains(2048);
  }
}
