package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recurrent layers: LSTM, GRU and RNN ops (also inside If branches), and recurrence unrolled into a
 * Loop or Scan whose body multiplies by weights and gates with Sigmoid and Tanh, the cell
 * arithmetic of an LSTM or GRU.
 */
final class RecurrentSignals {
  private static final Set<String> GATES = Set.of("Sigmoid", "Tanh");

  /**
   * A Loop or Scan whose body computes a recurrent cell.
   *
   * @param node the Loop or Scan
   * @param ops the telling ops of its body with counts, e.g. {@code MatMul 2, Sigmoid 3, Tanh 2}
   */
  record Unrolled(int node, String ops) {}

  final List<Integer> ops;
  final List<Unrolled> unrolled;

  private RecurrentSignals(List<Integer> ops, List<Unrolled> unrolled) {
    this.ops = List.copyOf(ops);
    this.unrolled = List.copyOf(unrolled);
  }

  static RecurrentSignals find(GraphIndex g) {
    Map<String, Map<String, Integer>> byScope = bodyOps(g);
    List<Unrolled> unrolled = new ArrayList<>();
    for (int loop : g.nodesOf(OpSets.LOOPS)) {
      Map<String, Integer> counts = new TreeMap<>();
      for (AttributeValue a : g.node(loop).attributes().values()) {
        if (a instanceof AttributeValue.Subgraph s) {
          byScope
              .getOrDefault(s.scope(), Map.of())
              .forEach((op, n) -> counts.merge(op, n, Integer::sum));
        }
      }
      boolean product = counts.keySet().stream().anyMatch(o -> !GATES.contains(o));
      if (product && counts.containsKey("Sigmoid") && counts.containsKey("Tanh")) {
        StringBuilder b = new StringBuilder();
        counts.forEach(
            (op, n) -> b.append(b.length() == 0 ? "" : ", ").append(op).append(' ').append(n));
        unrolled.add(new Unrolled(loop, b.toString()));
      }
    }
    return new RecurrentSignals(g.nodesOf(OpSets.RECURRENT), unrolled);
  }

  /** Per subgraph scope, products and gates of its nodes and of the subgraphs nested in it. */
  private static Map<String, Map<String, Integer>> bodyOps(GraphIndex g) {
    Map<String, Map<String, Integer>> byScope = new HashMap<>();
    for (int i = 0; i < g.size(); i++) {
      String op = g.op(i);
      boolean product = OpSets.MATMUL.contains(op) || OpSets.CONV.contains(op) || op.equals("Gemm");
      if (!product && !GATES.contains(op)) {
        continue;
      }
      String s = g.node(i).scope();
      for (int depth = 0; s != null && !s.isEmpty() && depth < 64; depth++) {
        byScope.computeIfAbsent(s, k -> new HashMap<>()).merge(op, 1, Integer::sum);
        s = g.parentScope(s);
      }
    }
    return byScope;
  }

  boolean any() {
    return !ops.isEmpty() || !unrolled.isEmpty();
  }
}
