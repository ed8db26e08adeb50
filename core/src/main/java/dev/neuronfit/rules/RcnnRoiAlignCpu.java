package dev.neuronfit.rules;

import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig.KeyValue;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * R-CNNs on inf1: RoI Align is mapped to the CPU, so models predicting fewer than 100 boxes do
 * best. Reports the RoiAlign nodes of a graph model, the RoI heads found and, when the config
 * states it, the detections per image. Fires for R-CNNs and for any graph with RoiAlign nodes.
 */
public final class RcnnRoiAlignCpu extends Rule {
  static final int GUIDELINE_BOXES = 100;

  private static final String[] DETECTION_KEYS = {
    "box_detections_per_img",
    "detections_per_img",
    "max_detections",
    "num_detections",
    "test_detections_per_img"
  };

  public RcnnRoiAlignCpu() {
    super(
        RcnnGuideline.rule(
            "rcnn-roi-align-cpu",
            "RoI Align runs on the CPU on NeuronCore-v1; R-CNNs predicting under 100 boxes do best"));
  }

  /** RoI Align as ONNX ({@code RoiAlign}) and MXNet ({@code _contrib_ROIAlign}) name it. */
  private static final Set<String> ROI_ALIGN = Set.of("RoiAlign", "_contrib_ROIAlign");

  @Override
  public List<Finding> check(RuleContext ctx) {
    List<OpNode> roiAlign =
        ctx.profile()
            .graph()
            .map(g -> g.nodes().stream().filter(n -> ROI_ALIGN.contains(n.qualifiedOp())).toList())
            .orElse(List.of());
    if ((ctx.family() != Family.R_CNN && roiAlign.isEmpty()) || ctx.target("inf1").isEmpty()) {
      return List.of();
    }
    long roiTensors =
        ctx.profile().tensors().stream()
            .map(TensorInfo::name)
            .filter(n -> n.contains("roi_heads."))
            .count();
    Optional<KeyValue> boxes =
        ctx.profile().hf().flatMap(h -> h.config()).flatMap(c -> c.firstInteger(DETECTION_KEYS));
    boolean many = boxes.map(b -> b.value() >= GUIDELINE_BOXES).orElse(true);
    List<String> seen = new ArrayList<>();
    if (!roiAlign.isEmpty()) {
      seen.add(
          roiAlign.size()
              + (roiAlign.size() == 1 ? " RoiAlign node (" : " RoiAlign nodes (")
              + roiAlign.stream()
                  .limit(3)
                  .map(OperatorCoverage::example)
                  .collect(Collectors.joining(", "))
              + (roiAlign.size() > 3 ? ", ..." : "")
              + ")");
    } else if (ctx.profile().graph().isPresent()) {
      seen.add("no RoiAlign node in the graph");
    }
    if (roiTensors > 0) {
      seen.add(roiTensors + " RoI-head tensors (roi_heads.*)");
    }
    if (seen.isEmpty()) {
      seen.add("an R-CNN (see evidence)");
    }
    String observed =
        String.join("; ", seen)
            + boxes
                .map(b -> "; up to " + b.value() + " detections per image (" + b.key() + ")")
                .orElse("; detections per image not stated");
    return List.of(
        finding(ctx)
            .severity(many ? Severity.WARNING : Severity.INFO)
            .target("inf1")
            .message(
                boxes
                    .map(
                        b ->
                            b.value() >= GUIDELINE_BOXES
                                ? "The model keeps up to "
                                    + b.value()
                                    + " boxes per image; RoI Align runs on the CPU on inf1 and the guideline expects the best results under "
                                    + GUIDELINE_BOXES
                                    + "."
                                : "The model keeps at most "
                                    + b.value()
                                    + " boxes per image, under the guideline's "
                                    + GUIDELINE_BOXES
                                    + "; RoI Align still runs on the CPU on inf1.")
                    .orElse(
                        "RoI Align runs on the CPU on inf1; the guideline expects the best results when fewer than "
                            + GUIDELINE_BOXES
                            + " boxes are predicted."))
            .observed(observed)
            .guideline(
                "RoI Align cannot run efficiently on NeuronCore-v1 and is placed on the CPU at compile time; R-CNNs that predict fewer than 100 boxes perform best.")
            .advice(
                "Lower the detections kept per image below "
                    + GUIDELINE_BOXES
                    + " if the task allows, and give the CPU threads for RoI Align (the Neuron R-CNN application note, aws-neuron-sdk archive/appnotes/torch-neuron/rcnn-app-note.rst, written for torch 1.11.0 and torchvision 0.12.0, rebuilds torchvision's roi_align with OpenMP).")
            .build());
  }
}
