package dev.neuronfit.rules;

import dev.neuronfit.classify.ResNetBackbone;
import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Optional;

/**
 * R-CNNs on inf1 gain most from a large ResNet backbone (ResNet-50, ResNet-101), because more of
 * the compute is then accelerated. Reports the backbone depth read from the tensor names.
 */
public final class RcnnBackboneSize extends Rule {
  public RcnnBackboneSize() {
    super(
        RcnnGuideline.rule(
            "rcnn-backbone-size", "R-CNNs with a large ResNet backbone gain most on inf1"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (ctx.family() != Family.R_CNN || ctx.target("inf1").isEmpty()) {
      return List.of();
    }
    Optional<ResNetBackbone> backbone = ResNetBackbone.of(ctx.profile().tensors());
    if (backbone.isEmpty()) {
      return List.of();
    }
    ResNetBackbone b = backbone.get();
    String observed =
        "ResNet-"
            + b.depth()
            + " backbone (blocks per stage "
            + b.blocks()
            + ", "
            + (b.bottleneck() ? "bottleneck" : "basic")
            + " blocks)";
    return List.of(
        finding(ctx)
            .severity(b.isLarge() ? Severity.INFO : Severity.WARNING)
            .target("inf1")
            .message(
                b.isLarge()
                    ? "The ResNet-"
                        + b.depth()
                        + " backbone is the kind the guideline says gains most on inf1."
                    : "The ResNet-"
                        + b.depth()
                        + " backbone is small: less of the R-CNN's compute is accelerated on inf1, so expect a smaller gain.")
            .observed(observed)
            .guideline(
                "R-CNNs with a large ResNet backbone (such as ResNet-50 or ResNet-101) see the greatest improvement on Inferentia, because a larger part of their compute is accelerated.")
            .advice(
                b.isLarge()
                    ? "Compile the backbone (with the RPN head) for NeuronCore-v1 first; it carries most of the compute."
                    : "Measure before committing to inf1: with a small backbone the CPU-side RoI heads weigh more in the total latency.")
            .build());
  }
}
