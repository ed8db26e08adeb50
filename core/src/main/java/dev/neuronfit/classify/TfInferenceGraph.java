package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.TfFunctions;
import dev.neuronfit.model.ValueInfo;
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
 * The inference graph of a TensorFlow model, rewritten so that the graph signals written for ONNX
 * can read it: the ops ONNX has are renamed ({@link TfOps}), weights (Const, variables) become
 * Constant nodes, Placeholders become graph inputs, and function calls (StatefulPartitionedCall,
 * PartitionedCall, ops named after a library function) are inlined, so that data flows from the
 * graph inputs through every layer as it does at run time. While, If and Case bodies become
 * subgraphs of Loop and If nodes, as ONNX has them. Each node keeps its TensorFlow op in the {@link
 * GraphIndex#SOURCE_OP} attribute, which evidence shows.
 *
 * <p>For a SavedModel with a signature, only what the signature's outputs are computed from is
 * kept: the serving path, without the training, saving and restoring nodes beside it. Functions
 * TensorFlow writes to save and restore variables are never inlined. Inlining stops at a node
 * budget and a call depth, so a hostile library cannot blow the graph up.
 */
final class TfInferenceGraph {
  private static final int MAX_NODES = 500_000;
  private static final int MAX_DEPTH = 64;
  private static final String SEP = "|"; // not allowed in TensorFlow names, so prefixes are unique

  /**
   * The rewritten graph.
   *
   * @param profile a profile holding the graph and its weights named as the graph names them
   * @param inlined function calls inlined
   * @param truncated true when the node budget or call depth stopped the inlining
   * @param tokenIds float inputs read as token ids (cast to integers for an embedding lookup)
   */
  record Result(
      ModelProfile profile, Graph graph, int inlined, boolean truncated, List<String> tokenIds) {}

  private final Graph src;
  private final Map<String, List<OpNode>> byScope = new HashMap<>();
  private final Map<String, TensorInfo> srcTensors = new HashMap<>();
  private final List<OpNode> out = new ArrayList<>();
  private final List<TensorInfo> weights = new ArrayList<>();
  private final Map<String, ConstantValue> constants = new HashMap<>();
  private final Map<String, List<Long>> weightShapes = new HashMap<>();
  private final Set<String> inlining = new HashSet<>();
  private final Map<String, List<OpNode>> sorted = new HashMap<>();
  private int inlined;
  private boolean truncated;

  private TfInferenceGraph(ModelProfile profile, Graph src) {
    this.src = src;
    for (OpNode n : src.nodes()) {
      byScope.computeIfAbsent(n.scope(), k -> new ArrayList<>()).add(n);
    }
    for (TensorInfo t : profile.tensors()) {
      srcTensors.putIfAbsent(t.name(), t);
    }
  }

  static Result of(ModelProfile profile, Graph g) {
    TfInferenceGraph t = new TfInferenceGraph(profile, g);
    List<OpNode> main = TfFunctions.servingPath(g);
    Set<String> kept = new HashSet<>();
    main.forEach(n -> kept.add(n.name()));
    Map<String, String> env = new HashMap<>();
    t.emit(topological(main), "", "", List.of(), 0, env);
    List<ValueInfo> inputs = new ArrayList<>();
    Set<String> tokenIds = t.tokenIds();
    for (ValueInfo v : g.inputs()) {
      String name = producer(v.name());
      if (kept.contains(name)) {
        // Keras casts float inputs of an Embedding to integers: they carry token ids
        Optional<DType> type = tokenIds.contains(name) ? Optional.of(DType.I32) : v.elementType();
        inputs.add(new ValueInfo(name, type, v.shape()));
      }
    }
    List<ValueInfo> outputs = new ArrayList<>();
    for (ValueInfo v : g.outputs()) {
      String name = env.getOrDefault(producer(v.name()), producer(v.name()));
      outputs.add(new ValueInfo(name, v.elementType(), v.shape()));
    }
    Graph graph =
        new Graph(Map.of(), g.producer(), Map.of(), inputs, outputs, t.out, t.constants, Map.of());
    ModelProfile p =
        new ModelProfile(
            profile.path(),
            profile.format(),
            profile.framework(),
            profile.weights(),
            t.weights,
            Optional.empty(),
            Optional.of(graph),
            List.of(),
            List.of());
    return new Result(p, graph, t.inlined, t.truncated, List.copyOf(tokenIds));
  }

  /**
   * Names of values whose every use is a Shape, or a Cast to an integer type whose every use is the
   * indices of a Gather: an input that carries token ids though declared as floats, as Keras models
   * with an Embedding layer and the default float Input have it.
   */
  private Set<String> tokenIds() {
    Map<String, List<OpNode>> users = new HashMap<>();
    for (OpNode n : out) {
      for (String in : n.inputs()) {
        users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    Set<String> ids = new java.util.TreeSet<>();
    for (OpNode n : byScope.getOrDefault("", List.of())) {
      if (!TfOps.PLACEHOLDERS.contains(n.opType())) {
        continue;
      }
      boolean gathered = false;
      boolean other = false;
      for (OpNode u : users.getOrDefault(n.name(), List.of())) {
        if (u.opType().equals("Shape")) {
          continue;
        }
        long to = u.attribute("DstT").map(AttributeValue::asLong).orElse(-1L);
        boolean integer = DType.fromTensorFlowCode(to).map(GraphIndex::isInteger).orElse(false);
        if (!u.opType().equals("Cast") || !integer) {
          other = true;
          continue;
        }
        for (OpNode gather : users.getOrDefault(u.outputs().get(0), List.of())) {
          boolean indices =
              gather.opType().equals("Gather")
                  && gather.inputs().size() > 1
                  && gather.inputs().get(1).equals(u.outputs().get(0));
          gathered |= indices;
          other |= !indices;
        }
      }
      if (gathered && !other) {
        ids.add(n.name());
      }
    }
    return ids;
  }

  /**
   * Emits the nodes of one scope instance.
   *
   * @param prefix makes this instance's value names unique
   * @param scope the scope of the emitted nodes ({@code ""} or a loop or branch body)
   * @param args the values bound to the instance's {@code _Arg} nodes, by index
   * @param env filled with the value each source node name stands for
   * @return the values of the instance's {@code _Retval} nodes, by index
   */
  private List<String> emit(
      List<OpNode> nodes,
      String prefix,
      String scope,
      List<String> args,
      int depth,
      Map<String, String> env) {
    Map<Long, String> rets = new java.util.TreeMap<>();
    for (OpNode n : nodes) {
      List<String> in = n.inputs().stream().map(x -> env.getOrDefault(x, prefix + x)).toList();
      String own = prefix + n.name();
      String op = n.opType();
      long index = n.attribute("index").map(AttributeValue::asLong).orElse(-1L);
      if (op.equals("_Arg")) {
        env.put(n.name(), index >= 0 && index < args.size() ? args.get((int) index) : own);
      } else if (op.equals("_Retval")) {
        rets.put(index, in.isEmpty() ? "" : in.get(0));
      } else if (TfOps.PLACEHOLDERS.contains(op) && scope.isEmpty() && prefix.isEmpty()) {
        env.put(n.name(), n.name());
      } else if (callee(n).isPresent()) {
        env.put(n.name(), call(n, callee(n).get(), in, prefix, scope, depth));
      } else if (TfOps.WHILE.contains(op) || TfOps.IF.contains(op) || TfOps.CASE.contains(op)) {
        control(n, in, own, scope, depth);
        env.put(n.name(), own);
      } else {
        node(n, in, own, scope);
        env.put(n.name(), own);
      }
    }
    List<String> out = new ArrayList<>();
    rets.forEach((i, v) -> out.add(v));
    return out;
  }

  /** A function's nodes in topological order, sorted once however often it is inlined. */
  private List<OpNode> body(String scope) {
    return sorted.computeIfAbsent(scope, k -> topological(byScope.get(k)));
  }

  /** The function a call node calls, when it is one this graph inlines. */
  private Optional<String> callee(OpNode n) {
    return TfFunctions.callee(n, byScope.keySet());
  }

  /** Inlines a call; returns the value the call node stands for. */
  private String call(
      OpNode n, String callee, List<String> in, String prefix, String scope, int depth) {
    String own = prefix + n.name();
    if (TfFunctions.isSaver(callee)) {
      return own;
    }
    if (!canInline(callee, depth)) {
      node(n, in, own, scope);
      return own;
    }
    inlined++;
    inlining.add(callee);
    List<String> rets = emit(body(callee), own + SEP, scope, in, depth + 1, new HashMap<>());
    inlining.remove(callee);
    List<String> results = rets.stream().filter(r -> !r.isEmpty()).toList();
    if (results.size() == 1) {
      return results.get(0);
    }
    // several results: an Identity over all of them stands for the call (outputs are not told
    // apart, as the reader keeps one output per node)
    Map<String, AttributeValue> attrs = Map.of(GraphIndex.SOURCE_OP, text(n.opType()));
    out.add(new OpNode(n.name(), "Identity", "", results, List.of(own), attrs, scope));
    return own;
  }

  /** A While, If or Case node: a Loop or If whose bodies are inlined as its subgraphs. */
  private void control(OpNode n, List<String> in, String own, String scope, int depth) {
    boolean loop = TfOps.WHILE.contains(n.opType());
    List<String> args = loop || in.isEmpty() ? in : in.subList(1, in.size());
    Map<String, AttributeValue> attrs = new LinkedHashMap<>();
    attrs.put(GraphIndex.SOURCE_OP, text(n.opType()));
    for (Map.Entry<String, AttributeValue> a : n.attributes().entrySet()) {
      if (!(a.getValue() instanceof AttributeValue.Subgraph s) || !byScope.containsKey(s.scope())) {
        continue;
      }
      String body = (scope.isEmpty() ? "" : scope + "/") + own + "." + a.getKey();
      if (canInline(s.scope(), depth)) {
        inlined++;
        inlining.add(s.scope());
        emit(body(s.scope()), own + "." + a.getKey() + SEP, body, args, depth + 1, new HashMap<>());
        inlining.remove(s.scope());
        attrs.put(a.getKey(), new AttributeValue.Subgraph(body));
      }
    }
    out.add(new OpNode(n.name(), loop ? "Loop" : "If", "", in, List.of(own), attrs, scope));
  }

  private boolean canInline(String callee, int depth) {
    if (depth >= MAX_DEPTH || out.size() >= MAX_NODES || inlining.contains(callee)) {
      truncated |= depth >= MAX_DEPTH || out.size() >= MAX_NODES;
      return false;
    }
    return true;
  }

  /** An op node, renamed and with its inputs in ONNX order; weights are listed as tensors. */
  private void node(OpNode n, List<String> in, String own, String scope) {
    if (out.size() >= MAX_NODES) {
      truncated = true;
      return;
    }
    String tf = n.opType();
    String rnnMode =
        n.attribute("rnn_mode")
            .map(a -> a instanceof AttributeValue.Text t ? t.value() : "")
            .orElse("");
    String op = TfOps.onnxOp(tf, rnnMode);
    List<String> inputs = TfOps.inputs(tf, in);
    Map<String, AttributeValue> attrs = new LinkedHashMap<>();
    n.attributes()
        .forEach(
            (k, v) -> {
              if (!(v instanceof AttributeValue.Subgraph)) {
                attrs.put(k, v);
              }
            });
    attrs.put(GraphIndex.SOURCE_OP, text(tf));
    if (TfOps.WEIGHTS.contains(tf)) {
      weight(n, own);
    } else if (op.equals("Identity")
        && !inputs.isEmpty()
        && weightShapes.containsKey(inputs.get(0))) {
      weightShapes.put(own, weightShapes.get(inputs.get(0)));
    }
    if (op.equals("Conv") || op.equals("ConvTranspose")) {
      convolution(n, inputs, attrs);
    }
    out.add(new OpNode(n.name(), op, "", inputs, List.of(own), attrs, scope));
  }

  /** Lists a Const or variable as a weight tensor named by its value. */
  private void weight(OpNode n, String own) {
    Optional<TensorInfo> declared =
        n.attribute("value")
            .filter(a -> a instanceof AttributeValue.Tensor)
            .map(a -> srcTensors.get(((AttributeValue.Tensor) a).name()));
    if (declared.isPresent()) {
      TensorInfo t = declared.get();
      weights.add(new TensorInfo(own, t.dtype(), t.shape(), t.elements(), t.bytes(), t.file()));
      weightShapes.put(own, t.shape());
      ConstantValue c = src.constants().get(t.name());
      if (c != null) {
        constants.put(own, c);
      }
      return;
    }
    List<Long> shape = n.attribute("shape").map(AttributeValue::asLongs).orElse(List.of());
    long code = n.attribute("dtype").map(AttributeValue::asLong).orElse(-1L);
    Optional<DType> dtype = DType.fromTensorFlowCode(code);
    if (shape.isEmpty() || dtype.isEmpty() || shape.stream().anyMatch(d -> d < 0)) {
      return;
    }
    try {
      long e = 1;
      for (long d : shape) {
        e = Math.multiplyExact(e, d);
      }
      weights.add(new TensorInfo(own, dtype.get(), shape, e, dtype.get().bytesFor(e), ""));
      weightShapes.put(own, shape);
    } catch (ArithmeticException | IllegalArgumentException x) {
      // a shape whose size overflows declares no usable weight
    }
  }

  /**
   * ONNX-style {@code strides} and {@code kernel_shape} for a convolution or patch extraction:
   * TensorFlow gives strides (and ksizes) over all four axes in the data format's order, and
   * filters as [spatial..., in, out].
   */
  private void convolution(OpNode n, List<String> inputs, Map<String, AttributeValue> attrs) {
    boolean nchw =
        n.attribute("data_format")
            .map(a -> a instanceof AttributeValue.Text t && t.value().startsWith("NC"))
            .orElse(false);
    List<Long> strides = spatial(n.attribute("strides").map(AttributeValue::asLongs), nchw);
    if (!strides.isEmpty()) {
      attrs.put("strides", new AttributeValue.Ints(strides));
    }
    List<Long> kernel = spatial(n.attribute("ksizes").map(AttributeValue::asLongs), nchw);
    if (kernel.isEmpty() && inputs.size() > 1) {
      List<Long> w = weightShapes.getOrDefault(inputs.get(1), List.of());
      kernel = w.size() >= 3 ? w.subList(0, w.size() - 2) : List.of();
    }
    if (!kernel.isEmpty()) {
      attrs.put("kernel_shape", new AttributeValue.Ints(kernel));
    }
  }

  private static List<Long> spatial(Optional<List<Long>> all, boolean nchw) {
    List<Long> s = all.orElse(List.of());
    if (s.size() < 3) {
      return List.of();
    }
    return nchw ? s.subList(2, s.size()) : s.subList(1, s.size() - 1);
  }

  /** Nodes in an order where producers come before consumers (cycles keep file order). */
  static List<OpNode> topological(List<OpNode> nodes) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.putIfAbsent(nodes.get(i).name(), i);
    }
    int[] waiting = new int[nodes.size()];
    List<List<Integer>> next = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      next.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).inputs()) {
        Integer p = index.get(in);
        if (p != null && p != i) {
          next.get(p).add(i);
          waiting[i]++;
        }
      }
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    boolean[] done = new boolean[nodes.size()];
    List<OpNode> sorted = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      done[i] = true;
      sorted.add(nodes.get(i));
      for (int c : next.get(i)) {
        if (--waiting[c] == 0) {
          ready.add(c);
        }
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      if (!done[i]) {
        sorted.add(nodes.get(i));
      }
    }
    return sorted;
  }

  private static AttributeValue text(String s) {
    return new AttributeValue.Text(s);
  }

  /** The node a value name stands for: {@code x:1} is an output of {@code x}. */
  static String producer(String value) {
    return TfFunctions.producer(value);
  }
}
