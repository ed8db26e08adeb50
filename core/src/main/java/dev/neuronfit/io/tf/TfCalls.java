package dev.neuronfit.io.tf;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The calls between the functions of a TensorFlow graph's library, checked for depth. */
final class TfCalls {
  private TfCalls() {}

  /**
   * Checks how deeply functions call functions (through function attributes such as {@code f} and
   * {@code body}, or by op name): a chain longer than {@code maxDepth} is refused, so that no later
   * walk over the calls can be sent arbitrarily deep. A function that calls itself is noted
   * (TensorFlow does not run recursive functions) and the cycle is not followed.
   *
   * @throws ModelFormatException when calls nest deeper than {@code maxDepth}
   */
  static List<String> check(List<OpNode> nodes, Set<String> functions, int maxDepth, Path file)
      throws ModelFormatException {
    List<String> notes = new ArrayList<>();
    Map<String, Set<String>> callees = new LinkedHashMap<>();
    for (OpNode n : nodes) {
      Set<String> out = callees.computeIfAbsent(n.scope(), k -> new LinkedHashSet<>());
      for (AttributeValue a : n.attributes().values()) {
        if (a instanceof AttributeValue.Subgraph s && functions.contains(fn(s.scope()))) {
          out.add(fn(s.scope()));
        }
      }
      if (functions.contains(n.opType())) {
        out.add(n.opType());
      }
    }
    // longest chain below each function, by an explicit-stack depth-first walk
    Map<String, Integer> depth = new LinkedHashMap<>();
    Set<String> onStack = new LinkedHashSet<>();
    List<String> cycles = new ArrayList<>();
    for (String root : functions) {
      if (depth.containsKey(root)) {
        continue;
      }
      List<String> stack = new ArrayList<>(List.of(root));
      List<Iterator<String>> next = new ArrayList<>();
      next.add(callees.getOrDefault("function:" + root, Set.of()).iterator());
      onStack.add(root);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        Iterator<String> it = next.get(top);
        if (it.hasNext()) {
          String callee = it.next();
          if (onStack.contains(callee)) {
            if (cycles.size() < 3) {
              cycles.add(stack.get(top) + " -> " + callee);
            }
          } else if (!depth.containsKey(callee)) {
            stack.add(callee);
            next.add(callees.getOrDefault("function:" + callee, Set.of()).iterator());
            onStack.add(callee);
          }
          continue;
        }
        String done = stack.remove(top);
        next.remove(top);
        onStack.remove(done);
        int d = 1;
        for (String callee : callees.getOrDefault("function:" + done, Set.of())) {
          d = Math.max(d, 1 + depth.getOrDefault(callee, 0));
        }
        if (d > maxDepth) {
          throw new ModelFormatException(
              file,
              "function \"" + done + "\"",
              "function calls nested deeper than the limit of " + maxDepth);
        }
        depth.put(done, d);
      }
    }
    if (!cycles.isEmpty()) {
      notes.add(
          "functions call themselves (e.g. "
              + String.join(", ", cycles)
              + "); TensorFlow does not run recursive functions, and the cycle is not followed");
    }
    return notes;
  }

  private static String fn(String scope) {
    return scope.startsWith("function:") ? scope.substring("function:".length()) : scope;
  }
}
