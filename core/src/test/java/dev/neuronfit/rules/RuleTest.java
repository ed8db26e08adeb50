package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.kb.Section;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleTest {
  /** A rule that reports one finding citing {@code cited}, or its default source when null. */
  private static final class Probe extends Rule {
    private final Section cited;

    Probe(List<Section> sections, List<String> documents, Section cited) {
      super(
          new RuleInfo(
              "probe-rule",
              "A rule for testing the base",
              Severity.WARNING,
              List.of(),
              List.of(),
              List.of(),
              sections,
              documents,
              "0.0.0"));
      this.cited = cited;
    }

    @Override
    public List<Finding> check(RuleContext ctx) {
      return List.of(
          (cited == null ? finding(ctx) : finding(ctx, cited))
              .message("m")
              .observed("o")
              .guideline("g")
              .advice("a")
              .build());
    }
  }

  @Test
  void aFindingCarriesTheRulesIdAndSeverityAndCitesItsFirstSectionInTheEdition() {
    Finding f =
        new Probe(
                List.of(GuidelineSections.RCNN_INF1, GuidelineSections.DECODER_INF1),
                List.of("a document"),
                null)
            .check(model().context())
            .get(0);

    assertThat(f.rule()).isEqualTo("probe-rule");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).isEmpty();
    assertThat(f.source())
        .contains("@v2.11.0")
        .endsWith(" § Region-based CNN (R-CNN) models › Inferentia [rcnn_limitations_inf1]");
  }

  @Test
  void aFindingCanCiteAnotherOfTheRulesSections() {
    Finding f =
        new Probe(
                List.of(GuidelineSections.RCNN_INF1, GuidelineSections.DECODER_INF1),
                List.of(),
                GuidelineSections.DECODER_INF1)
            .check(model().context())
            .get(0);

    assertThat(f.source()).endsWith(GuidelineSections.DECODER_INF1.cite());
  }

  @Test
  void aRuleWithoutSectionsCitesItsDocuments() {
    Finding f =
        new Probe(List.of(), List.of("Document A", "Document B"), null)
            .check(model().context())
            .get(0);

    assertThat(f.source()).isEqualTo("Document A; Document B");
  }

  @Test
  void aFindingCannotCiteASectionTheRuleDoesNotName() {
    Rule r =
        new Probe(
            List.of(GuidelineSections.RCNN_INF1),
            List.of(),
            new Section("Somewhere else", Optional.empty()));

    assertThatThrownBy(() -> r.check(model().context()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probe-rule does not cite Somewhere else");
  }

  @Test
  void aRuleMustCiteSomething() {
    assertThatThrownBy(() -> new Probe(List.of(), List.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cites no section and no document");
  }
}
