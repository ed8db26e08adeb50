package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SupportNowTest {
  private final KnowledgeBase kb = KnowledgeBase.load();

  @Test
  void everyStackStatusListingAndLimitHasAPublicSourceAndADate() {
    SupportNow now = kb.supportNow();
    List<DatedSource> all = new ArrayList<>();
    all.add(now.snapshot().source());
    now.targets().forEach(t -> all.add(t.source()));
    for (SupportNow.Stack s : now.stacks()) {
      assertThat(s.status()).as(s.id()).isNotEmpty();
      s.status().forEach(c -> all.add(c.source()));
      s.architectures().forEach(l -> all.add(l.source()));
      s.quantization().forEach(q -> all.add(q.source()));
      s.limits().forEach(l -> all.add(l.source()));
      s.unsupportedQuantization().forEach(l -> all.add(l.source()));
    }
    assertThat(all).allSatisfy(SupportNowTest::isPublicAndDated);
    assertThat(LocalDate.parse(now.snapshot().date()))
        .isAfterOrEqualTo(LocalDate.parse(now.snapshot().neuronDate()));
  }

  @Test
  void everyHardwareFigureOfTheBuiltInFileHasAPublicSourceAndADate() {
    Hardware hw = kb.hardware();
    assertThat(hw.targetIds()).contains("trn2", "trn3");
    for (String id : hw.targetIds()) {
      Hardware.TargetHardware t = hw.target(id).orElseThrow();
      assertThat(t.chip().sources()).as(id + " chip").isNotEmpty();
      t.chip().sources().forEach(SupportNowTest::isPublicAndDated);
      assertThat(t.instances()).as(id).isNotEmpty();
      for (Hardware.Instance i : t.instances()) {
        assertThat(i.sources()).as(i.name()).isNotEmpty();
        i.sources().forEach(SupportNowTest::isPublicAndDated);
      }
    }
    for (String id : List.of("trn2", "trn3")) {
      Hardware.TargetHardware t = hw.target(id).orElseThrow();
      assertThat(t.tensorParallelSource()).as(id).isPresent();
      assertThat(t.chip().lnc()).extracting(Hardware.Lnc::lnc).containsExactly(1, 2);
      assertThat(t.chip().defaultLncConfig()).isPresent();
      assertThat(t.chip().onChipMemoryPerCoreMiB()).containsKeys("SBUF", "PSUM");
    }
  }

  @Test
  void trainiumFiguresAreTheArchitecturePagesOnes() {
    Hardware.Chip trn2 = kb.hardware().target("trn2").orElseThrow().chip();
    assertThat(trn2.peakTflops()).containsEntry("F8_E4M3", 1299.0).containsEntry("BF16", 667.0);
    assertThat(trn2.peakTflops()).doesNotContainKey("MXFP4");
    assertThat(trn2.deviceMemoryBytes()).isEqualTo(96L << 30);
    assertThat(trn2.bandwidthBytesPerSecond()).isEqualTo(2.9e12);
    Hardware.Chip trn3 = kb.hardware().target("trn3").orElseThrow().chip();
    assertThat(trn3.peakTflops()).containsEntry("MXFP4", 2517.0).containsEntry("BF16", 671.0);
    assertThat(trn3.deviceMemoryBytes()).isEqualTo(144L << 30);
    assertThat(kb.hardware().target("trn2").orElseThrow().instances())
        .extracting(Hardware.Instance::name)
        .startsWith("trn2.3xlarge")
        .contains("trn2.48xlarge", "trn2u.48xlarge", "Trn2 UltraServer");
  }

  @Test
  void aStatusWithoutASourceIsRejected() throws Exception {
    JsonNode root =
        new ObjectMapper()
            .readTree(
                """
                {"snapshot": {"date": "2026-12-06", "neuron": "2.34.0", "neuronDate": "2026-11-30",
                  "source": {"url": "https://example.org/r", "date": "2026-11-30"}},
                 "targets": [],
                 "stacks": [{"id": "x", "name": "X", "package": "x", "targets": ["trn2"],
                   "status": [{"status": "beta", "neuron": "2.33", "date": "2026-10-19"}]}]}
                """);
    assertThatThrownBy(() -> SupportNow.parse(root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source");
  }

  @Test
  void aSourceWithoutADateIsRejected() {
    assertThatThrownBy(() -> new DatedSource("https://example.org", "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("date");
  }

  @Test
  void nxdInferenceIsEndOfSupportOnTrainium2ButMaintenanceOnInferentia2() {
    SupportNow.Stack nxdi = kb.supportNow().stack("nxd-inference").orElseThrow();
    assertThat(nxdi.statusOn("trn2").orElseThrow().status()).isEqualTo(StackStatus.END_OF_SUPPORT);
    assertThat(nxdi.statusOn("inf2").orElseThrow().status()).isEqualTo(StackStatus.MAINTENANCE);
    assertThat(nxdi.statusOn("inf1")).isEmpty();
    assertThat(
            kb.supportNow()
                .stack("vllm-neuron")
                .orElseThrow()
                .listing(List.of("LlamaForCausalLM"), Optional.of("llama"), "trn2"))
        .isPresent();
  }

  private static void isPublicAndDated(DatedSource s) {
    assertThat(s.url()).as(s.cite()).startsWith("https://").doesNotContain("shared/");
    assertThat(LocalDate.parse(s.date())).as(s.cite()).isNotNull();
  }
}
