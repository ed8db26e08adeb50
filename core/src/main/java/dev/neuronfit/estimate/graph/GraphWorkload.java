package dev.neuronfit.estimate.graph;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The workload of an ONNX graph, found by propagating shapes from its inputs through its operators
 * ({@link ShapePropagation}) rather than from a config: the graph's own fixed shapes are used as
 * they are, and only its symbolic dimensions take the requested or default input ({@link
 * InputBinding}). Stateless; never returns null.
 */
public final class GraphWorkload {
  private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

  private GraphWorkload() {}

  /**
   * The workload of one pass of the profile's main graph, or empty when the profile has no ONNX
   * graph (graphs of other formats name their operators differently).
   */
  public static Optional<Workload> estimate(ModelProfile profile, WorkloadOptions opts) {
    if (profile.format() != ModelFormat.ONNX || profile.graph().isEmpty()) {
      return Optional.empty();
    }
    Graph graph = profile.graph().get();
    List<OpNode> main = graph.mainNodes();
    if (main.isEmpty()) {
      return Optional.empty();
    }
    DType dtype = opts.dtypeOrDefault();
    InputBinding.Bound bound = InputBinding.bind(graph.inputs(), opts);
    ShapePropagation.Result r = ShapePropagation.run(graph, profile.tensors(), bound.values());

    long weightBytes = 0;
    for (TensorInfo t : profile.tensors()) {
      weightBytes += GraphTotals.floating(t.dtype()) ? dtype.bytesFor(t.elements()) : t.bytes();
    }
    long inputBytes = GraphTotals.inputBytes(graph.inputs(), bound, dtype, in -> true);
    long cacheBytes = GraphTotals.inputBytes(graph.inputs(), bound, dtype, InputBinding::isCache);
    List<String> unsized = new ArrayList<>();
    long outputBytes = GraphTotals.outputBytes(graph.outputs(), r.values(), dtype, unsized);
    GraphTotals.Bytes bytes =
        new GraphTotals.Bytes(weightBytes, inputBytes, outputBytes, cacheBytes);
    if (bytes.moved() <= 0) {
      return Optional.empty();
    }
    List<String> a = new ArrayList<>(bound.assumptions());
    a.add(Assumptions.ONNX_COUNTED);
    if (!r.macsByOp().isEmpty()) {
      a.add(Assumptions.macsBy("operator", GraphTotals.breakdown(r.macsByOp(), r.macs())));
    }
    int unknownNodes = GraphTotals.unknownNodes(r.costUnknown());
    if (unknownNodes > 0) {
      a.add(Assumptions.costLeftOut(unknownNodes, "node", Assumptions.ONNX_UNKNOWN_CAUSES));
    }
    if (main.stream().anyMatch(n -> CONTROL_FLOW.contains(n.opType()))) {
      a.add(Assumptions.ONNX_CONTROL_FLOW);
    }
    a.add(Assumptions.onnxBytesMoved(dtype, bound.decode(), unsized));
    a.add(Assumptions.deviceType(dtype, opts));
    a.add(Assumptions.batch(bound.batch()));
    return Optional.of(
        GraphTotals.onePass(
            bound,
            bound.batch(),
            bound.decode() ? "decode" : "inference",
            r.macs(),
            r.costUnknown(),
            dtype,
            bytes,
            "shape propagation through the ONNX graph (" + main.size() + " nodes)",
            a));
  }
}
