package dev.neuronfit.io.torch;

import dev.neuronfit.io.torch.ScriptCalls.Arg;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Records the call-aware dataflow of a TorchScript archive's code, so that a classifier can follow
 * values across module calls (an encoder's output into a decoder's cross-attention), which the
 * operator nodes alone do not show: there a module call is not a node and its arguments flow
 * through to its result. Written to the graph's metadata as {@code torchscript.flow}, one event a
 * line, fields separated by tabs, the values of one field by spaces:
 *
 * <ul>
 *   <li>{@code root <method>}: the root module's forward method
 *   <li>{@code def <method> <param> ...}: a method or free function begins (its raw, mangled class
 *       and name, e.g. {@code __torch__.a.___torch_mangle_3.B.forward}, or its module and name),
 *       with its parameters' value names; the events up to the next {@code def} are its body, in
 *       the order the code runs them
 *   <li>{@code node <index> <arg> ...}: the operator node at this index of the graph's nodes, with
 *       the values of each argument
 *   <li>{@code call <id> <callee> <arg> ...}: a module method or compiled function is called; its
 *       result is the value {@code <id>}
 *   <li>{@code return <values>}
 * </ul>
 *
 * An argument is written as its values joined by commas, prefixed by {@code keyword=} when passed
 * by keyword, or {@code -} when it depends on nothing. Raw class names keep apart submodules that
 * print the same class name (a self-attention and a cross-attention {@code MultiheadAttention}).
 * Events past the limit are dropped and a {@code truncated} line says so. Not thread-safe.
 */
final class ScriptFlow {
  /** What a submodule or {@code self} stands for in the call-aware view: its raw class. */
  static final String TYPE = "type:";

  /** What a reference to a compiled function stands for. */
  static final String FUNCTION = "fn:";

  private static final Pattern SEPARATORS = Pattern.compile("[\\s,=]");

  private final int maxEvents;
  private final StringBuilder text = new StringBuilder();
  private final Map<String, Map<String, String>> types = new HashMap<>();
  private int events;
  private int calls;
  private boolean truncated;

  /**
   * @param maxEvents most events recorded; the rest are dropped
   */
  ScriptFlow(int maxEvents) {
    this.maxEvents = maxEvents;
  }

  /** A class attribute annotated with a module class, e.g. {@code self_attn : __torch__...}. */
  void attribute(String rawClass, String name, String rawType) {
    if (rawType.startsWith("__torch__.") && types.size() < maxEvents) {
      types.computeIfAbsent(rawClass, k -> new HashMap<>()).put(name, rawType);
    }
  }

  /** The raw class of a submodule attribute, or null. */
  String attributeType(String rawClass, String name) {
    return types.getOrDefault(rawClass, Map.of()).get(name);
  }

  void root(String method) {
    line("root\t" + safe(method));
  }

  void def(String method, List<String> params) {
    line(
        "def\t"
            + safe(method)
            + (params.isEmpty()
                ? ""
                : "\t" + String.join(" ", params.stream().map(ScriptFlow::safe).toList())));
  }

  void node(int index, List<Arg> args) {
    line("node\t" + index + args(args));
  }

  /** Records a call and returns the name of its result. */
  String call(String callee, List<Arg> args) {
    String id = "call:" + calls++;
    line("call\t" + id + "\t" + safe(callee) + args(args));
    return id;
  }

  void ret(List<String> values) {
    line(
        "return\t"
            + (values.isEmpty()
                ? "-"
                : String.join(" ", values.stream().map(ScriptFlow::safe).toList())));
  }

  /** The recorded events, for the graph's metadata. */
  String text() {
    return truncated ? text + "truncated\n" : text.toString();
  }

  private static String args(List<Arg> args) {
    StringBuilder b = new StringBuilder();
    for (Arg a : args) {
      b.append('\t');
      if (!a.keyword().isEmpty()) {
        b.append(a.keyword()).append('=');
      }
      b.append(
          a.values().isEmpty()
              ? "-"
              : String.join(",", a.values().stream().map(ScriptFlow::safe).toList()));
    }
    return b.toString();
  }

  /** Names from the file never carry a separator of this format (tensor paths come from data). */
  private static String safe(String name) {
    return SEPARATORS.matcher(name).replaceAll("_");
  }

  private void line(String s) {
    if (events >= maxEvents) {
      truncated = true;
      return;
    }
    events++;
    text.append(s).append('\n');
  }
}
