package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static dev.neuronfit.testing.Graphs.graph;
import static dev.neuronfit.testing.Graphs.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class RcnnRoiAlignCpuTest {
  private static final String[] TORCHVISION_HEADS = {
    "backbone.body.layer1.0.conv1.weight",
    "rpn.head.conv.0.0.weight",
    "roi_heads.box_head.fc6.weight",
    "roi_heads.box_head.fc7.weight",
    "roi_heads.box_predictor.cls_score.weight"
  };

  private final Rule rule = new RcnnRoiAlignCpu();

  private List<Finding> rcnn(String config) {
    return rule.check(
        model().family(Family.R_CNN).config(config).tensors(TORCHVISION_HEADS).context());
  }

  @Test
  void warnsWhenTheConfigKeeps100BoxesPerImage() {
    List<Finding> findings = rcnn("{\"box_detections_per_img\": 100}");

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("rcnn-roi-align-cpu");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .isEqualTo(
            "3 RoI-head tensors (roi_heads.*); up to 100 detections per image"
                + " (box_detections_per_img)");
    assertThat(f.message()).contains("up to 100 boxes");
    assertThat(f.source()).contains("[rcnn_limitations_inf1]");
  }

  @Test
  void warnsForMoreThan100Boxes() {
    Finding f = rcnn("{\"max_detections\": 300}").get(0);

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.observed()).contains("up to 300 detections per image (max_detections)");
  }

  @Test
  void isOnlyInformationalUnder100Boxes() {
    Finding f = rcnn("{\"detections_per_img\": 99}").get(0);

    assertThat(f.rule()).isEqualTo("rcnn-roi-align-cpu");
    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed()).contains("up to 99 detections per image (detections_per_img)");
    assertThat(f.message()).contains("at most 99 boxes");
  }

  @Test
  void warnsWhenTheDetectionsPerImageAreNotStated() {
    Finding f = rule.check(model().family(Family.R_CNN).context()).get(0);

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.observed()).isEqualTo("an R-CNN (see evidence); detections per image not stated");
  }

  @Test
  void countsTheRoiAlignNodesOfAGraphModel() {
    Finding f =
        rule.check(model().family(Family.R_CNN).onnx("maskrcnn_tiny.onnx").context()).get(0);

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.observed())
        .startsWith(
            "2 RoiAlign nodes (/roi_heads/box_roi_pool/RoiAlign, /roi_heads/mask_roi_pool/RoiAlign)")
        .contains("RoI-head tensors (roi_heads.*)");
  }

  @Test
  void firesOnRoiAlignNodesEvenWhenTheFamilyIsNotRcnn() {
    Finding f =
        rule.check(
                model()
                    .family(Family.CNN)
                    .graph(graph("", node("conv", "Conv"), node("roi", "RoiAlign")))
                    .context())
            .get(0);

    assertThat(f.observed()).isEqualTo("1 RoiAlign node (roi); detections per image not stated");
  }

  @Test
  void saysWhenAnRcnnGraphHasNoRoiAlignNode() {
    Finding f =
        rule.check(model().family(Family.R_CNN).graph(graph("", node("conv", "Conv"))).context())
            .get(0);

    assertThat(f.observed()).startsWith("no RoiAlign node in the graph");
  }

  @Test
  void doesNotFireForAPlainCnn() {
    assertThat(
            rule.check(
                model()
                    .family(Family.CNN)
                    .config("{\"box_detections_per_img\": 100}")
                    .tensors(TORCHVISION_HEADS)
                    .context()))
        .isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(
            rule.check(
                model()
                    .family(Family.R_CNN)
                    .tensors(TORCHVISION_HEADS)
                    .targets("trn1", "inf2")
                    .context()))
        .isEmpty();
  }
}
