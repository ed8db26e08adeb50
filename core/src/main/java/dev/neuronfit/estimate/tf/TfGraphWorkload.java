package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.graph.GraphWorkload;
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
    long inputBytes = 0;
    for (ValueInfo in : declared) {
      inputBytes += Math.max(0, GraphWorkload.bytes(bound.values().get(in.name()), in, dtype));
    }
    long outputBytes = 0;
    List<String> unsized = new ArrayList<>();
    for (ValueInfo out : graph.outputs()) {
      long b =
          GraphWorkload.bytes(
              r.outputs().getOrDefault(out.name(), TensorValue.UNKNOWN), out, dtype);
      if (b < 0) {
        b = GraphWorkload.bytes(GraphWorkload.declared(out), out, dtype);
      }
      if (b < 0) {
        unsized.add(out.name());
      }
      outputBytes += Math.max(0, b);
    }
    long moved = Quantities.saturatedSum(weightBytes, inputBytes, outputBytes);
    if (moved <= 0) {
      return Optional.empty();
    }
    List<String> a = assumptions(profile, graph, bound, r, unsized, dtype, opts);
    Phase p =
        new Phase(
            bound.decode() ? "decode" : "inference",
            2 * r.macs(),
            moved,
            Math.max(1, bound.batch()));
    return Optional.of(
        new Workload(
            bound.batch(),
            Assumptions.boxed(bound.sequenceLength()),
            Assumptions.boxed(bound.imageSize()),
            dtype,
            List.of(p),
            r.costUnknown(),
            weightBytes,
            Quantities.saturatedSum(inputBytes, outputBytes),
            0,
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
        b = GraphWorkload.floating(t.dtype()) ? dtype.bytesFor(t.elements()) : t.bytes();
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
    List<String> bindings = Assumptions.bindings(graph.inputs(), bound, false);
    if (!bindings.isEmpty()) {
      a.add(
          "unknown input dimensions bound by position: "
              + String.join(", ", bindings.subList(0, Math.min(8, bindings.size())))
              + (bindings.size() > 8 ? " and " + (bindings.size() - 8) + " more" : ""));
    }
    a.addAll(bound.assumptions());
    a.add(
        "multiply-accumulates are counted for Conv2D, Conv3D, DepthwiseConv2dNative,"
            + " Conv2DBackpropInput, MatMul, BatchMatMul, Einsum, the LSTM and GRU block cells and"
            + " the cuDNN recurrent ops, at the shapes propagated from the inputs (the graph's own"
            + " _output_shapes fill in what propagation leaves unknown); element-wise,"
            + " normalisation, pooling, softmax and shape ops count 0 but pass their shapes on");
    if (!r.macsByOp().isEmpty()) {
      a.add("multiply-accumulates by op: " + GraphWorkload.breakdown(r.macsByOp(), r.macs()));
    }
    if (profile.format() == ModelFormat.TF_SAVEDMODEL) {
      a.add(
          "only what the serving signature runs is counted: the functions its calls reach, each"
              + " call once with the shapes it is given"
              + (r.calls() > 0 ? " (" + r.calls() + " calls)" : "")
              + "; other traces of the same layers and the save and restore functions are not");
    }
    int unknownNodes = r.costUnknown().values().stream().mapToInt(Integer::intValue).sum();
    if (unknownNodes > 0) {
      a.add(
          "the FLOPs leave out "
              + unknownNodes
              + " node"
              + (unknownNodes == 1 ? "" : "s")
              + " whose cost could not be derived (listed as cost unknown: an unknown op, shapes"
              + " that depend on the data, or a loop)");
    }
    if (graph.nodes().stream().anyMatch(n -> CONTROL_FLOW.contains(n.opType()))
        || r.loopFrameOps() > 0) {
      a.add(
          "While, If and Case bodies and the ops inside TF1 loop frames (Enter ... Exit) are not"
              + " counted: they run a data-dependent number of times, so a loop whose body"
              + " multiplies is listed as cost unknown");
    }
    if (r.truncated()) {
      a.add(
          "function calls nested deeper than "
              + TfShapePropagation.MAX_DEPTH
              + " or past "
              + TfShapePropagation.MAX_WALKED
              + " walked nodes are listed as cost unknown");
    }
    a.add(
        "bytes moved: the variables and the constants the inference reads once (floating-point"
            + " ones at "
            + dtype
            + ", integer ones at their stored size), plus the graph's inputs and outputs;"
            + " activations between ops are assumed to stay on chip"
            + Assumptions.unsizedOutputs(unsized));
    a.add(Assumptions.deviceType(dtype, opts));
    a.add("batch " + bound.batch());
    return a;
  }
}
