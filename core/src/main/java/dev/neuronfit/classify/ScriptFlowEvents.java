package dev.neuronfit.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The call-aware dataflow a TorchScript reader wrote to the graph's metadata ({@code
 * torchscript.flow}, described in {@code io.torch.ScriptFlow}), parsed into the methods of the
 * code, each with its parameters and its events in the order the code runs them. Immutable after
 * parsing; a malformed line is skipped (the text comes from our own reader, but from a hostile
 * file's names).
 */
final class ScriptFlowEvents {
  /** One argument: its keyword ("" when positional) and the values it depends on. */
  record Arg(String keyword, List<String> values) {}

  /** An event of a method body. */
  sealed interface Event {}

  /** The operator node at {@code index} of the graph, with its arguments. */
  record Node(int index, List<Arg> args) implements Event {}

  /** A module method or compiled function called; its result is the value {@code id}. */
  record Call(String id, String callee, List<Arg> args) implements Event {}

  /** The method returns these values. */
  record Return(List<String> values) implements Event {}

  /** A method or function: its parameters' value names and its events, in order. */
  record Method(String name, List<String> params, List<Event> events) {
    Method {
      params = List.copyOf(params);
      events = List.copyOf(events);
    }
  }

  final String root;
  final Map<String, Method> methods;
  final boolean truncated;

  private ScriptFlowEvents(String root, Map<String, Method> methods, boolean truncated) {
    this.root = root;
    this.methods = Map.copyOf(methods);
    this.truncated = truncated;
  }

  static ScriptFlowEvents parse(String text) {
    String root = "";
    Map<String, List<String>> params = new HashMap<>();
    Map<String, List<Event>> bodies = new HashMap<>();
    List<Event> events = null;
    boolean truncated = false;
    for (String line : text.split("\n")) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "root" -> root = f.length > 1 ? f[1] : "";
        case "def" -> {
          if (f.length < 2) {
            events = null;
            continue;
          }
          // the first def of a name wins: a hostile file cannot replace a method
          if (bodies.containsKey(f[1])) {
            events = null;
            continue;
          }
          events = new ArrayList<>();
          bodies.put(f[1], events);
          params.put(f[1], f.length > 2 ? Arrays.asList(f[2].split(" ")) : List.of());
        }
        case "node" -> {
          if (events != null && f.length >= 2 && f[1].matches("\\d{1,9}")) {
            events.add(new Node(Integer.parseInt(f[1]), args(f, 2)));
          }
        }
        case "call" -> {
          if (events != null && f.length >= 3) {
            events.add(new Call(f[1], f[2], args(f, 3)));
          }
        }
        case "return" -> {
          if (events != null && f.length >= 2) {
            events.add(new Return(values(f[1], " ")));
          }
        }
        case "truncated" -> truncated = true;
        default -> {
          // an empty line or one this version does not know
        }
      }
    }
    Map<String, Method> methods = new HashMap<>();
    bodies.forEach((name, body) -> methods.put(name, new Method(name, params.get(name), body)));
    return new ScriptFlowEvents(root, methods, truncated);
  }

  private static List<Arg> args(String[] f, int from) {
    List<Arg> out = new ArrayList<>();
    for (int i = from; i < f.length; i++) {
      String a = f[i];
      int eq = a.indexOf('=');
      String keyword = eq > 0 ? a.substring(0, eq) : "";
      out.add(new Arg(keyword, values(eq > 0 ? a.substring(eq + 1) : a, ",")));
    }
    return out;
  }

  private static List<String> values(String field, String separator) {
    return field.equals("-") || field.isEmpty() ? List.of() : List.of(field.split(separator));
  }
}
