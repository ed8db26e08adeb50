package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class RcnnDetectron2NotTraceableTest {
  private final Rule rule = new RcnnDetectron2NotTraceable();

  private List<Finding> rcnn(String... names) {
    return rule.check(model().family(Family.R_CNN).tensors(names).context());
  }

  @Test
  void firesOnDetectron2BottomUpBackboneNames() {
    List<Finding> findings =
        rcnn("pixel_mean", "backbone.bottom_up.stem.conv1.weight", "roi_heads.box_head.fc1.weight");

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("rcnn-detectron2-not-traceable");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .isEqualTo("Detectron2 module names, e.g. backbone.bottom_up.stem.conv1.weight");
    assertThat(f.source()).contains("[rcnn_limitations_inf1]");
  }

  @Test
  void firesOnDetectron2ProposalGeneratorNames() {
    Finding f = rcnn("proposal_generator.rpn_head.conv.weight").get(0);

    assertThat(f.observed()).contains("proposal_generator.rpn_head.conv.weight");
  }

  @Test
  void firesOnDetectron2FpnLateralNames() {
    Finding f = rcnn("backbone.fpn_lateral2.weight").get(0);

    assertThat(f.observed()).contains("backbone.fpn_lateral2.weight");
  }

  @Test
  void doesNotFireOnTorchvisionNames() {
    assertThat(
            rcnn(
                "backbone.body.layer1.0.conv1.weight",
                "backbone.fpn.inner_blocks.0.0.weight",
                "backbone.fpn.layer_blocks.0.0.weight",
                "rpn.head.conv.0.0.weight",
                "roi_heads.box_head.fc6.weight"))
        .isEmpty();
  }

  @Test
  void doesNotFireForAnotherFamily() {
    assertThat(
            rule.check(
                model()
                    .family(Family.CNN)
                    .tensors("backbone.bottom_up.stem.conv1.weight")
                    .context()))
        .isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(
            rule.check(
                model()
                    .family(Family.R_CNN)
                    .tensors("proposal_generator.rpn_head.conv.weight")
                    .targets("trn1", "inf2")
                    .context()))
        .isEmpty();
  }
}
