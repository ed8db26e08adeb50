package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Section;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuidelineLinksTest {
  private static final Edition EDITION = KnowledgeBase.load().defaultEdition();

  @Test
  void aLabelledSectionLinksToItsLabelAsDocutilsSpellsIt() {
    Section s =
        new Section("Known Issues › Support of large models", Optional.of("2gb_protobuf_issue"));
    assertThat(GuidelineLinks.url(EDITION, s))
        .isEqualTo(EDITION.source().url() + "#gb-protobuf-issue");
    assertThat(GuidelineLinks.docutilsId("rcnn_limitations_inf1"))
        .isEqualTo("rcnn-limitations-inf1");
  }

  @Test
  void anUnlabelledSectionLinksToItsDeepestHeadingThatIsNotATargetName() {
    Section s =
        new Section(
            "Decoder models, or autoregressive models with Transformers › Inferentia",
            Optional.empty());
    assertThat(GuidelineLinks.fragment(EDITION, s))
        .isEqualTo("decoder-models-or-autoregressive-models-with-transformers");
    assertThat(
            GuidelineLinks.fragment(
                EDITION,
                new Section(
                    "Model Support Overview › AWS Inferentia (NeuronCore v1)", Optional.empty())))
        .isEqualTo("aws-inferentia-neuroncore-v1");
  }

  @Test
  void findingSourcesCitingTheEditionGiveTheirSection() {
    String cite = EDITION.source().cite();
    assertThat(GuidelineLinks.section(EDITION, cite + " § A › B [label_x]"))
        .contains(new Section("A › B", Optional.of("label_x")));
    assertThat(GuidelineLinks.section(EDITION, cite + " § Model Support Overview"))
        .contains(new Section("Model Support Overview", Optional.empty()));
    assertThat(GuidelineLinks.section(EDITION, "aws-neuron/aws-neuron-sdk@1.14.0:x.rst")).isEmpty();
    assertThat(GuidelineLinks.section(EDITION, "model-architecture-fit.rst@v0.0.0 § A")).isEmpty();
  }

  @Test
  void decadeLabelsOfTheRooflineAxes() {
    assertThat(RooflineSvg.decade(-2, false)).isEqualTo("0.01");
    assertThat(RooflineSvg.decade(0, false)).isEqualTo("1");
    assertThat(RooflineSvg.decade(4, false)).isEqualTo("10k");
    assertThat(RooflineSvg.decade(14, true)).isEqualTo("100 T");
    assertThat(RooflineSvg.decade(-5, true)).isEqualTo("1e-5");
  }
}
