package dev.neuronfit.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole pipeline on the Llama-2-7b config of the examples (6.74 B parameters, 32 layers,
 * hidden size 4096, 4096 tokens of context) at growing batch sizes, so that the KV cache alone
 * outgrows first inf1's largest instance and then every target.
 */
class NoInstanceHoldsModelTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();

  private static Report llama(int batch) throws IOException {
    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    ModelLocator.Located m =
        inspector.locate(TestFiles.repoRoot().resolve("examples/llama-2-7b")).get(0);
    WorkloadOptions opts =
        new WorkloadOptions(
            OptionalInt.of(batch), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), 1.0);
    return inspector.inspect(m, KB.defaultEdition(), Selection.ALL, opts, KB.hardware());
  }

  private static List<Finding> findings(Report r) {
    return r.findings().stream().filter(f -> f.rule().equals("no-instance-holds-model")).toList();
  }

  @Test
  void doesNotFireWhenEveryTargetHasAnInstanceThatHoldsTheModel() throws IOException {
    Report r = llama(1);
    assertThat(r.estimates()).isNotEmpty();
    assertThat(r.estimates().values())
        .allSatisfy(t -> assertThat(t.sizing().instance()).isPresent());
    assertThat(findings(r)).isEmpty();
  }

  @Test
  void firesForInf1AloneWhenTheKvCacheOutgrowsItsLargestInstance() throws IOException {
    // batch 64: 13.5 GB of weights + 64 x 32 layers x 4096 tokens x 4096 x 2 (K, V) x 2 bytes
    Report r = llama(64);
    long kv = r.workload().orElseThrow().kvCacheBytes();
    assertThat(kv).isEqualTo(64L * 32 * 4096 * 4096 * 2 * 2);
    assertThat(r.estimates().get("inf1").sizing().instance()).isEmpty();
    assertThat(r.estimates().get("inf2").sizing().instance()).isPresent();

    Finding f =
        findings(r).stream()
            .filter(x -> x.target().equals(Optional.of("inf1")))
            .findFirst()
            .orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.observed())
        .contains("KV cache " + Quantities.bytes(kv) + " at batch 64 and 4096 tokens")
        .contains("the largest instance, inf1.24xlarge, has 128 GiB of device memory");
    assertThat(f.advice())
        .startsWith("Move to a target where it fits: ")
        .contains(r.estimates().get("inf2").sizing().instance().get() + " (inf2)");
    assertThat(findings(r)).extracting(x -> x.target().orElseThrow()).containsOnly("inf1");
  }

  @Test
  void firesForEveryTargetWhenNoTensorParallelDegreeIsLargeEnough() throws IOException {
    // batch 256: about 563 GB, 33 NeuronCores of 16 GiB: over Inf2's 24 and Trn1's 32; trn2's
    // 64 logical cores of 24 GiB and trn3's hold it
    Report r = llama(256);
    assertThat(findings(r))
        .extracting(x -> x.target().orElseThrow())
        .containsExactlyInAnyOrder("inf1", "trn1", "inf2");
    Finding inf2 =
        findings(r).stream()
            .filter(x -> x.target().equals(Optional.of("inf2")))
            .findFirst()
            .orElseThrow();
    assertThat(inf2.observed())
        .contains("more than the largest supported tensor-parallel degree 24");
    // trn2 and trn3 hold it, so the advice now names them first
    assertThat(inf2.advice())
        .startsWith("Move to a target where it fits: trn2.48xlarge (trn2)")
        .contains("lower the batch size");
  }

  @Test
  void firesOnInf2AndTrn1ForDeepSeekV3SizedFromItsConfig() throws IOException {
    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    ModelLocator.Located m =
        inspector
            .locate(TestFiles.repoRoot().resolve("core/src/test/resources/configs/deepseek-v3"))
            .get(0);
    Report r = inspector.inspect(m, KB.defaultEdition(), Selection.ALL);

    assertThat(r.model().weights().parameters().getAsLong()).isGreaterThan(670_000_000_000L);
    assertThat(findings(r)).extracting(f -> f.target().orElse("")).contains("inf2", "trn1");
  }
}
