package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.Outcome;
import dev.neuronfit.estimate.graph.ShapePropagation;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.TfFunctions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Walks a TensorFlow graph as it runs one inference: the main-graph nodes the serving signature
 * computes ({@link TfFunctions#servingPath}), and the body of each function they call, once per
 * call, with the call's inputs bound to the body's arguments; the save and restore functions are
 * never entered. Each node's outputs come from its op's shape function ({@link TfOpShapes}); where
 * that leaves a dimension unknown, the graph's own {@code _output_shapes} fill it in (TF2 writes
 * them on every node of a function body). An input naming another output of its producer than the
 * first says which in {@code _input_ports} (written by the reader).
 *
 * <p>What is not counted is listed by op as cost unknown: unknown ops, multiply-accumulating ops
 * whose shapes stayed unknown, While/If/Case nodes whose bodies multiply (a loop runs a
 * data-dependent number of times), ops inside a TF1 loop frame (Enter ... Exit) that multiply, and
 * calls past the depth or work budget. A function called again with inputs of the same shapes is
 * not walked again: its figures are reused.
 */
final class TfShapePropagation {
  /** Nodes walked across all function calls before further calls are left as cost unknown. */
  static final long MAX_WALKED = 4_000_000;

  /** Function calls nested deeper than this are left as cost unknown. */
  static final int MAX_DEPTH = 64;

  /**
   * One op costing this many multiply-accumulates or more is taken for hostile sizes (or a product
   * saturated at the largest long), not a figure: whole passes of the largest models are below
   * 10^17.
   */
  private static final double IMPLAUSIBLE = 1e18;

  private static final Set<String> WHILE = Set.of("While", "StatelessWhile");
  private static final Set<String> BRANCH = Set.of("If", "StatelessIf", "Case", "StatelessCase");
  private static final Set<String> VARIABLES =
      Set.of("VarHandleOp", "VariableV2", "Variable", "VarHandleOpV2");

  /**
   * The outcome of a walk.
   *
   * @param macs multiply-accumulates whose cost was derived
   * @param macsByOp the same by op
   * @param costUnknown ops whose cost could not be derived, with counts per inference
   * @param outputs what is known about each of the graph's outputs, by name
   * @param calls function calls walked (reused ones included)
   * @param loopFrameOps multiplying ops found inside TF1 loop frames (among the cost unknown)
   * @param truncated true when the depth or work budget left calls unwalked
   * @param constantsRead the tensors of the Const nodes walked
   */
  record Result(
      double macs,
      Map<String, Double> macsByOp,
      Map<String, Integer> costUnknown,
      Map<String, TensorValue> outputs,
      int calls,
      int loopFrameOps,
      boolean truncated,
      Set<String> constantsRead) {}

  /** The work of one run of a scope. */
  private static final class Tally {
    double macs;
    final Map<String, Double> byOp = new TreeMap<>();
    final Map<String, Integer> unknown = new TreeMap<>();
    int calls;
    int loopFrameOps;

    void add(Tally o) {
      macs += o.macs;
      o.byOp.forEach((k, v) -> byOp.merge(k, v, Double::sum));
      o.unknown.forEach((k, v) -> unknown.merge(k, v, Integer::sum));
      calls += o.calls;
      loopFrameOps += o.loopFrameOps;
    }

    void unknown(String op) {
      unknown.merge(op, 1, Integer::sum);
    }
  }

  private record Walked(List<TensorValue> results, Tally tally) {}

  private final Map<String, List<OpNode>> byScope = new HashMap<>();
  private final Map<String, List<OpNode>> sorted = new HashMap<>();
  private final Map<String, TensorInfo> tensors = new HashMap<>();
  private final Map<String, ConstantValue> constants;
  private final Map<String, Walked> memo = new HashMap<>();
  private final Map<String, Boolean> works = new HashMap<>();
  private final Set<String> active = new HashSet<>();
  private final Set<String> constantsRead = new HashSet<>();
  private long walked;
  private boolean truncated;

  private TfShapePropagation(Graph g, List<TensorInfo> tensorList) {
    for (OpNode n : g.nodes()) {
      byScope.computeIfAbsent(n.scope(), k -> new ArrayList<>()).add(n);
    }
    for (TensorInfo t : tensorList) {
      tensors.putIfAbsent(t.name(), t);
    }
    this.constants = g.constants();
  }

  /**
   * Walks one inference.
   *
   * @param inputs what is known about the graph's inputs (its Placeholder nodes), by name
   */
  static Result run(Graph g, List<TensorInfo> tensors, Map<String, TensorValue> inputs) {
    TfShapePropagation p = new TfShapePropagation(g, tensors);
    List<OpNode> main = ShapePropagation.ordered(TfFunctions.servingPath(g));
    Map<String, TensorValue> values = new HashMap<>();
    Tally t = new Tally();
    p.walk(main, List.of(), inputs, 0, t, values);
    Map<String, TensorValue> outputs = new HashMap<>();
    g.outputs()
        .forEach(
            o -> {
              String producer = TfFunctions.producer(o.name());
              String rest = o.name().substring(producer.length());
              String key = rest.isEmpty() || rest.equals(":0") ? producer : producer + rest;
              outputs.put(o.name(), values.getOrDefault(key, TensorValue.UNKNOWN));
            });
    return new Result(
        t.macs,
        Collections.unmodifiableMap(t.byOp),
        Collections.unmodifiableMap(t.unknown),
        outputs,
        t.calls,
        t.loopFrameOps,
        p.truncated,
        Collections.unmodifiableSet(p.constantsRead));
  }

  /**
   * Walks one run of a scope's nodes (in topological order), adding its work to {@code tally}.
   *
   * @param args the values bound to the scope's {@code _Arg} nodes, by index
   * @param placeholders the values of the main graph's inputs, by name
   * @param values filled with the value of each output, by name ({@code x}, {@code x:1})
   * @return the values of the scope's {@code _Retval} nodes, by index
   */
  private List<TensorValue> walk(
      List<OpNode> nodes,
      List<TensorValue> args,
      Map<String, TensorValue> placeholders,
      int depth,
      Tally tally,
      Map<String, TensorValue> values) {
    Set<String> inFrame = loopFrames(nodes);
    TreeMap<Long, TensorValue> rets = new TreeMap<>();
    for (OpNode n : nodes) {
      List<TensorValue> ins = inputs(n, values);
      String op = n.opType();
      long index = n.attribute("index").map(AttributeValue::asLong).orElse(-1L);
      List<TensorValue> outs;
      if (op.equals("_Arg")) {
        outs = List.of(index >= 0 && index < args.size() ? args.get((int) index) : unknown());
      } else if (op.equals("_Retval")) {
        rets.put(index, ins.isEmpty() ? unknown() : ins.get(0));
        continue;
      } else if (op.equals("Placeholder") && n.inMainGraph()) {
        outs = List.of(placeholders.getOrDefault(n.name(), declaredShape(n, "shape")));
      } else if (op.equals("Const")) {
        outs = List.of(constant(n));
      } else if (VARIABLES.contains(op)) {
        outs = List.of(declaredShape(n, "shape"));
      } else if (TfFunctions.callee(n, byScope.keySet()).isPresent()) {
        outs = call(n, TfFunctions.callee(n, byScope.keySet()).get(), ins, depth, tally);
      } else if (WHILE.contains(op) || BRANCH.contains(op)) {
        outs = control(n, ins, tally);
      } else {
        outs = node(n, ins, inFrame.contains(n.name()), tally);
      }
      for (int k = 0; k < Math.max(1, outs.size()); k++) {
        TensorValue v = k < outs.size() ? outs.get(k) : unknown();
        values.put(k == 0 ? n.name() : n.name() + ":" + k, declared(v, n, k));
      }
    }
    List<TensorValue> out = new ArrayList<>();
    if (!rets.isEmpty() && rets.firstKey() >= 0 && rets.lastKey() < 100_000) {
      for (long k = 0; k <= rets.lastKey(); k++) {
        out.add(rets.getOrDefault(k, unknown()));
      }
    }
    return out;
  }

  private static TensorValue unknown() {
    return TensorValue.UNKNOWN;
  }

  /** The node's inputs, each the output of its producer that {@code _input_ports} names. */
  private static List<TensorValue> inputs(OpNode n, Map<String, TensorValue> values) {
    List<Long> ports = n.attribute("_input_ports").map(AttributeValue::asLongs).orElse(List.of());
    List<TensorValue> ins = new ArrayList<>(n.inputs().size());
    for (int i = 0; i < n.inputs().size(); i++) {
      long port = i < ports.size() ? ports.get(i) : 0;
      String key = port == 0 ? n.inputs().get(i) : n.inputs().get(i) + ":" + port;
      ins.add(values.getOrDefault(key, unknown()));
    }
    return ins;
  }

  /** A plain op: its shape function, its cost added or listed as unknown. */
  private static List<TensorValue> node(
      OpNode n, List<TensorValue> ins, boolean inLoop, Tally tally) {
    String op = n.opType();
    Optional<Outcome> r;
    try {
      r = TfOpShapes.apply(op, new NodeView(n, ins));
    } catch (ArithmeticException
        | IndexOutOfBoundsException
        | NegativeArraySizeException
        | IllegalArgumentException e) {
      // sizes that contradict each other or overflow: possible only in a malformed file
      r =
          Optional.of(
              TfOpShapes.COSTED.contains(op)
                  ? Outcome.costUnknown(unknown())
                  : Outcome.free(unknown()));
    }
    if (r.isEmpty()) {
      tally.unknown(op);
      return List.of();
    }
    Outcome o = r.get();
    double macs = o.macs().orElse(-1);
    if (macs < 0 || macs >= IMPLAUSIBLE || macs > 0 && inLoop) {
      tally.unknown(op);
      tally.loopFrameOps += inLoop ? 1 : 0;
    } else if (macs > 0) {
      tally.macs += macs;
      tally.byOp.merge(op, macs, Double::sum);
    }
    return o.outputs();
  }

  /** A function call: its body walked with the call's inputs, or reused from the same shapes. */
  private List<TensorValue> call(
      OpNode n, String callee, List<TensorValue> ins, int depth, Tally tally) {
    if (TfFunctions.isSaver(callee)) {
      return List.of();
    }
    String key = callee + "|" + ins;
    Walked w = key.length() < 200_000 ? memo.get(key) : null;
    if (w == null) {
      List<OpNode> body =
          sorted.computeIfAbsent(callee, s -> ShapePropagation.ordered(byScope.get(s)));
      if (depth >= MAX_DEPTH || active.contains(callee) || walked + body.size() > MAX_WALKED) {
        truncated |= !active.contains(callee);
        tally.unknown(n.opType());
        return List.of();
      }
      walked += body.size();
      active.add(callee);
      Tally t = new Tally();
      List<TensorValue> results = walk(body, ins, Map.of(), depth + 1, t, new HashMap<>());
      active.remove(callee);
      w = new Walked(results, t);
      if (key.length() < 200_000) {
        memo.put(key, w);
      }
    }
    tally.calls++;
    tally.add(w.tally());
    return w.results();
  }

  /**
   * While, If and Case: a body that multiplies (or has unknown ops) runs a data-dependent number of
   * times, or on a data-dependent branch, so the node is cost unknown; outputs take the graph's
   * declared shapes, a loop's otherwise its inputs' shapes.
   */
  private List<TensorValue> control(OpNode n, List<TensorValue> ins, Tally tally) {
    boolean work = false;
    for (AttributeValue a : n.attributes().values()) {
      if (a instanceof AttributeValue.Subgraph s && byScope.containsKey(s.scope())) {
        work |= works(s.scope(), new HashSet<>());
      }
    }
    if (work) {
      tally.unknown(n.opType());
    }
    List<TensorValue> outs = new ArrayList<>();
    if (WHILE.contains(n.opType())) {
      for (TensorValue v : ins) {
        outs.add(v.rankKnown() ? TensorValue.of(v.dims(), v.integral()) : unknown());
      }
    }
    return outs;
  }

  /** True when a function (or one it calls) has ops that multiply or are unknown. */
  private boolean works(String scope, Set<String> seen) {
    Boolean known = works.get(scope);
    if (known != null) {
      return known;
    }
    if (!seen.add(scope) || seen.size() > MAX_DEPTH) {
      return false;
    }
    boolean w = false;
    for (OpNode n : byScope.getOrDefault(scope, List.of())) {
      String op = n.opType();
      Optional<String> callee = TfFunctions.callee(n, byScope.keySet());
      if (callee.isPresent()) {
        w = !TfFunctions.isSaver(callee.get()) && works(callee.get(), seen);
      } else if (WHILE.contains(op) || BRANCH.contains(op)) {
        for (AttributeValue a : n.attributes().values()) {
          if (a instanceof AttributeValue.Subgraph s && byScope.containsKey(s.scope())) {
            w |= works(s.scope(), seen);
          }
        }
      } else {
        w =
            TfOpShapes.COSTED.contains(op)
                || !TfOpShapes.known(op) && !isSource(op) && !op.equals("_Retval");
      }
      if (w) {
        break;
      }
    }
    works.put(scope, w);
    return w;
  }

  private static boolean isSource(String op) {
    return op.equals("_Arg")
        || op.equals("Placeholder")
        || op.equals("Const")
        || VARIABLES.contains(op);
  }

  /**
   * Nodes inside TF1 loop frames: those reached from an Enter node through data edges, stopping at
   * Exit. They run once per iteration, a number the graph does not fix.
   */
  private static Set<String> loopFrames(List<OpNode> nodes) {
    Map<String, List<OpNode>> consumers = new HashMap<>();
    Deque<OpNode> queue = new ArrayDeque<>();
    for (OpNode n : nodes) {
      for (String in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
      if (n.opType().equals("Enter") || n.opType().equals("RefEnter")) {
        queue.add(n);
      }
    }
    Set<String> in = new HashSet<>();
    while (!queue.isEmpty()) {
      OpNode n = queue.poll();
      if (!in.add(n.name()) || n.opType().endsWith("Exit")) {
        continue;
      }
      queue.addAll(consumers.getOrDefault(n.name(), List.of()));
    }
    return in;
  }

  /** A Const node's tensor: its shape, and its numbers when small. */
  private TensorValue constant(OpNode n) {
    Optional<String> name =
        n.attribute("value")
            .filter(a -> a instanceof AttributeValue.Tensor)
            .map(a -> ((AttributeValue.Tensor) a).name());
    TensorInfo t = name.map(tensors::get).orElse(null);
    if (t == null) {
      return declaredShape(n, "_output_shapes");
    }
    constantsRead.add(t.name());
    long[] dims = t.shape().stream().mapToLong(Long::longValue).toArray();
    boolean integral = integral(t.dtype());
    ConstantValue c = constants.get(t.name());
    if (c == null || c.values().size() != t.elements()) {
      return TensorValue.of(dims, integral);
    }
    return TensorValue.withData(
        dims, c.values().stream().mapToDouble(Double::doubleValue).toArray(), integral);
  }

  private static boolean integral(DType t) {
    return t.name().startsWith("I") || t.name().startsWith("U") || t == DType.BOOL;
  }

  /** A value of the shape a node's attribute declares (-1 unknown), of its declared type. */
  private static TensorValue declaredShape(OpNode n, String attribute) {
    Optional<AttributeValue> shape =
        n.attribute(attribute).filter(a -> a instanceof AttributeValue.Ints);
    boolean integral =
        n.attribute("dtype")
            .map(AttributeValue::asLong)
            .flatMap(DType::fromTensorFlowCode)
            .map(TfShapePropagation::integral)
            .orElse(false);
    if (shape.isEmpty()) {
      return TensorValue.unknownRank(integral);
    }
    return TensorValue.of(
        shape.get().asLongs().stream().mapToLong(Long::longValue).toArray(), integral);
  }

  /**
   * A derived value with the dimensions it leaves unknown taken from the node's {@code
   * _output_shapes} for that output, when the graph declares them.
   */
  private static TensorValue declared(TensorValue v, OpNode n, int port) {
    Optional<AttributeValue> a =
        n.attribute(port == 0 ? "_output_shapes" : "_output_shapes#" + port)
            .filter(x -> x instanceof AttributeValue.Ints);
    if (a.isEmpty() || v.shapeKnown()) {
      return v;
    }
    long[] d = a.get().asLongs().stream().mapToLong(Long::longValue).toArray();
    if (!v.rankKnown()) {
      return TensorValue.of(d, v.integral());
    }
    if (v.rank() != d.length) {
      return v;
    }
    long[] dims = v.dims();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = dims[i] < 0 ? d[i] : dims[i];
    }
    return TensorValue.of(dims, v.integral());
  }
}
