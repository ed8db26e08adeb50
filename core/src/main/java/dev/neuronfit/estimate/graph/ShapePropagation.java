package dev.neuronfit.estimate.graph;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Walks the main graph of an ONNX model in topological order (file order where the file already is
 * sorted, as the format requires; some files are not, and runtimes sort them), from the bound graph
 * inputs and the initializers, through each node's operator family, and adds up
 * multiply-accumulates. What it cannot cost is counted by operator: operators it does not know,
 * multiply-accumulating operators whose input shapes stayed unknown, and If/Loop/Scan nodes whose
 * bodies hold such operators (a body runs a data-dependent number of times, or not at all).
 */
public final class ShapePropagation {
  /** Operators that multiply and accumulate: the only ones whose cost is not 0. */
  public static final Set<String> COSTED =
      Set.of(
          "Conv",
          "ConvInteger",
          "QLinearConv",
          "com.microsoft::FusedConv",
          "ConvTranspose",
          "MatMul",
          "MatMulInteger",
          "QLinearMatMul",
          "com.microsoft::FusedMatMul",
          "com.microsoft::MatMulNBits",
          "com.microsoft::MatMulIntegerToFloat",
          "com.microsoft::DynamicQuantizeMatMul",
          "Gemm",
          "com.microsoft::GemmFastGelu",
          "Einsum",
          "Attention",
          "com.microsoft::Attention",
          "com.microsoft::MultiHeadAttention",
          "com.microsoft::GroupQueryAttention",
          "LSTM",
          "GRU",
          "RNN");

  private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

  /**
   * The outcome of a walk.
   *
   * @param macs multiply-accumulates of the operators whose cost was derived
   * @param macsByOp the same by operator
   * @param costUnknown operators whose cost could not be derived, with counts
   * @param values what is known about each value, by name
   */
  public record Result(
      double macs,
      Map<String, Double> macsByOp,
      Map<String, Integer> costUnknown,
      Map<String, TensorValue> values) {}

  private ShapePropagation() {}

  public static Result run(Graph graph, List<TensorInfo> tensors, Map<String, TensorValue> inputs) {
    Map<String, TensorValue> values = new HashMap<>();
    for (TensorInfo t : tensors) {
      values.put(t.name(), initializer(t, graph.constants().get(t.name())));
    }
    values.putAll(inputs);
    Map<String, List<OpNode>> byScope = new HashMap<>();
    for (OpNode n : graph.nodes()) {
      if (!n.inMainGraph()) {
        byScope.computeIfAbsent(n.scope(), s -> new ArrayList<>()).add(n);
      }
    }
    double macs = 0;
    Map<String, Double> byOp = new TreeMap<>();
    Map<String, Integer> unknown = new TreeMap<>();
    for (OpNode node : ordered(graph.mainNodes())) {
      String op = node.qualifiedOp();
      if (op.equals("Constant")
          && node.outputs().size() == 1
          && values.containsKey(node.outputs().get(0))) {
        continue; // its tensor was read with the initializers
      }
      List<TensorValue> ins = new ArrayList<>();
      for (String name : node.inputs()) {
        ins.add(
            name.isEmpty() ? TensorValue.UNKNOWN : values.getOrDefault(name, TensorValue.UNKNOWN));
      }
      Outcome o;
      if (CONTROL_FLOW.contains(op)) {
        o = Outcome.free();
        if (bodyHasWork(node, byScope)) {
          unknown.merge(op, 1, Integer::sum);
        }
      } else {
        Optional<Outcome> r = tryApply(op, new NodeView(node, ins));
        if (r.isEmpty()) {
          unknown.merge(op, 1, Integer::sum);
          o = Outcome.free();
        } else {
          o = r.get();
          if (o.macs().isEmpty()) {
            unknown.merge(op, 1, Integer::sum);
          } else if (o.macs().getAsDouble() > 0) {
            macs += o.macs().getAsDouble();
            byOp.merge(op, o.macs().getAsDouble(), Double::sum);
          }
        }
      }
      for (int i = 0; i < node.outputs().size(); i++) {
        String name = node.outputs().get(i);
        if (!name.isEmpty()) {
          values.put(name, i < o.outputs().size() ? o.outputs().get(i) : TensorValue.UNKNOWN);
        }
      }
    }
    return new Result(
        macs,
        Collections.unmodifiableMap(byOp),
        Collections.unmodifiableMap(unknown),
        Collections.unmodifiableMap(values));
  }

  /**
   * The nodes in a topological order that keeps file order among nodes that are ready together;
   * nodes on a cycle (a malformed file) follow in file order.
   */
  public static List<OpNode> ordered(List<OpNode> nodes) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).outputs()) {
        if (!out.isEmpty()) {
          producer.putIfAbsent(out, i);
        }
      }
    }
    int[] waiting = new int[nodes.size()];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      Set<Integer> from = new java.util.HashSet<>();
      for (String in : nodes.get(i).inputs()) {
        Integer p = producer.get(in);
        if (p != null && p != i && from.add(p)) {
          consumers.get(p).add(i);
          waiting[i]++;
        }
      }
    }
    java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<OpNode> out = new ArrayList<>(nodes.size());
    boolean[] done = new boolean[nodes.size()];
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(nodes.get(i));
      done[i] = true;
      for (int c : consumers.get(i)) {
        if (--waiting[c] == 0) {
          ready.add(c);
        }
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      if (!done[i]) {
        out.add(nodes.get(i));
      }
    }
    return out;
  }

  /** The operator families in turn; empty when none knows the operator. */
  public static Optional<Outcome> apply(String op, NodeView v) {
    Optional<Outcome> o = ElementwiseShapes.apply(op, v);
    o = o.isPresent() ? o : LayoutShapes.apply(op, v);
    o = o.isPresent() ? o : ConstantShapes.apply(op, v);
    o = o.isPresent() ? o : IndexShapes.apply(op, v);
    o = o.isPresent() ? o : ConvShapes.apply(op, v);
    o = o.isPresent() ? o : MatMulShapes.apply(op, v);
    return o.isPresent() ? o : SequenceShapes.apply(op, v);
  }

  /**
   * Applies an operator; a node whose attributes contradict its inputs (possible only in a
   * malformed file) gives unknown outputs and, for a multiply-accumulating operator, an unknown
   * cost, instead of failing the report.
   */
  private static Optional<Outcome> tryApply(String op, NodeView v) {
    try {
      return apply(op, v);
    } catch (ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      return Optional.of(COSTED.contains(op) ? Outcome.costUnknown() : Outcome.free());
    }
  }

  /** True when a body of this node (or a body nested in it) multiplies or has unknown operators. */
  private static boolean bodyHasWork(OpNode node, Map<String, List<OpNode>> byScope) {
    for (AttributeValue a : node.attributes().values()) {
      if (a instanceof AttributeValue.Subgraph g) {
        for (Map.Entry<String, List<OpNode>> e : byScope.entrySet()) {
          String scope = e.getKey();
          if (!scope.equals(g.scope()) && !scope.startsWith(g.scope() + "/")) {
            continue;
          }
          for (OpNode n : e.getValue()) {
            String op = n.qualifiedOp();
            if (COSTED.contains(op) || !CONTROL_FLOW.contains(op) && !known(n)) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  private static boolean known(OpNode n) {
    List<TensorValue> ins = Collections.nCopies(n.inputs().size(), TensorValue.UNKNOWN);
    return tryApply(n.qualifiedOp(), new NodeView(n, ins)).isPresent();
  }

  private static TensorValue initializer(TensorInfo t, ConstantValue c) {
    boolean integral =
        t.dtype().name().startsWith("I")
            || t.dtype().name().startsWith("U")
            || t.dtype() == DType.BOOL;
    long[] dims = t.shape().stream().mapToLong(Long::longValue).toArray();
    if (c == null || c.values().size() != t.elements()) {
      return TensorValue.of(dims, integral);
    }
    double[] data = c.values().stream().mapToDouble(Double::doubleValue).toArray();
    return TensorValue.withData(dims, data, integral);
  }
}
