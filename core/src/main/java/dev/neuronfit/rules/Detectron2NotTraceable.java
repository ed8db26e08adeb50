package dev.neuronfit.rules;

import dev.neuronfit.kb.Section;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.TensorInfo;
import java.util.List;
import java.util.Optional;

/**
 * Detectron2 R-CNNs are not traceable with torch.jit.trace by default, which torch-neuron requires.
 * Detectron2 state dicts are recognised by their module names ({@code backbone.bottom_up.}, {@code
 * proposal_generator.}, {@code backbone.fpn_lateral}), which torchvision does not use.
 */
public final class Detectron2NotTraceable implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "rcnn-detectron2-not-traceable",
          "Detectron2 R-CNNs are not jit-traceable by default, which torch-neuron requires",
          Severity.WARNING,
          List.of("inf1"),
          List.of("torch-neuron"),
          List.of(Family.R_CNN),
          "Region-based CNN (R-CNN) models › Inferentia [rcnn_limitations_inf1]",
          "0.1.0");

  private static final List<String> DETECTRON2_MARKERS =
      List.of("backbone.bottom_up.", "proposal_generator.", "backbone.fpn_lateral");

  @Override
  public RuleInfo info() {
    return INFO;
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
        new Finding(
            INFO.id(),
            Severity.WARNING,
            Optional.of("inf1"),
            "This looks like a Detectron2 R-CNN, which torch.jit.trace cannot trace as it is; torch-neuron needs a traced model.",
            "Detectron2 module names, e.g. " + marker.get(),
            "Torch models must be traceable with torch.jit.trace to compile for Inferentia, and most Detectron2-based R-CNNs are not traceable by default.",
            "Follow the Neuron R-CNN application note (\"Running R-CNNs on Inf1\", aws-neuron-sdk archive/appnotes/torch-neuron/rcnn-app-note.rst): trace and compile the backbone and RPN head as one subgraph at a fixed input size, and keep the RoI heads on the CPU.",
            ctx.cite(
                new Section(
                    "Region-based CNN (R-CNN) models › Inferentia",
                    Optional.of("rcnn_limitations_inf1")))));
  }
}
