package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static dev.neuronfit.testing.Graphs.domain;
import static dev.neuronfit.testing.Graphs.graph;
import static dev.neuronfit.testing.Graphs.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuFallbackOnInf1Test {
  private final Rule rule = new CpuFallbackOnInf1();

  @Test
  void warnsWhenAFifthOfAnRcnnWouldRunOnTheCpu() {
    List<Finding> findings = rule.check(model().onnx("fasterrcnn_tiny.onnx").context());

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("cpu-fallback-on-inf1");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.message())
        .contains("would run on the CPU on inf1")
        .contains("not on the neuron-cc ONNX list")
        .contains("the guideline places them on the CPU");
    assertThat(f.observed())
        .startsWith("RoiAlign ×1 (CPU by guideline), Shape ×44")
        .contains("inside If/Loop/Scan bodies")
        .contains("neuron-cc ONNX list as of 2021-05-28 (Neuron 1.14.0), 68 operators");
    assertThat(f.advice()).contains("torch.neuron.analyze_model").contains("withdrawn");
    assertThat(f.source())
        .isEqualTo(
            "aws-neuron/aws-neuron-sdk@1.14.0:release-notes/neuron-cc-ops/neuron-cc-ops-onnx.rst"
                + " (as of 2021-05-28)");
  }

  @Test
  void isOnlyInformationalWhenFewNodesFallBack() {
    Finding f = rule.check(model().onnx("vit_tiny.onnx").context()).get(0);

    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.message()).startsWith("8 of 135 counted nodes (5.9%)");
    assertThat(f.message()).doesNotContain("guideline");
    assertThat(f.observed()).startsWith("Erf ×2, Shape ×2");
  }

  @Test
  void namesOperatorsOfOtherDomains() {
    Finding f =
        rule.check(
                model()
                    .graph(
                        graph(
                            "onnxruntime.transformers",
                            node("mm", "MatMul"),
                            domain("com.microsoft", "a", "Attention")))
                    .context())
            .get(0);

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.observed()).startsWith("com.microsoft::Attention ×1 (other domain)");
  }

  @Test
  void doesNotFireWhenEveryCountedNodeIsOnTheList() {
    assertThat(rule.check(model().onnx("resnet18_tiny.onnx").context())).isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(rule.check(model().onnx("fasterrcnn_tiny.onnx").targets("trn1", "inf2").context()))
        .isEmpty();
  }

  @Test
  void doesNotFireForAModelWithoutAGraph() {
    assertThat(rule.check(model().family(Family.R_CNN).tensors("roi_heads.x.weight").context()))
        .isEmpty();
  }
}
