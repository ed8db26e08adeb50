package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.graph.GraphTotals;
import dev.neuronfit.estimate.graph.InputBinding;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.TfFunctions;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The workload of a TensorFlow SavedModel or frozen GraphDef, found by propagating shapes from the
 * serving signature's inputs (a frozen graph's Placeholders) through the ops it runs, function
 * bodies included ({@link TfShapePropagation}). The graph's fixed dimensions are used as they are;
 * unknown ones take the requested or default input ({@link InputBinding}, channels last).
 * Stateless; never returns null and never throws on a malformed graph: what it cannot cost is
 * listed.
 */
public final class TfGraphWorkload {
  private static final Set<String> CONTROL_FLOW =
      Set.of("While", "StatelessWhile", "If", "StatelessIf", "Case", "StatelessCase");

  private TfGraphWorkload() {}

  /**
   * The workload of one inference, or empty when the profile is not a TensorFlow graph or its
   * serving path has no nodes.
   */
  public static Optional<Workload> estimate(ModelProfile profile, WorkloadOptions opts) {
    boolean tf =
        profile.format() == ModelFormat.TF_SAVEDMODEL
            || profile.format() == ModelFormat.TF_GRAPHDEF;
    if (!tf || profile.graph().isEmpty()) {
      return Optional.empty();
    }
    Graph graph = profile.graph().get();
    List<OpNode> path = TfFunctions.servingPath(graph);
    if (path.isEmpty()) {
      return Optional.empty();
    }
    DType dtype = opts.dtypeOrDefault();
    List<ValueInfo> declared = new ArrayList<>();
    for (ValueInfo in : graph.inputs()) {
      // a shape the file does not give (unknown rank) is left to the Placeholder's own attribute
      if (!in.shape().isEmpty()) {
        declared.add(in);
      }
    }
    InputBinding.Bound bound = InputBinding.bind(declared, opts, true);
    Map<String, TensorValue> inputs = new HashMap<>();
    bound.values().forEach((k, v) -> inputs.put(TfFunctions.producer(k), v));
    TfShapePropagation.Result r = TfShapePropagation.run(graph, profile.tensors(), inputs);

    long weightBytes = weightBytes(profile, graph, r.constantsRead(), dtype);
    long inputBytes = GraphTotals.inputBytes(declared, bound, dtype, in -> true);
    List<String> unsized = new ArrayList<>();
    long outputBytes = GraphTotals.outputBytes(graph.outputs(), r.outputs(), dtype, unsized);
    GraphTotals.Bytes bytes = new GraphTotals.Bytes(weightBytes, inputBytes, outputBytes, 0);
    if (bytes.moved() <= 0) {
      return Optional.empty();
    }
    List<String> a = assumptions(profile, graph, bound, r, unsized, dtype, opts);
    return Optional.of(
        GraphTotals.onePass(
            bound,
            bound.batch(),
            bound.decode() ? "decode" : "inference",
            r.macs(),
            r.costUnknown(),
            dtype,
            bytes,
            "shape propagation through the TensorFlow graph ("
                + path.size()
                + " nodes on the serving path"
                + (r.calls() > 0 ? ", " + r.calls() + " function calls" : "")
                + ")",
            a));
  }

  /**
   * Weights once: the variables, and the constants of the nodes the inference walks (a frozen
   * graph's weights; a SavedModel's other traces and its saver constants are left out). Floating
   * point ones at the device type, others at their stored size.
   */
  private static long weightBytes(
      ModelProfile profile, Graph graph, Set<String> constantsRead, DType dtype) {
    Set<String> constants = new HashSet<>();
    for (OpNode n : graph.nodes()) {
      if (n.opType().equals("Const")) {
        n.attribute("value")
            .filter(v -> v instanceof AttributeValue.Tensor)
            .ifPresent(v -> constants.add(((AttributeValue.Tensor) v).name()));
      }
    }
    long bytes = 0;
    for (TensorInfo t : profile.tensors()) {
      if (constants.contains(t.name()) && !constantsRead.contains(t.name())) {
        continue;
      }
      long b;
      try {
        b = GraphTotals.floating(t.dtype()) ? dtype.bytesFor(t.elements()) : t.bytes();
      } catch (ArithmeticException e) {
        b = Long.MAX_VALUE;
      }
      bytes = Quantities.saturatedSum(bytes, b);
    }
    return bytes;
  }

  private static List<String> assumptions(
      ModelProfile profile,
      Graph graph,
      InputBinding.Bound bound,
      TfShapePropagation.Result r,
      List<String> unsized,
      DType dtype,
      WorkloadOptions opts) {
    List<String> a = new ArrayList<>();
    List<String> bindings = InputBinding.boundAxes(graph.inputs(), bound, false);
    if (!bindings.isEmpty()) {
      a.add(Assumptions.boundByPosition("unknown input dimensions", bindings));
    }
    a.addAll(bound.assumptions());
    a.add(Assumptions.TF_COUNTED);
    if (!r.macsByOp().isEmpty()) {
      a.add(Assumptions.macsBy("op", GraphTotals.breakdown(r.macsByOp(), r.macs())));
    }
    if (profile.format() == ModelFormat.TF_SAVEDMODEL) {
      a.add(Assumptions.tfServingOnly(r.calls()));
    }
    int unknownNodes = GraphTotals.unknownNodes(r.costUnknown());
    if (unknownNodes > 0) {
      a.add(Assumptions.costLeftOut(unknownNodes, "node", Assumptions.TF_UNKNOWN_CAUSES));
    }
    if (graph.nodes().stream().anyMatch(n -> CONTROL_FLOW.contains(n.opType()))
        || r.loopFrameOps() > 0) {
      a.add(Assumptions.TF_CONTROL_FLOW);
    }
    if (r.truncated()) {
      a.add(Assumptions.tfTruncated(TfShapePropagation.MAX_DEPTH, TfShapePropagation.MAX_WALKED));
    }
    a.add(Assumptions.tfBytesMoved(dtype, unsized));
    a.add(Assumptions.deviceType(dtype, opts));
    a.add(Assumptions.batch(bound.batch()));
    return a;
  }
}
