package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static dev.neuronfit.rules.RuleFixtures.resnet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class RcnnBackboneSizeTest {
  private static final String BODY = "backbone.body.";

  private final Rule rule = new RcnnBackboneSize();

  @Test
  void isInformationalForAResNet50Backbone() {
    List<Finding> findings =
        rule.check(model().family(Family.R_CNN).tensors(resnet(BODY, true, 3, 4, 6, 3)).context());

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("rcnn-backbone-size");
    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .isEqualTo("ResNet-50 backbone (blocks per stage [3, 4, 6, 3], bottleneck blocks)");
    assertThat(f.message()).contains("ResNet-50").contains("gains most");
    assertThat(f.source()).contains("[rcnn_limitations_inf1]");
  }

  @Test
  void isInformationalForAResNet101Backbone() {
    Finding f =
        rule.check(model().family(Family.R_CNN).tensors(resnet(BODY, true, 3, 4, 23, 3)).context())
            .get(0);

    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.observed()).startsWith("ResNet-101 backbone").contains("[3, 4, 23, 3]");
  }

  @Test
  void warnsForASmallResNet18Backbone() {
    Finding f =
        rule.check(model().family(Family.R_CNN).tensors(resnet(BODY, false, 2, 2, 2, 2)).context())
            .get(0);

    assertThat(f.rule()).isEqualTo("rcnn-backbone-size");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .isEqualTo("ResNet-18 backbone (blocks per stage [2, 2, 2, 2], basic blocks)");
    assertThat(f.message()).contains("ResNet-18").contains("small");
  }

  @Test
  void doesNotFireWhenNoResNetBackboneIsFound() {
    assertThat(
            rule.check(
                model()
                    .family(Family.R_CNN)
                    .tensors(
                        "backbone.bottom_up.res2.0.conv1.weight", "roi_heads.box_head.fc1.weight")
                    .context()))
        .isEmpty();
  }

  @Test
  void doesNotFireForAResNetClassifier() {
    assertThat(
            rule.check(model().family(Family.CNN).tensors(resnet("", true, 3, 4, 6, 3)).context()))
        .isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(
            rule.check(
                model()
                    .family(Family.R_CNN)
                    .tensors(resnet(BODY, false, 2, 2, 2, 2))
                    .targets("trn1")
                    .context()))
        .isEmpty();
  }
}
