package dev.neuronfit.rules;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.TensorInfo;
import java.util.List;
import java.util.Optional;

/**
 * Detectron2 R-CNNs are not traceable with torch.jit.trace by default, which torch-neuron requires.
 * Detectron2 state dicts are recognised by their module names ({@code backbone.bottom_up.}, {@code
 * proposal_generator.}, {@code backbone.fpn_lateral}), which torchvision does not use.
 */
public final class RcnnDetectron2NotTraceable extends Rule {
  private static final List<String> DETECTRON2_MARKERS =
      List.of("backbone.bottom_up.", "proposal_generator.", "backbone.fpn_lateral");

  public RcnnDetectron2NotTraceable() {
    super(
        RcnnGuideline.rule(
            "rcnn-detectron2-not-traceable",
            "Detectron2 R-CNNs are not jit-traceable by default, which torch-neuron requires"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (ctx.family() != Family.R_CNN || ctx.target("inf1").isEmpty()) {
      return List.of();
    }
    Optional<String> marker =
        ctx.profile().tensors().stream()
            .map(TensorInfo::name)
            .filter(n -> DETECTRON2_MARKERS.stream().anyMatch(n::contains))
            .findFirst();
    if (marker.isEmpty()) {
      return List.of();
    }
    return List.of(
        finding(ctx)
            .target("inf1")
            .message(
                "This looks like a Detectron2 R-CNN, which torch.jit.trace cannot trace as it is; torch-neuron needs a traced model.")
            .observed("Detectron2 module names, e.g. " + marker.get())
            .guideline(
                "Torch models must be traceable with torch.jit.trace to compile for Inferentia, and most Detectron2-based R-CNNs are not traceable by default.")
            .advice(
                "Follow the Neuron R-CNN application note (\"Running R-CNNs on Inf1\", aws-neuron-sdk archive/appnotes/torch-neuron/rcnn-app-note.rst): trace and compile the backbone and RPN head as one subgraph at a fixed input size, and keep the RoI heads on the CPU.")
            .build());
  }
}
