package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lookups over one operator graph for the signal finders: which node produces a value (following
 * subgraph scopes out to their owners), which nodes consume a node's outputs, which values are
 * constants, and which graph inputs each value depends on. Built once per classification; immutable
 * afterwards.
 *
 * <p>Nodes are addressed by their position in {@link Graph#nodes()}. Values are resolved in the
 * scope of the node that uses them, then in the scopes that own it, as ONNX scoping rules say.
 */
final class GraphIndex {
  /** Ops whose output is only a shape or size: they carry no data dependence. */
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");

  /** Ops that generate values without a data input, so are not constant even without inputs. */
  private static final Set<String> RANDOM =
      Set.of(
          "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial");

  /** Ops that pass a weight through unchanged in meaning, followed when looking for its use. */
  static final Set<String> WEIGHT_PASSTHROUGH =
      Set.of("Identity", "Cast", "Transpose", "DequantizeLinear", "Squeeze", "Unsqueeze");

  /**
   * A text attribute holding the node's operator in the framework it was translated from (a
   * TensorFlow graph is read with ONNX op names); evidence shows that name.
   */
  static final String SOURCE_OP = "source_op";

  private static final int MAX_INPUT_BITS = 63;
  private static final int MAX_SCOPE_DEPTH = 64;

  final Graph graph;
  final List<OpNode> nodes;
  final String source;
  private final Map<String, TensorInfo> tensors = new HashMap<>();
  private final Map<String, ValueInfo> inputs = new LinkedHashMap<>();
  private final Map<String, String> parentScope = new HashMap<>();
  private final Map<String, Map<String, Integer>> producers = new HashMap<>();
  private final int[][] inputProducer;
  private final List<List<Integer>> consumers;
  private final boolean[] constant;
  private final long[] dependsOn;
  private final Map<String, Integer> inputBits = new LinkedHashMap<>();
  private final Map<String, Integer> opCounts = new LinkedHashMap<>();

  GraphIndex(ModelProfile profile, Graph graph) {
    this.graph = graph;
    this.nodes = graph.nodes();
    Path file = Path.of(profile.path()).getFileName();
    this.source = file == null ? profile.path() : file.toString();
    for (TensorInfo t : profile.tensors()) {
      tensors.putIfAbsent(t.name(), t);
    }
    for (ValueInfo v : graph.inputs()) {
      inputs.putIfAbsent(v.name(), v);
    }
    int n = nodes.size();
    for (int i = 0; i < n; i++) {
      OpNode node = nodes.get(i);
      opCounts.merge(shownOpOf(node), 1, Integer::sum);
      for (AttributeValue a : node.attributes().values()) {
        if (a instanceof AttributeValue.Subgraph s) {
          parentScope.putIfAbsent(s.scope(), node.scope());
        }
      }
      Map<String, Integer> scope = producers.computeIfAbsent(node.scope(), k -> new HashMap<>());
      for (String out : node.outputs()) {
        if (!out.isEmpty()) {
          scope.putIfAbsent(out, i);
        }
      }
    }
    inputProducer = new int[n][];
    consumers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      OpNode node = nodes.get(i);
      int[] p = new int[node.inputs().size()];
      for (int k = 0; k < p.length; k++) {
        String name = node.inputs().get(k);
        p[k] = name.isEmpty() ? -1 : resolve(node.scope(), name);
        List<Integer> c = p[k] >= 0 && p[k] != i ? consumers.get(p[k]) : null;
        // i only grows, so a repeat can only be the last entry
        if (c != null && (c.isEmpty() || c.get(c.size() - 1) != i)) {
          c.add(i);
        }
      }
      inputProducer[i] = p;
    }
    assignInputBits();
    constant = new boolean[n];
    dependsOn = new long[n];
    // ONNX requires each graph's nodes in topological order and the reader lists a subgraph's
    // nodes before their owner, so one pass settles well-formed files; a second helps unsorted ones
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        settle(i);
      }
    }
  }

  private void settle(int i) {
    OpNode node = nodes.get(i);
    boolean allConstant = !RANDOM.contains(node.opType());
    boolean anyInput = false;
    long mask = 0;
    for (int k = 0; k < inputProducer[i].length; k++) {
      String name = node.inputs().get(k);
      if (name.isEmpty()) {
        continue;
      }
      anyInput = true;
      allConstant &= isConstant(i, k);
      mask |= dependsOn(i, k);
    }
    boolean hasSubgraph = false;
    for (AttributeValue a : node.attributes().values()) {
      hasSubgraph |= a instanceof AttributeValue.Subgraph;
    }
    constant[i] = node.opType().equals("Constant") || (anyInput && allConstant && !hasSubgraph);
    dependsOn[i] = SHAPE_ONLY.contains(node.opType()) ? 0 : mask;
  }

  /**
   * Graph inputs that carry data get a bit; inputs used only as weights (a MatMul's second operand,
   * a Conv kernel, an embedding table, normalization scales) do not, so that two projections with
   * different weight inputs still count as reading the same sequence.
   */
  private void assignInputBits() {
    Map<String, List<int[]>> uses = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      List<String> in = nodes.get(i).inputs();
      for (int k = 0; k < in.size(); k++) {
        if (inputProducer[i][k] < 0 && inputs.containsKey(in.get(k))) {
          uses.computeIfAbsent(in.get(k), x -> new ArrayList<>()).add(new int[] {i, k});
        }
      }
    }
    for (ValueInfo v : inputs.values()) {
      if (inputBits.size() >= MAX_INPUT_BITS || tensors.containsKey(v.name())) {
        continue;
      }
      List<int[]> u = uses.getOrDefault(v.name(), List.of());
      if (u.isEmpty() || !weightOnly(u, v.shape().size())) {
        inputBits.put(v.name(), inputBits.size());
      }
    }
  }

  /**
   * True when every use of a graph input, followed through pass-through ops (a weight is often
   * transposed or dequantized first), is a weight slot.
   */
  private boolean weightOnly(List<int[]> uses, int rank) {
    Deque<int[]> queue = new ArrayDeque<>(uses);
    Set<Integer> seen = new HashSet<>();
    int visits = 0;
    while (!queue.isEmpty()) {
      int[] use = queue.poll();
      OpNode n = nodes.get(use[0]);
      if (++visits > 1000) {
        return false;
      }
      if (WEIGHT_PASSTHROUGH.contains(n.opType()) && use[1] == 0) {
        if (!seen.add(use[0])) {
          continue;
        }
        List<Integer> next = consumers.get(use[0]);
        if (next.isEmpty()) {
          return false;
        }
        for (int c : next) {
          for (int k = 0; k < nodes.get(c).inputs().size(); k++) {
            if (inputProducer[c][k] == use[0]) {
              queue.add(new int[] {c, k});
            }
          }
        }
      } else if (!OpSets.isWeightSlot(n, use[1], rank)) {
        return false;
      }
    }
    return true;
  }

  // ---- values ----------------------------------------------------------------------------

  /** The node producing {@code name} as seen from {@code scope}, or -1 (input, initializer). */
  int resolve(String scope, String name) {
    String s = scope;
    // scopes nest at most as deep as the reader allows; the bound also stops a malformed cycle
    for (int depth = 0; s != null && depth <= MAX_SCOPE_DEPTH; depth++) {
      Map<String, Integer> m = producers.get(s);
      if (m != null) {
        Integer p = m.get(name);
        if (p != null) {
          return p;
        }
      }
      s = s.isEmpty() ? null : parentScope.get(s);
    }
    return -1;
  }

  /** The producer of a node's input, or -1. */
  int producer(int node, int idx) {
    return idx < inputProducer[node].length ? inputProducer[node][idx] : -1;
  }

  String input(int node, int idx) {
    List<String> in = nodes.get(node).inputs();
    return idx < in.size() ? in.get(idx) : "";
  }

  /** Nodes that consume any output of {@code node}. */
  List<Integer> consumers(int node) {
    return consumers.get(node);
  }

  /** True when the input is present and is an initializer, a Constant or folds from them. */
  boolean isConstant(int node, int idx) {
    String name = input(node, idx);
    if (name.isEmpty()) {
      return false;
    }
    int p = producer(node, idx);
    if (p >= 0) {
      return constant[p];
    }
    return tensors.containsKey(name) && !inputs.containsKey(name);
  }

  boolean isConstantNode(int node) {
    return constant[node];
  }

  /** Bit mask of the data-carrying graph inputs a node's input depends on. */
  long dependsOn(int node, int idx) {
    String name = input(node, idx);
    if (name.isEmpty()) {
      return 0;
    }
    int p = producer(node, idx);
    if (p >= 0) {
      return dependsOn[p];
    }
    Integer bit = inputBits.get(name);
    return bit == null ? 0 : 1L << bit;
  }

  /** Bit mask of the data-carrying graph inputs a node's outputs depend on. */
  long dependsOn(int node) {
    return dependsOn[node];
  }

  /** The bit of a graph input, or 0 when it has none (weights, initializers). */
  long bit(String inputName) {
    Integer b = inputBits.get(inputName);
    return b == null ? 0 : 1L << b;
  }

  /** Names of the graph inputs in a mask, in input order. */
  List<String> inputNames(long mask) {
    List<String> out = new ArrayList<>();
    inputBits.forEach(
        (name, b) -> {
          if ((mask & (1L << b)) != 0) {
            out.add(name);
          }
        });
    return out;
  }

  /** Mask of data inputs that can hold a sequence or image: rank 2 or more, or undeclared. */
  long sequenceInputs() {
    long m = 0;
    for (Map.Entry<String, Integer> e : inputBits.entrySet()) {
      ValueInfo v = inputs.get(e.getKey());
      if (v.shape().isEmpty() || v.shape().size() >= 2) {
        m |= 1L << e.getValue();
      }
    }
    return m;
  }

  /** The main graph's data inputs (those with a bit), in order. */
  List<ValueInfo> dataInputs() {
    return inputBits.keySet().stream().map(inputs::get).toList();
  }

  boolean isIntegerInput(String name) {
    ValueInfo v = inputs.get(name);
    return v != null && v.elementType().map(GraphIndex::isInteger).orElse(false);
  }

  static boolean isInteger(DType d) {
    return switch (d) {
      case I8, U8, I16, U16, I32, U32, I64, U64 -> true;
      default -> false;
    };
  }

  static boolean isFloat(DType d) {
    return d == DType.F32 || d == DType.F16 || d == DType.BF16 || d == DType.F64;
  }

  Optional<TensorInfo> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  Optional<ValueInfo> graphInput(String name) {
    return Optional.ofNullable(inputs.get(name));
  }

  /**
   * Elements of a weight input: an initializer, a ConstantOfShape with a constant shape, a declared
   * graph input, or any of those behind a pass-through op. -1 when not known.
   */
  long elements(int node, int idx) {
    for (int hops = 0; hops < 4; hops++) {
      String name = input(node, idx);
      if (name.isEmpty()) {
        return -1;
      }
      int p = producer(node, idx);
      if (p < 0) {
        TensorInfo t = tensors.get(name);
        if (t != null) {
          return t.elements();
        }
        ValueInfo v = inputs.get(name);
        return v == null ? -1 : product(v.shape());
      }
      OpNode pn = nodes.get(p);
      if (pn.opType().equals("ConstantOfShape")) {
        var shape = graph.constants().get(input(p, 0));
        if (shape == null) {
          return -1;
        }
        long e = 1;
        for (double d : shape.values()) {
          e = Math.multiplyExact(e, Math.max(0, (long) d));
        }
        return e;
      }
      TensorInfo t = tensors.get(name);
      if (t != null) {
        return t.elements();
      }
      if (!WEIGHT_PASSTHROUGH.contains(pn.opType())) {
        return -1;
      }
      node = p;
      idx = 0;
    }
    return -1;
  }

  /** The dimensions of a weight input when stored as an initializer; empty otherwise. */
  List<Long> dims(int node, int idx) {
    return Optional.ofNullable(tensors.get(input(node, idx)))
        .map(TensorInfo::shape)
        .orElse(List.of());
  }

  private static long product(List<ValueInfo.Dim> shape) {
    long e = 1;
    for (ValueInfo.Dim d : shape) {
      if (!d.isKnown()) {
        return -1;
      }
      e *= d.value();
    }
    return e;
  }

  // ---- nodes ------------------------------------------------------------------------------

  OpNode node(int i) {
    return nodes.get(i);
  }

  int size() {
    return nodes.size();
  }

  String op(int i) {
    return nodes.get(i).opType();
  }

  /** A node's name as shown in evidence: its own name, or its op and position when unnamed. */
  String label(int i) {
    OpNode n = nodes.get(i);
    String where = n.inMainGraph() ? "" : " in " + n.scope();
    return (n.name().isEmpty() ? n.opType() + " node " + (i + 1) : n.name()) + where;
  }

  /** The op as evidence shows it: the source framework's op when translated, else qualified. */
  String shownOp(int i) {
    return shownOpOf(nodes.get(i));
  }

  private static String shownOpOf(OpNode n) {
    return n.attribute(SOURCE_OP)
        .filter(a -> a instanceof AttributeValue.Text)
        .map(a -> ((AttributeValue.Text) a).value())
        .orElse(n.qualifiedOp());
  }

  /** Counts by shown op ({@code com.microsoft::Attention}), all scopes. */
  Map<String, Integer> opCounts() {
    return opCounts;
  }

  /** Nodes whose op type is one of {@code ops}, in file order, all scopes. */
  List<Integer> nodesOf(Set<String> ops) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (ops.contains(nodes.get(i).opType())) {
        out.add(i);
      }
    }
    return out;
  }

  /** The scope owning a subgraph scope, or null for the main graph, functions and unknowns. */
  String parentScope(String scope) {
    return scope.isEmpty() ? null : parentScope.get(scope);
  }

  long intAttr(int node, String name, long fallback) {
    return nodes.get(node).attribute(name).map(AttributeValue::asLong).orElse(fallback);
  }

  List<Long> intsAttr(int node, String name) {
    return nodes.get(node).attribute(name).map(AttributeValue::asLongs).orElse(List.of());
  }
}
