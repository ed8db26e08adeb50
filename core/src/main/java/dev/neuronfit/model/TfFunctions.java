package dev.neuronfit.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the graph of a TensorFlow model runs its function library, as the TensorFlow reader lays it
 * out (functions as scopes {@code function:<name>}, the serving signature's tensors as the graph's
 * outputs, {@code signature} in its metadata): which nodes the serving signature computes, which
 * function a node calls, and which functions only save and restore variables. Shared by the
 * readings that follow the calls (classification, operator coverage, workload). Stateless.
 */
public final class TfFunctions {
  /** Ops that call a function of the library with their inputs as its arguments. */
  public static final Set<String> CALLS = Set.of("StatefulPartitionedCall", "PartitionedCall");

  /** Functions TensorFlow writes into a SavedModel to save and restore its variables. */
  private static final List<String> SAVERS =
      List.of("function:__inference__traced_save", "function:__inference__traced_restore");

  private TfFunctions() {}

  /** True for the scope of a function that saves or restores variables, never run to infer. */
  public static boolean isSaver(String scope) {
    return SAVERS.stream().anyMatch(scope::startsWith);
  }

  /**
   * The scope of the function a node calls: through the {@code f} attribute of a call op, or by op
   * name (a function used as an op); empty when it calls none of {@code scopes}.
   */
  public static Optional<String> callee(OpNode n, Set<String> scopes) {
    String scope = null;
    if (CALLS.contains(n.opType())) {
      scope =
          n.attribute("f")
              .filter(a -> a instanceof AttributeValue.Subgraph)
              .map(a -> ((AttributeValue.Subgraph) a).scope())
              .orElse(null);
    } else if (scopes.contains("function:" + n.opType())) {
      scope = "function:" + n.opType();
    }
    return scope != null && scopes.contains(scope) ? Optional.of(scope) : Optional.empty();
  }

  /**
   * The main-graph nodes the serving signature's outputs are computed from, in file order; every
   * main-graph node when the model has no signature (a frozen graph).
   */
  public static List<OpNode> servingPath(Graph g) {
    List<OpNode> main = g.mainNodes();
    if (!g.metadata().containsKey("signature") || g.outputs().isEmpty()) {
      return main;
    }
    Map<String, OpNode> byName = new HashMap<>();
    main.forEach(n -> byName.putIfAbsent(n.name(), n));
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>();
    g.outputs().forEach(v -> queue.add(producer(v.name())));
    while (!queue.isEmpty()) {
      String name = queue.poll();
      OpNode n = byName.get(name);
      if (n != null && seen.add(name)) {
        queue.addAll(n.inputs());
      }
    }
    return seen.isEmpty() ? main : main.stream().filter(n -> seen.contains(n.name())).toList();
  }

  /**
   * The function scopes a graph runs: those its main graph calls, through function attributes
   * ({@code f}, {@code body}, {@code then_branch} ...) or by op name, and those they call in turn;
   * the save and restore functions are left out.
   */
  public static Set<String> called(Graph graph) {
    Map<String, List<OpNode>> byScope = new HashMap<>();
    graph.nodes().forEach(n -> byScope.computeIfAbsent(n.scope(), k -> new ArrayList<>()).add(n));
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of(""));
    while (!queue.isEmpty()) {
      for (OpNode n : byScope.getOrDefault(queue.poll(), List.of())) {
        List<String> callees = new ArrayList<>();
        callees.add("function:" + n.opType());
        for (AttributeValue a : n.attributes().values()) {
          if (a instanceof AttributeValue.Subgraph s) {
            callees.add(s.scope());
          }
        }
        for (String c : callees) {
          if (c.startsWith("function:") && byScope.containsKey(c) && !isSaver(c) && seen.add(c)) {
            queue.add(c);
          }
        }
      }
    }
    return seen;
  }

  /** The node a tensor name stands for: {@code x:1} is an output of {@code x}. */
  public static String producer(String value) {
    int colon = value.indexOf(':');
    return colon < 0 ? value : value.substring(0, colon);
  }
}
