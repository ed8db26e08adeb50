package dev.neuronfit.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.neuronfit.kb.Hardware;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RooflineTest {
  private static final Hardware HW = KnowledgeBase.load().hardware();
  private static final double GIB = 1024.0 * 1024 * 1024;

  private static Workload work(double flops, long weightBytes, long kvBytes, String phase) {
    return new Workload(
        1,
        Optional.of(128),
        Optional.empty(),
        DType.BF16,
        List.of(new Phase(phase, flops, weightBytes + kvBytes, 1)),
        Map.of(),
        weightBytes,
        0,
        kvBytes,
        "test",
        List.of());
  }

  @Test
  void boundFollowsTheBalancePoint() {
    Hardware.TargetHardware inf2 = HW.target("inf2").orElseThrow();
    double balance = 190e12 / (820 * GIB);
    // both NeuronCores of one chip: the chip's whole peak and bandwidth
    TargetEstimate low =
        Roofline.of(
            work(balance * 0.5 * 1e9, (long) 1e9, 0, "inference"),
            inf2,
            1.0,
            Optional.of("inf2.xlarge"),
            OptionalInt.empty());
    TargetEstimate high =
        Roofline.of(
            work(balance * 2 * 1e9, (long) 1e9, 0, "inference"),
            inf2,
            1.0,
            Optional.of("inf2.xlarge"),
            OptionalInt.empty());
    assertThat(high.phases())
        .singleElement()
        .extracting(PhaseBound::placement)
        .isEqualTo("requested");
    assertThat(low.balancePoint()).isCloseTo(balance, within(0.01));
    assertThat(low.phases().get(0).bound()).isEqualTo("memory");
    assertThat(high.phases().get(0).bound()).isEqualTo("compute");
    // compute-bound: latency = flops / peak
    assertThat(high.phases().get(0).latencyLowerBoundSeconds())
        .isCloseTo(balance * 2 * 1e9 / 190e12, within(1e-12));
  }

  @Test
  void efficiencyScalesTheBoundsDown() {
    Hardware.TargetHardware trn1 = HW.target("trn1").orElseThrow();
    Workload w = work(1e12, (long) 1e9, 0, "inference");
    double full = Roofline.of(w, trn1, 1.0).phases().get(0).latencyLowerBoundSeconds();
    double half = Roofline.of(w, trn1, 0.5).phases().get(0).latencyLowerBoundSeconds();
    assertThat(half).isCloseTo(2 * full, within(1e-12));
  }

  @Test
  void inf1UsesItsBf16PeakAndTwoGibPerCore() {
    Hardware.TargetHardware inf1 = HW.target("inf1").orElseThrow();
    Workload w =
        new Workload(
            1,
            Optional.empty(),
            Optional.empty(),
            DType.F32,
            List.of(new Phase("inference", 1e9, 1e6, 1)),
            Map.of(),
            (long) (3 * GIB),
            0,
            0,
            "test",
            List.of());
    TargetEstimate e = Roofline.of(w, inf1, 1.0);
    assertThat(e.peakFlopsPerChip()).isEqualTo(64e12);
    assertThat(e.peakBasis()).contains("BF16");
    assertThat(e.sizing().neuronCores()).isEqualTo(2);
    assertThat(e.sizing().instance()).hasValue("inf1.xlarge");
  }

  @Test
  void sizingPicksTheSmallestInstanceThatHoldsWeightsAndKvCacheWithASupportedDegree() {
    Hardware.TargetHardware inf2 = HW.target("inf2").orElseThrow();
    // 70 GiB: five 16 GiB cores; Inf2 supports 2, 4, 8, 12, 24: degree 8 needs inf2.24xlarge (12
    // cores)
    Sizing s = Roofline.size(work(1e12, (long) (60 * GIB), (long) (10 * GIB), "decode"), inf2);
    assertThat(s.neuronCores()).isEqualTo(5);
    assertThat(s.tensorParallelDegree()).hasValue(8);
    assertThat(s.instance()).hasValue("inf2.24xlarge");
    assertThat(s.deviceMemoryBytesNeeded()).isEqualTo((long) (70 * GIB));
  }

  @Test
  void nothingHoldsAModelLargerThanTheBiggestInstance() {
    Hardware.TargetHardware trn1 = HW.target("trn1").orElseThrow();
    Sizing s = Roofline.size(work(1e12, (long) (600 * GIB), 0, "decode"), trn1);
    assertThat(s.instance()).isEmpty();
    // no placement holds it, so no bound is computed on chips no instance has
    TargetEstimate e = Roofline.of(work(1e12, (long) (600 * GIB), 0, "decode"), trn1, 1.0);
    assertThat(e.phases()).isEmpty();
    assertThat(e.sizing().notes())
        .anyMatch(n -> n.startsWith("no bound on the fastest placement, trn1n.32xlarge on 32"));
  }

  @Test
  void defaultPlacementsAreTheSmallestInstanceAndTheFastest() {
    Hardware.TargetHardware inf2 = HW.target("inf2").orElseThrow();
    // 20 GiB: two 16 GiB cores, TP 2 on inf2.xlarge; fastest is inf2.48xlarge at TP 24
    TargetEstimate e = Roofline.of(work(1e9, (long) (20 * GIB), 0, "decode"), inf2, 1.0);
    assertThat(e.phases())
        .extracting(PhaseBound::placement, b -> b.instance().orElseThrow(), PhaseBound::neuronCores)
        .containsExactly(
            tuple("smallest", "inf2.xlarge", 2), tuple("fastest", "inf2.48xlarge", 24));
    // memory bound: bandwidth summed over the cores, 12 chips against 1
    assertThat(
            e.phases().get(0).latencyLowerBoundSeconds()
                / e.phases().get(1).latencyLowerBoundSeconds())
        .isCloseTo(12, within(1e-9));
  }

  @Test
  void aRequestedDegreeSplitsTheModelOverThatManyCores() {
    Hardware.TargetHardware inf2 = HW.target("inf2").orElseThrow();
    Workload w = work(1e9, (long) (13.5 * GIB), 0, "decode");
    PhaseBound b =
        Roofline.of(w, inf2, 1.0, Optional.of("inf2.48xlarge"), OptionalInt.of(8)).phases().get(0);
    assertThat(b.neuronCores()).isEqualTo(8);
    assertThat(b.chips()).isEqualTo(4);
    assertThat(b.latencyLowerBoundSeconds()).isCloseTo(13.5 * GIB / (4 * 820 * GIB), within(1e-12));
    // three copies of an 8-core placement fit on the 24 cores
    assertThat(b.throughputPerInstanceUpperBound())
        .isCloseTo(3 * b.throughputUpperBoundPerSecond(), within(1e-6));
  }

  @Test
  void pipelineRuleOfThumbForInf1() {
    // 110 M BF16 weights: 4 x round(110e6 / 2e7) = 4 x 6 = 24 cores (neuroncore-pipeline.rst)
    Sizing s =
        Roofline.size(work(1e9, 220_000_000L, 0, "inference"), HW.target("inf1").orElseThrow());
    assertThat(s.pipelineCores()).hasValue(24);
    assertThat(s.notes()).noneMatch(n -> n.contains("cannot all stay on chip"));
  }

  @Test
  void pipelineRuleBeyondTheLargestInf1InstanceSaysSo() {
    // 6.74 B BF16 weights (Llama-2-7B): 4 x round(6.74e9 / 2e7) = 4 x 337 = 1348 cores; the
    // largest inf1 instance has 64
    Sizing s =
        Roofline.size(work(1e9, 13_476_831_232L, 0, "inference"), HW.target("inf1").orElseThrow());
    assertThat(s.pipelineCores()).hasValue(1348);
    assertThat(s.notes())
        .anyMatch(n -> n.contains("1348 cores") && n.contains("more than the 64 of the largest"));
  }
}
