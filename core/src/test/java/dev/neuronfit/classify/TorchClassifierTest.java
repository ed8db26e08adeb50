package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.torch.TorchFixtures;
import dev.neuronfit.io.torch.TorchFixtures.Fact;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TorchClassifierTest {
  private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.load()::catalogue);

  static List<Fact> facts() {
    return TorchFixtures.facts();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("facts")
  void classifiesEveryFixtureWithEvidence(Fact fact) throws IOException {
    Classification c = CLASSIFIER.classify(TorchFixtures.read(fact.file()));

    assertThat(c.family().id()).as(c.evidence().toString()).isEqualTo(fact.family());
    assertThat(c.evidence()).isNotEmpty();
    if (c.isKnown()) {
      assertThat(c.confidence()).isGreaterThanOrEqualTo(0.6);
    }
  }

  @Test
  void aTransformersClassIsLookedUpInTheCatalogueByItsModelType() {
    Classification c =
        CLASSIFIER.classify(
            script("transformers.models.bert.modeling_bert.BertModel", List.of(), List.of()));

    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(c.confidence()).isEqualTo(0.85);
    assertThat(c.evidence().get(0).value())
        .isEqualTo("transformers.models.bert.modeling_bert.BertModel");
  }

  @Test
  void theOperatorsOutrankASubmodulesLibraryClass() {
    ModelProfile p =
        script(
            "Detector",
            List.of(
                node("roi_align", "torchvision"),
                node("nms", "torchvision"),
                node("conv2d", "aten"),
                node("conv2d", "aten"),
                node("conv2d", "aten")),
            List.of("backbone\ttorchvision.models.resnet.ResNet"));

    Classification c = CLASSIFIER.classify(p);

    assertThat(c.family()).isEqualTo(Family.R_CNN);
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).contains(Family.CNN);
  }

  @Test
  void fallsBackToAWordInTheRootClassName() {
    Classification c =
        CLASSIFIER.classify(script("__main__.TinyViT", List.of(node("relu", "aten")), List.of()));

    assertThat(c.family()).isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(c.confidence()).isEqualTo(0.6);
  }

  @Test
  void staysUnknownWithoutEvidenceAndSaysWhatItSaw() {
    Classification c =
        CLASSIFIER.classify(script("Model", List.of(node("relu", "aten")), List.of()));

    assertThat(c.isKnown()).isFalse();
    assertThat(c.evidence()).last().satisfies(e -> assertThat(e.value()).contains("aten::relu 1"));
  }

  @Test
  void aPickledWholeModelIsClassifiedByItsLibraryClasses() {
    ModelProfile p =
        new ModelProfile(
            "m.pt",
            ModelFormat.PYTORCH_CHECKPOINT,
            Framework.PYTORCH,
            WeightSummary.unknown("x"),
            List.of(new TensorInfo("a.weight", DType.F32, List.of(4L, 4L), 16, 64, "m/data.pkl")),
            Optional.empty(),
            Optional.empty(),
            List.of(
                new Hazard("pickle-import", "__main__.Net called with ()", "x"),
                new Hazard(
                    "pickle-import",
                    "torchvision.models.detection.mask_rcnn.MaskRCNN called with ()",
                    "y")),
            List.of());

    assertThat(CLASSIFIER.classify(p).family()).isEqualTo(Family.R_CNN);
  }

  private static OpNode node(String op, String domain) {
    return new OpNode("Model.forward line 1", op, domain, List.of(), List.of(), Map.of(), "");
  }

  private static ModelProfile script(String root, List<OpNode> nodes, List<String> modules) {
    List<String> tree = new ArrayList<>(List.of("\t" + root));
    tree.addAll(modules);
    Graph g =
        new Graph(
            Map.of(),
            "TorchScript archive version 3",
            Map.of("torchscript.root", root, "torchscript.modules", String.join("\n", tree)),
            List.of(),
            List.of(),
            nodes,
            Map.of(),
            Map.of());
    return new ModelProfile(
        "m.pt",
        ModelFormat.TORCHSCRIPT,
        Framework.PYTORCH,
        WeightSummary.unknown("x"),
        List.of(),
        Optional.empty(),
        Optional.of(g),
        List.of(),
        List.of());
  }
}
