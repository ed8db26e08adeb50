package dev.neuronfit.rules;

import dev.neuronfit.model.Family;
import java.util.List;

/**
 * The guideline's section on R-CNNs on Inferentia, which the three R-CNN rules implement: one scope
 * (R-CNNs on inf1 with torch-neuron), one source, one version that added them.
 */
final class RcnnGuideline {
  private RcnnGuideline() {}

  /** The metadata of an R-CNN rule: a warning about R-CNNs on inf1 with torch-neuron. */
  static RuleInfo rule(String id, String title) {
    return new RuleInfo(
        id,
        title,
        Severity.WARNING,
        List.of("inf1"),
        List.of("torch-neuron"),
        List.of(Family.R_CNN),
        List.of(GuidelineSections.RCNN_INF1),
        List.of(),
        "0.1.0");
  }
}
