package dev.neuronfit.estimate.graph;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
      weightBytes += floating(t.dtype()) ? dtype.bytesFor(t.elements()) : t.bytes();
    }
    long inputBytes = 0;
    long cacheBytes = 0;
    for (ValueInfo in : graph.inputs()) {
      long b = bytes(bound.values().get(in.name()), in, dtype);
      inputBytes += Math.max(0, b);
      cacheBytes += InputBinding.isCache(in) ? Math.max(0, b) : 0;
    }
    long outputBytes = 0;
    List<String> unsized = new ArrayList<>();
    for (ValueInfo out : graph.outputs()) {
      long b = bytes(r.values().getOrDefault(out.name(), TensorValue.UNKNOWN), out, dtype);
      if (b < 0) {
        b = bytes(declared(out), out, dtype);
      }
      if (b < 0) {
        unsized.add(out.name());
      }
      outputBytes += Math.max(0, b);
    }
    long moved = weightBytes + inputBytes + outputBytes;
    if (moved <= 0) {
      return Optional.empty();
    }
    String phase = bound.decode() ? "decode" : "inference";
    List<String> a = new ArrayList<>(bound.assumptions());
    a.add(
        "multiply-accumulates are counted for Conv, ConvTranspose, MatMul, Gemm, Einsum,"
            + " attention and recurrent operators at the shapes propagated from the inputs;"
            + " element-wise, normalisation, pooling, softmax and shape operators count 0 but pass"
            + " their shapes on");
    if (!r.macsByOp().isEmpty()) {
      a.add("multiply-accumulates by operator: " + breakdown(r.macsByOp(), r.macs()));
    }
    int unknownNodes = r.costUnknown().values().stream().mapToInt(Integer::intValue).sum();
    if (unknownNodes > 0) {
      a.add(
          "the FLOPs leave out "
              + unknownNodes
              + " node"
              + (unknownNodes == 1 ? "" : "s")
              + " whose cost could not be derived (listed as cost unknown: an unknown operator, or"
              + " input shapes that depend on the data)");
    }
    if (main.stream().anyMatch(n -> CONTROL_FLOW.contains(n.opType()))) {
      a.add(
          "If, Loop and Scan bodies are not counted: a node whose body has matrix products or"
              + " unknown operators is listed as cost unknown, since the body runs a data-dependent"
              + " number of times");
    }
    a.add(
        "bytes moved: the initializers once ("
            + "floating-point ones at "
            + dtype
            + ", integer ones at their stored size), plus the"
            + " graph's inputs and outputs"
            + (bound.decode() ? " (the KV cache among them)" : "")
            + "; activations between operators are assumed to stay on chip"
            + Assumptions.unsizedOutputs(unsized));
    a.add(Assumptions.deviceType(dtype, opts));
    a.add("batch " + bound.batch());
    Phase p = new Phase(phase, 2 * r.macs(), moved, Math.max(1, bound.batch()));
    return Optional.of(
        new Workload(
            bound.batch(),
            Assumptions.boxed(bound.sequenceLength()),
            Assumptions.boxed(bound.imageSize()),
            dtype,
            List.of(p),
            r.costUnknown(),
            weightBytes,
            inputBytes + outputBytes,
            cacheBytes,
            "shape propagation through the ONNX graph (" + main.size() + " nodes)",
            a));
  }

  public static boolean floating(DType t) {
    return t.name().startsWith("F") || t == DType.BF16;
  }

  /** The declared dimensions of a graph output, its symbolic ones unknown. */
  public static TensorValue declared(ValueInfo v) {
    long[] d = v.shape().stream().mapToLong(ValueInfo.Dim::value).toArray();
    return v.shape().isEmpty() ? TensorValue.UNKNOWN : TensorValue.of(d, false);
  }

  /** Bytes of a graph input or output (floating-point at the device type), -1 when unknown. */
  public static long bytes(TensorValue v, ValueInfo info, DType device) {
    long n = v == null ? -1 : v.elements();
    if (n < 0) {
      return -1;
    }
    DType t = info.elementType().filter(e -> !floating(e) && e != DType.STRING).orElse(device);
    try {
      return t.bytesFor(n);
    } catch (ArithmeticException e) {
      return -1; // more bytes than a long holds: a hostile shape, not a size
    }
  }

  /** e.g. {@code Conv 4.09 G (99.9%), Gemm 2.05 M (0.1%)}, largest first. */
  public static String breakdown(Map<String, Double> byOp, double total) {
    List<String> parts = new ArrayList<>();
    byOp.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e ->
                parts.add(
                    e.getKey()
                        + " "
                        + si(e.getValue())
                        + String.format(Locale.ROOT, " (%.1f%%)", 100 * e.getValue() / total)));
    return String.join(", ", parts);
  }

  private static String si(double x) {
    String[] units = {"", " k", " M", " G", " T", " P"};
    int i = 0;
    while (x >= 1000 && i < units.length - 1) {
      x /= 1000;
      i++;
    }
    return String.format(Locale.ROOT, i == 0 ? "%.0f%s" : "%.3g%s", x, units[i]);
  }
}
