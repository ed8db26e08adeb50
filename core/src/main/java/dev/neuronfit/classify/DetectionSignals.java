package dev.neuronfit.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The two stages of an R-CNN: region proposals (TopK over anchor scores, NonMaxSuppression, which
 * torchvision exports put inside the branches of an If) and RoI pooling of the proposed regions
 * (RoiAlign, MaxRoiPool, CropAndResize).
 */
final class DetectionSignals {
  final List<Integer> roi;
  final List<Integer> proposers;
  final List<Integer> nms;

  private DetectionSignals(List<Integer> roi, List<Integer> proposers, List<Integer> nms) {
    this.roi = roi;
    this.proposers = proposers;
    this.nms = nms;
  }

  static DetectionSignals find(GraphIndex g) {
    List<Integer> nms = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      String op = g.op(i);
      // TensorRT plugins (EfficientNMS_TRT, BatchedNMS_TRT) and Caffe2's BoxWithNMSLimit name NMS
      if (op.equals("NonMaxSuppression") || op.contains("NMS")) {
        nms.add(i);
      }
    }
    // Caffe2-style exports (Detectron2) rank anchors with GenerateProposals instead of TopK
    return new DetectionSignals(
        g.nodesOf(OpSets.ROI), g.nodesOf(Set.of("TopK", "GenerateProposals")), nms);
  }

  boolean proposals() {
    return !proposers.isEmpty() || !nms.isEmpty();
  }
}
