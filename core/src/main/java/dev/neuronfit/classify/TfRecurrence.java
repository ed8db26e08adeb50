package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recurrence in the forms TensorFlow graphs have and ONNX exports do not:
 *
 * <ul>
 *   <li>loops of TensorFlow 1.x control flow (a frame of nodes between Enter and Exit, fed back
 *       through NextIteration), and While bodies (read as Loop subgraphs), whose nodes multiply by
 *       a weight from outside the loop and apply a gate nonlinearity: Sigmoid, Tanh, Relu (a
 *       vanilla RNN), or the Maximum and Minimum of Keras' hard sigmoid;
 *   <li>cells unrolled over time (static_rnn): one weight matrix multiplied in three or more steps,
 *       each step computed from the one before, with Sigmoid gates (LSTM, GRU) or Tanh and Relu
 *       activations in a graph without attention (vanilla RNN).
 * </ul>
 *
 * A loop whose body holds an attention block (a decoder run step by step) is not a recurrent cell.
 */
final class TfRecurrence {
  private static final Set<String> GATES = Set.of("Sigmoid", "Tanh", "Relu");
  private static final int FRAME_LIMIT = 100_000;
  private static final int ANCESTOR_BUDGET = 2_000_000;

  /**
   * A loop whose body is a recurrent cell.
   *
   * @param node the loop's first Enter node or its Loop node
   * @param what e.g. {@code while loop rnn/while (Enter/NextIteration/Exit)}
   * @param ops the telling ops of the body with counts
   */
  record Loop(int node, String what, String ops) {}

  /**
   * A cell unrolled over time.
   *
   * @param weight the weight node the steps share
   * @param steps the products in the chain, in order
   * @param gates gate ops of the graph with counts
   */
  record Chain(int weight, List<Integer> steps, String gates) {}

  final List<Loop> loops;
  final List<Chain> chains;

  private TfRecurrence(List<Loop> loops, List<Chain> chains) {
    this.loops = List.copyOf(loops);
    this.chains = List.copyOf(chains);
  }

  static TfRecurrence find(GraphIndex g, AttentionSignals att) {
    Set<Integer> attention = new HashSet<>();
    att.blocks.forEach(b -> attention.add(b.node()));
    List<Loop> loops = new ArrayList<>();
    Map<String, List<Integer>> frames = new LinkedHashMap<>();
    for (int i = 0; i < g.size(); i++) {
      String shown = g.shownOp(i);
      if (shown.equals("Enter") || shown.equals("RefEnter")) {
        frames.computeIfAbsent(text(g, i, "frame_name"), k -> new ArrayList<>()).add(i);
      }
    }
    int[] budget = {ANCESTOR_BUDGET};
    for (Map.Entry<String, List<Integer>> f : frames.entrySet()) {
      Set<Integer> body = frame(g, f.getValue(), budget);
      cell(g, body, attention)
          .ifPresent(
              ops ->
                  loops.add(
                      new Loop(
                          f.getValue().get(0),
                          "while loop "
                              + (f.getKey().isEmpty() ? "(unnamed frame)" : f.getKey())
                              + " (Enter/NextIteration/Exit)",
                          ops)));
    }
    Map<String, List<Integer>> byScope = new LinkedHashMap<>();
    for (int i = 0; i < g.size(); i++) {
      byScope.computeIfAbsent(g.node(i).scope(), k -> new ArrayList<>()).add(i);
    }
    for (int i = 0; i < g.size(); i++) {
      if (!g.op(i).equals("Loop")) {
        continue;
      }
      Set<Integer> body = new HashSet<>();
      for (AttributeValue a : g.node(i).attributes().values()) {
        if (a instanceof AttributeValue.Subgraph s) {
          byScope.forEach(
              (scope, members) -> {
                if (scope.equals(s.scope()) || scope.startsWith(s.scope() + "/")) {
                  body.addAll(members);
                }
              });
        }
      }
      int loop = i;
      cell(g, body, attention)
          .ifPresent(ops -> loops.add(new Loop(loop, g.shownOp(loop) + " " + g.label(loop), ops)));
    }
    return new TfRecurrence(loops, chains(g, attention.isEmpty(), budget));
  }

  boolean any() {
    return !loops.isEmpty() || !chains.isEmpty();
  }

  /** 0.8 for unrolled cells or several loops; 0.6 for one loop body read as a cell. */
  double confidence() {
    return FamilyCall.confidence(!chains.isEmpty() || loops.size() >= 2);
  }

  String summary() {
    return !chains.isEmpty()
        ? "a recurrent cell unrolled over " + chains.get(0).steps().size() + " steps"
        : "a recurrent cell in " + loops.get(0).what();
  }

  List<Evidence> evidence(GraphEvidence text) {
    List<Evidence> e = new ArrayList<>();
    for (Loop l : loops) {
      e.add(
          text.of(
              "recurrent loop",
              l.what() + " whose body has " + l.ops(),
              "a recurrent cell run step by step: products with weights from outside the loop,"
                  + " and gates"));
    }
    for (Chain c : chains) {
      List<Integer> s = c.steps();
      e.add(
          text.of(
              "unrolled recurrence",
              text.label(c.weight())
                  + " multiplied in "
                  + s.size()
                  + " chained steps ("
                  + text.label(s.get(0))
                  + " ... "
                  + text.label(s.get(s.size() - 1))
                  + "); "
                  + c.gates(),
              "one cell's weights applied step after step, each step reading the previous"
                  + " step's output: a recurrent network unrolled over time"));
    }
    return e;
  }

  /** The nodes of a TensorFlow 1.x frame: everything reached from its Enter nodes before Exit. */
  private static Set<Integer> frame(GraphIndex g, List<Integer> enters, int[] budget) {
    Set<Integer> seen = new HashSet<>(enters);
    Deque<Integer> queue = new ArrayDeque<>(enters);
    while (!queue.isEmpty() && seen.size() < FRAME_LIMIT && budget[0]-- > 0) {
      int n = queue.poll();
      for (int c : g.consumers(n)) {
        String shown = g.shownOp(c);
        if (seen.add(c) && !shown.equals("Exit") && !shown.equals("RefExit")) {
          queue.add(c);
        }
      }
    }
    return seen;
  }

  /** The telling ops of a loop body when it is a recurrent cell, e.g. {@code MatMul 2, Tanh 1}. */
  private static java.util.Optional<String> cell(
      GraphIndex g, Set<Integer> body, Set<Integer> attention) {
    Map<String, Integer> counts = new TreeMap<>();
    int products = 0;
    for (int i : body) {
      if (attention.contains(i)) {
        return java.util.Optional.empty();
      }
      String op = g.op(i);
      boolean product = OpSets.MATMUL.contains(op) || op.equals("Gemm") || OpSets.CONV.contains(op);
      if (product && (g.isConstant(i, 0) || g.isConstant(i, 1))) {
        products++;
        counts.merge(g.shownOp(i), 1, Integer::sum);
      } else if (GATES.contains(op) || op.equals("Max") || op.equals("Min")) {
        counts.merge(g.shownOp(i), 1, Integer::sum);
      }
    }
    boolean hardSigmoid = counts.containsKey("Maximum") && counts.containsKey("Minimum");
    boolean gates = GATES.stream().anyMatch(counts::containsKey) || hardSigmoid;
    if (products == 0 || !gates) {
      return java.util.Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    counts.forEach(
        (op, n) -> b.append(b.length() == 0 ? "" : ", ").append(op).append(' ').append(n));
    return java.util.Optional.of(b + (hardSigmoid ? " (Maximum and Minimum: a hard sigmoid)" : ""));
  }

  /** Weights multiplied in three or more chained steps, with the gates of a recurrent cell. */
  private static List<Chain> chains(GraphIndex g, boolean noAttention, int[] budget) {
    Map<String, Integer> gates = new TreeMap<>();
    for (int i = 0; i < g.size(); i++) {
      if (GATES.contains(g.op(i))) {
        gates.merge(g.op(i), 1, Integer::sum);
      }
    }
    List<Chain> out = new ArrayList<>();
    for (int w = 0; w < g.size() && out.size() < 8 && budget[0] > 0; w++) {
      if (!g.op(w).equals("Constant") || !g.isConstantNode(w)) {
        continue;
      }
      List<Integer> products = productsOf(g, w);
      if (products.size() < 3) {
        continue;
      }
      List<Integer> run = longestChain(g, products, budget);
      int steps = run.size();
      int sigmoids = gates.getOrDefault("Sigmoid", 0);
      int others = gates.getOrDefault("Tanh", 0) + gates.getOrDefault("Relu", 0);
      if (steps >= 3 && (sigmoids >= steps || (noAttention && others >= steps))) {
        StringBuilder b = new StringBuilder();
        gates.forEach(
            (op, n) -> b.append(b.length() == 0 ? "" : ", ").append(op).append(' ').append(n));
        out.add(new Chain(w, run, b.toString()));
      }
    }
    return out;
  }

  /** Matrix products taking the weight as an operand, directly or through Identity nodes. */
  private static List<Integer> productsOf(GraphIndex g, int weight) {
    List<Integer> out = new ArrayList<>();
    Deque<Integer> queue = new ArrayDeque<>(List.of(weight));
    Set<Integer> seen = new HashSet<>(queue);
    while (!queue.isEmpty() && seen.size() < 10_000) {
      int n = queue.poll();
      for (int c : g.consumers(n)) {
        if (!seen.add(c)) {
          continue;
        }
        if (g.op(c).equals("MatMul") && (g.producer(c, 0) == n || g.producer(c, 1) == n)) {
          out.add(c);
        } else if (g.op(c).equals("Identity")) {
          queue.add(c);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** The longest run of products where each is computed from the one before. */
  private static List<Integer> longestChain(GraphIndex g, List<Integer> products, int[] budget) {
    List<Integer> best = List.of();
    List<Integer> run = new ArrayList<>(List.of(products.get(0)));
    for (int k = 1; k < products.size(); k++) {
      if (isAncestor(g, run.get(run.size() - 1), products.get(k), budget)) {
        run.add(products.get(k));
      } else {
        if (run.size() > best.size()) {
          best = run;
        }
        run = new ArrayList<>(List.of(products.get(k)));
      }
    }
    return run.size() > best.size() ? run : best;
  }

  private static boolean isAncestor(GraphIndex g, int target, int from, int[] budget) {
    Deque<Integer> queue = new ArrayDeque<>(List.of(from));
    Set<Integer> seen = new HashSet<>();
    while (!queue.isEmpty() && budget[0]-- > 0 && seen.size() < 20_000) {
      int n = queue.poll();
      for (int k = 0; k < g.node(n).inputs().size(); k++) {
        int p = g.producer(n, k);
        if (p == target) {
          return true;
        }
        if (p >= 0 && p > target && seen.add(p)) {
          queue.add(p);
        }
      }
    }
    return false;
  }

  private static String text(GraphIndex g, int node, String attribute) {
    return g.node(node)
        .attribute(attribute)
        .filter(a -> a instanceof AttributeValue.Text)
        .map(a -> ((AttributeValue.Text) a).value())
        .orElse("");
  }
}
