package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnowledgeBaseTest {
  private final KnowledgeBase kb = KnowledgeBase.load();

  @Test
  void shipsThreeEditionsAndDefaultsToTheNewest() {
    assertThat(kb.editionIds()).containsExactly("2.5.0", "2.9.0", "2.11.0");
    assertThat(kb.defaultEditionId()).isEqualTo("2.11.0");
    assertThat(kb.edition("2.4.0")).isEmpty();
  }

  @Test
  void edition250RatesInf1AndTrn1AndLaterEditionsAddInf2() {
    assertThat(kb.edition("2.5.0").orElseThrow().targetIds()).containsExactly("inf1", "trn1");
    assertThat(kb.edition("2.9.0").orElseThrow().targetIds())
        .containsExactly("inf1", "trn1", "inf2");
    assertThat(kb.edition("2.11.0").orElseThrow().targetIds())
        .containsExactly("inf1", "trn1", "inf2");
  }

  @Test
  void everyTableHasOneRowPerGuidelineFamilyInThePagesOrder() {
    List<Family> families =
        Arrays.stream(Family.values()).filter(f -> f != Family.UNKNOWN).toList();
    for (String id : kb.editionIds()) {
      for (FitTable t : kb.edition(id).orElseThrow().tables()) {
        assertThat(t.rows())
            .extracting(FitRow::family)
            .as(id + " " + t.id())
            .containsExactlyElementsOf(families);
      }
    }
  }

  @Test
  void everyFamilyHasGuidanceOnEveryTargetCitingASection() {
    for (String id : kb.editionIds()) {
      Edition e = kb.edition(id).orElseThrow();
      for (Target t : e.targets()) {
        for (Family f : Family.values()) {
          assertThat(e.guidance(f, t)).as(id + " " + t.id() + " " + f).isNotEmpty();
        }
      }
      assertThat(e.guidance()).allSatisfy(g -> assertThat(g.section().title()).isNotBlank());
    }
  }

  @Test
  void inferentia2GetsOnlyTheInferenceColumnsOfTheSharedTable() {
    Edition e = kb.edition("2.11.0").orElseThrow();
    Target inf2 = e.target("inf2").orElseThrow();
    assertThat(inf2.useCases()).containsExactly(UseCase.INFERENCE);
    assertThat(e.table(inf2)).isSameAs(e.table(e.target("trn1").orElseThrow()));
  }

  @Test
  void edition2110AddsVisionTransformerAndDiffusionInferenceSupport() {
    FitRow vit29 =
        kb.edition("2.9.0")
            .orElseThrow()
            .tables()
            .get(0)
            .row(Family.VISION_TRANSFORMER)
            .orElseThrow();
    FitRow vit211 =
        kb.edition("2.11.0")
            .orElseThrow()
            .tables()
            .get(0)
            .row(Family.VISION_TRANSFORMER)
            .orElseThrow();
    assertThat(vit29.support().get(1)).isEqualTo(SupportStatus.ROADMAP);
    assertThat(vit211.support().get(1)).isEqualTo(SupportStatus.SUPPORTED);
    FitRow inf1Vit =
        kb.edition("2.11.0")
            .orElseThrow()
            .tables()
            .get(1)
            .row(Family.VISION_TRANSFORMER)
            .orElseThrow();
    assertThat(inf1Vit.support().get(0)).isEqualTo(SupportStatus.SUPPORTED);
  }

  @Test
  void everyEditionStatesThe2GbProtobufLimitForInf1() {
    for (String id : kb.editionIds()) {
      KnownIssue k = kb.edition(id).orElseThrow().knownIssue("large-models-2gb").orElseThrow();
      assertThat(k.limitBytes()).hasValue(2L * 1024 * 1024 * 1024);
      assertThat(k.targets()).containsExactly("inf1");
      assertThat(k.packages()).containsExactly("torch-neuron", "tensorflow-neuron-tf1");
      assertThat(k.section().anchor()).hasValue("2gb_protobuf_issue");
    }
  }

  @Test
  void editionsCiteTheReleaseTagOfTheirPage() {
    assertThat(kb.edition("2.5.0").orElseThrow().source().url())
        .isEqualTo(
            "https://github.com/aws-neuron/aws-neuron-sdk/blob/v2.5.0/general/arch/model-architecture-fit.rst");
    assertThat(kb.edition("2.11.0").orElseThrow().source().cite())
        .isEqualTo("model-architecture-fit.rst@v2.11.0");
  }
}
