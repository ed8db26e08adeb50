package dev.neuronfit.estimate.keras;

import static dev.neuronfit.estimate.keras.KerasLayerCosts.MAX_DIM;
import static dev.neuronfit.estimate.keras.KerasLayerCosts.UNKNOWN;
import static dev.neuronfit.estimate.keras.KerasLayerCosts.integer;
import static dev.neuronfit.estimate.keras.KerasLayerCosts.text;

import dev.neuronfit.estimate.keras.KerasLayerCosts.Out;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Walks the layers a Keras reader put into a graph (one node per layer, opType the class name,
 * nested models and wrapped layers in their own scopes), carrying each layer's output shape to the
 * layers that read it, and adds up the multiply-accumulates of the layers that compute. Layers run
 * in the order the config lists them, which Keras writes topologically; a value read before it is
 * written (a cycle in a hostile config) is unknown. Single use; never throws on a malformed graph.
 */
final class KerasPropagation {
  /** A single layer at or above this many multiply-accumulates is a hostile shape, not a cost. */
  private static final double IMPLAUSIBLE = 1e18;

  /** Nesting of models and wrappers walked; deeper ones are cost unknown. */
  static final int MAX_DEPTH = 32;

  /**
   * Layers walked in all, counting each walk of a nested model's layers; past it (models nested
   * inside repeated layers of a hostile config) layers are cost unknown.
   */
  static final int MAX_WALKED = 1_000_000;

  private static final Pattern CONV =
      Pattern.compile(
          "(Conv|Convolution|SeparableConv|SeparableConvolution|DepthwiseConv|Deconvolution)"
              + "[123]D(Transpose)?");
  private static final Set<String> RECURRENT =
      Set.of(
          "LSTM",
          "GRU",
          "SimpleRNN",
          "CuDNNLSTM",
          "CuDNNGRU",
          "LSTMCell",
          "GRUCell",
          "SimpleRNNCell");

  /**
   * What the walk found.
   *
   * @param values output shape of each value it could size, by value name
   * @param macs multiply-accumulates of the layers it could cost
   * @param macsByClass the same, by layer class
   * @param costUnknown layers it could not cost, by class, with counts
   * @param layers layers walked
   * @param reusedLayers layers called more than once (shared), costed once per call
   */
  record Result(
      Map<String, long[]> values,
      double macs,
      Map<String, Double> macsByClass,
      Map<String, Integer> costUnknown,
      int layers,
      int reusedLayers) {}

  private final Map<String, List<OpNode>> byScope = new HashMap<>();
  private final Map<String, long[]> values = new HashMap<>();
  private final Map<String, Double> macsByClass = new TreeMap<>();
  private final Map<String, Integer> costUnknown = new TreeMap<>();
  private final Set<String> walking = new HashSet<>();
  private final long batch;
  private double macs;
  private int layers;
  private int reused;
  private int walked;

  private KerasPropagation(List<OpNode> nodes, Map<String, long[]> inputs, long batch) {
    for (OpNode n : nodes) {
      byScope.computeIfAbsent(n.scope(), s -> new ArrayList<>()).add(n);
    }
    this.batch = batch;
    values.putAll(inputs);
  }

  /**
   * Propagates shapes from the model's bound inputs.
   *
   * @param inputs the shape of each model input, batch axis included
   * @param batch the batch that a layer's own unknown batch axis (in its build_config) takes
   */
  static Result run(List<OpNode> nodes, Map<String, long[]> inputs, long batch) {
    KerasPropagation p = new KerasPropagation(nodes, inputs, batch);
    p.scope("", 0);
    return new Result(p.values, p.macs, p.macsByClass, p.costUnknown, p.layers, p.reused);
  }

  /** Walks one scope's layers; returns the last one's output shape. */
  private long[] scope(String scope, int depth) {
    long[] last = null;
    if (!walking.add(scope)) {
      return null;
    }
    for (OpNode n : byScope.getOrDefault(scope, List.of())) {
      last = node(n, depth);
    }
    walking.remove(scope);
    return last;
  }

  private long[] node(OpNode n, int depth) {
    if (++walked > MAX_WALKED) {
      count(n.opType(), -1);
      return null;
    }
    List<long[]> ins = inputs(n);
    long[] out;
    if (n.attribute("layers").orElse(null) instanceof AttributeValue.Subgraph s) {
      out = container(n, s.scope(), ins, depth);
    } else if (n.attribute("inner").orElse(null) instanceof AttributeValue.Subgraph s) {
      layers++;
      out = wrapper(n, s.scope(), ins, depth);
    } else {
      layers++;
      long calls = Math.max(1, Math.min(1000, integer(n, "calls", 1)));
      reused += calls > 1 ? 1 : 0;
      Out o = layer(n, n.opType(), ins);
      count(n.opType(), o.macs() < 0 ? -1 : o.macs() * calls);
      out = o.shape();
    }
    out = sane(out);
    if (out != null) {
      for (String v : n.outputs()) {
        values.put(v, out);
      }
    }
    return out;
  }

  /**
   * The shapes a layer reads: its inputs by name (a later call's or output's value, {@code x@1} or
   * {@code x[1]}, falls back to the layer's first), an attention mask left out, and the layer's own
   * build_config input shape filling what is unknown.
   */
  private List<long[]> inputs(OpNode n) {
    String mask = text(n, "attention_mask", "");
    List<long[]> ins = new ArrayList<>();
    for (String name : n.inputs()) {
      if (name.equals(mask)) {
        continue;
      }
      long[] s = values.get(name);
      if (s == null) {
        s = values.get(name.replaceAll("(@\\d+)?(\\[\\d+])?$", ""));
      }
      ins.add(s);
    }
    List<Long> built = n.attribute("input_shape").map(AttributeValue::asLongs).orElse(List.of());
    if (!built.isEmpty()) {
      long[] b = new long[built.size()];
      for (int i = 0; i < b.length; i++) {
        long d = built.get(i);
        b[i] = d >= 0 ? d : i == 0 ? batch : UNKNOWN;
      }
      long[] first = ins.isEmpty() ? null : ins.get(0);
      if (first == null) {
        first = b;
      } else if (first.length == b.length) {
        first = first.clone();
        for (int i = 0; i < b.length; i++) {
          first[i] = first[i] < 0 ? b[i] : first[i];
        }
      }
      if (ins.isEmpty()) {
        ins.add(first);
      } else {
        ins.set(0, first);
      }
    }
    return ins;
  }

  /**
   * A model used as a layer: its layers read the container's inputs (in a nested Sequential by name
   * already; in a nested functional model through its own InputLayers, which are not nodes, so each
   * value its layers read that nothing inside writes takes the container's next input).
   */
  private long[] container(OpNode n, String inner, List<long[]> ins, int depth) {
    if (depth >= MAX_DEPTH) {
      count(n.opType(), -1);
      return null;
    }
    List<OpNode> nodes = byScope.getOrDefault(inner, List.of());
    Set<String> written = new HashSet<>();
    nodes.forEach(x -> written.addAll(x.outputs()));
    int next = 0;
    for (OpNode x : nodes) {
      for (String v : x.inputs()) {
        if (!values.containsKey(v) && !written.contains(v) && !ins.isEmpty()) {
          long[] s = ins.get(Math.min(next++, ins.size() - 1));
          if (s != null) {
            values.put(v, s);
          }
        }
      }
    }
    return scope(inner, depth + 1);
  }

  /** Bidirectional, TimeDistributed, and RNN around a cell. */
  private long[] wrapper(OpNode n, String inner, List<long[]> ins, int depth) {
    List<OpNode> parts = byScope.getOrDefault(inner, List.of());
    String op = n.opType();
    long[] in = ins.isEmpty() ? null : ins.get(0);
    if (parts.isEmpty() || depth >= MAX_DEPTH) {
      count(op, -1);
      return null;
    }
    OpNode first = parts.get(0);
    String cls = first.opType();
    switch (op) {
      case "Bidirectional" -> {
        double total = 0;
        long[] out = null;
        for (OpNode p : parts.subList(0, Math.min(2, parts.size()))) {
          Out o = layer(p, p.opType(), List.of(in == null ? new long[0] : in));
          total = total < 0 || o.macs() < 0 ? -1 : total + o.macs();
          out = out == null ? o.shape() : out;
        }
        // one inner layer: the backward copy is built from it
        count(cls, parts.size() == 1 && total > 0 ? 2 * total : total);
        if (out != null && text(n, "merge_mode", "concat").equals("concat")) {
          out = out.clone();
          long d = out[out.length - 1];
          out[out.length - 1] = d < 0 ? UNKNOWN : 2 * d;
        }
        return out;
      }
      case "TimeDistributed" -> {
        if (in == null || in.length < 3) {
          count(cls, -1);
          return null;
        }
        long[] folded = new long[in.length - 1];
        folded[0] = in[0] < 0 || in[1] < 0 ? UNKNOWN : in[0] * in[1];
        System.arraycopy(in, 2, folded, 1, in.length - 2);
        Out o = layer(first, cls, List.of(folded));
        count(cls, o.macs());
        if (o.shape() == null || o.shape().length < 1) {
          return null;
        }
        long[] out = new long[o.shape().length + 1];
        out[0] = in[0];
        out[1] = in[1];
        System.arraycopy(o.shape(), 1, out, 2, o.shape().length - 1);
        return out;
      }
      case "RNN" -> {
        if (!RECURRENT.contains(cls)) {
          count(cls, -1);
          return null;
        }
        Out o = KerasLayerCosts.recurrent(first, cls, in);
        count(cls, o.macs());
        boolean sequences = integer(n, "return_sequences", 0) != 0;
        long u = integer(first, "units", UNKNOWN);
        return in == null || in.length != 3
            ? null
            : sequences ? new long[] {in[0], in[1], u} : new long[] {in[0], u};
      }
      default -> {
        count(op, -1);
        return null;
      }
    }
  }

  private Out layer(OpNode n, String op, List<long[]> ins) {
    long[] in = ins.isEmpty() ? null : ins.get(0);
    if (op.equals("Dense")) {
      return KerasLayerCosts.dense(n, in);
    }
    if (CONV.matcher(op).matches()) {
      return KerasLayerCosts.conv(n, op, in);
    }
    if (RECURRENT.contains(op)) {
      return KerasLayerCosts.recurrent(n, op, in);
    }
    if (op.equals("MultiHeadAttention")) {
      long[] v = ins.size() > 1 ? ins.get(1) : in;
      long[] k = ins.size() > 2 ? ins.get(2) : v;
      return KerasLayerCosts.multiHead(n, in, v, k);
    }
    if (op.equals("Dot")) {
      return KerasLayerCosts.dot(n, in, ins.size() > 1 ? ins.get(1) : null);
    }
    if (op.equals("Attention") || op.equals("AdditiveAttention")) {
      return KerasLayerCosts.dotAttention(in, ins.size() > 1 ? ins.get(1) : in);
    }
    if (KerasShapeOps.handles(op)) {
      return Out.shapeOnly(KerasShapeOps.shape(n, op, ins));
    }
    return Out.UNKNOWN_COST;
  }

  private void count(String cls, double m) {
    if (m < 0 || m >= IMPLAUSIBLE || Double.isNaN(m)) {
      costUnknown.merge(cls, 1, Integer::sum);
    } else if (m > 0) {
      macs += m;
      macsByClass.merge(cls, m, Double::sum);
    }
  }

  /** Dimensions past {@link KerasLayerCosts#MAX_DIM} (or negative) become unknown. */
  private static long[] sane(long[] s) {
    if (s == null || s.length > 16) {
      return null;
    }
    long[] out = s.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] < 0 || out[i] > MAX_DIM ? UNKNOWN : out[i];
    }
    return out;
  }
}
