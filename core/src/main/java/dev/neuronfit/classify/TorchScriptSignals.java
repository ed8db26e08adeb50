package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the operators of a TorchScript graph show, each with the nodes that showed it: convolutions,
 * recurrent layers, RoI pooling and proposal logic, attention (a softmax between two products of
 * activations, or a fused attention operator), causal masks, normalization, token embeddings, patch
 * embeddings, sinusoidal timestep embeddings, and upsampling with concatenation (UNet skips).
 * Dataflow is followed only within a method, over at most a few producers.
 */
final class TorchScriptSignals {
  private static final Pattern CONV =
      Pattern.compile(
          "(quantized_)?conv(_transpose)?[123]d(_relu|_add|_add_relu|_dynamic|_clamp_run)?"
              + "|_convolution|convolution|mkldnn_convolution|cudnn_convolution|conv_tbc"
              + "|conv2d_transpose_clamp_run");
  private static final Pattern RECURRENT =
      Pattern.compile("(quantized_)?(lstm|gru|rnn_tanh|rnn_relu)(_cell)?|quantized_lstm\\w*");
  private static final Pattern ROI =
      Pattern.compile("(ps_)?roi_(align|pool)\\w*|RoIAlign\\w*|RoIPool");
  private static final Set<String> PROPOSALS =
      Set.of(
          "torchvision::nms",
          "torchvision::batched_nms",
          "aten::topk",
          "_caffe2::GenerateProposals",
          "_caffe2::BoxWithNMSLimit");
  private static final Set<String> PRODUCTS = Set.of("matmul", "bmm", "einsum", "baddbmm", "mm");
  private static final Pattern FUSED_ATTENTION =
      Pattern.compile(
          "_native_multi_head_attention|_?scaled_dot_product\\w*attention\\w*"
              + "|_transformer_encoder_layer_fwd|multi_head_attention_forward");
  private static final Set<String> COMPARISONS =
      Set.of("gt", "lt", "ge", "le", "greater", "less", "greater_equal", "less_equal");
  private static final Set<String> NORMS = Set.of("layer_norm", "native_layer_norm", "rms_norm");
  private static final Set<String> EMBEDDINGS =
      Set.of(
          "embedding", "embedding_bag", "embedding_byte", "embedding_4bit", "embedding_bag_byte");
  private static final Set<String> UPSAMPLING =
      Set.of(
          "upsample_nearest1d",
          "upsample_nearest2d",
          "upsample_nearest3d",
          "upsample_bilinear2d",
          "upsample_linear1d",
          "upsample_bicubic2d",
          "upsample_trilinear3d",
          "interpolate",
          "pixel_shuffle",
          "conv_transpose1d",
          "conv_transpose2d",
          "conv_transpose3d");

  /** One signal: how many nodes showed it and an example. */
  record Hits(int count, String example) {
    static final Hits NONE = new Hits(0, "");

    boolean any() {
      return count > 0;
    }

    Hits plus(OpNode n) {
      return new Hits(count + 1, example.isEmpty() ? describe(n) : example);
    }
  }

  final Map<String, Integer> ops = new LinkedHashMap<>();
  Hits conv = Hits.NONE;
  Hits recurrent = Hits.NONE;
  Hits roi = Hits.NONE;
  Hits proposals = Hits.NONE;
  Hits attention = Hits.NONE;
  Hits causal = Hits.NONE;
  Hits norms = Hits.NONE;
  Hits embeddings = Hits.NONE;
  Hits patches = Hits.NONE;
  Hits sinusoid = Hits.NONE;
  Hits upsampling = Hits.NONE;
  Hits concat = Hits.NONE;

  /** Elements in convolution kernels (rank 3 to 5) and in all weight matrices and kernels. */
  long kernelElements;

  long layerElements;

  /** Indices in the graph's nodes of the attention nodes (softmax or fused op). */
  final Set<Integer> attentionNodes = new java.util.HashSet<>();

  private final Graph graph;
  private ScriptStacks stacks;
  private final Map<String, OpNode> producer = new HashMap<>();
  private final Map<String, List<OpNode>> consumers = new HashMap<>();
  private final Map<String, TensorInfo> tensors = new HashMap<>();

  TorchScriptSignals(Graph g, List<TensorInfo> stored) {
    this.graph = g;
    for (TensorInfo t : stored) {
      tensors.putIfAbsent(t.name(), t);
      if (t.rank() >= 2) {
        layerElements += t.elements();
        if (t.rank() >= 3 && t.rank() <= 5) {
          kernelElements += t.elements();
        }
      }
    }
    for (OpNode n : g.nodes()) {
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
    boolean sin = false;
    boolean cos = false;
    Hits exp = Hits.NONE;
    int index = -1;
    for (OpNode n : g.nodes()) {
      index++;
      String q = n.qualifiedOp();
      String op = n.opType();
      ops.merge(q, 1, Integer::sum);
      if (CONV.matcher(op).matches()) {
        conv = conv.plus(n);
        if (patch(n)) {
          patches = patches.plus(n);
        }
      }
      if (RECURRENT.matcher(op).matches()) {
        recurrent = recurrent.plus(n);
      }
      if (ROI.matcher(op).matches()) {
        roi = roi.plus(n);
      }
      if (PROPOSALS.contains(q)) {
        proposals = proposals.plus(n);
      }
      if (FUSED_ATTENTION.matcher(op).matches() || op.equals("softmax") && attentionSoftmax(n)) {
        attention = attention.plus(n);
        attentionNodes.add(index);
      }
      if (op.equals("triu")
          || op.equals("tril")
          || op.equals("triu_")
          || op.equals("tril_")
          || n.attribute("is_causal").map(a -> a.asLong() == 1).orElse(false)
          || (op.equals("masked_fill") || op.equals("where")) && readsSquareMask(n)
          || COMPARISONS.contains(op) && comparesPositions(n)) {
        causal = causal.plus(n);
      }
      if (NORMS.contains(op)) {
        norms = norms.plus(n);
      }
      if (EMBEDDINGS.contains(op)) {
        embeddings = embeddings.plus(n);
      }
      if (op.equals("reshape") || op.equals("view")) {
        if (n.attribute("arg1").map(a -> a.asLongs().size() >= 6).orElse(false)) {
          patches = patches.plus(n); // einops-style patchify: b c (h p1) (w p2) -> 6-D
        }
      }
      sin |= op.equals("sin");
      cos |= op.equals("cos");
      if (op.equals("exp") || op.equals("arange")) {
        exp = exp.plus(n);
      }
      boolean transposed =
          op.equals("_convolution") && n.attribute("arg6").map(a -> a.asLong() == 1).orElse(false);
      if (UPSAMPLING.contains(op) || transposed) {
        upsampling = upsampling.plus(n);
      }
      if (op.equals("cat")) {
        concat = concat.plus(n);
      }
    }
    if (sin && cos && exp.any()) {
      sinusoid = exp;
    }
  }

  /** The attention blocks as the code runs them, followed across module calls (once). */
  ScriptStacks stacks() {
    if (stacks == null) {
      stacks = ScriptStacks.follow(graph, attentionNodes);
    }
    return stacks;
  }

  /** A softmax fed (within a few ops) by a product and feeding one. */
  private boolean attentionSoftmax(OpNode softmax) {
    return reachesBack(softmax, 6) && reachesForward(softmax, 3);
  }

  private boolean reachesBack(OpNode n, int hops) {
    List<OpNode> frontier = List.of(n);
    for (int h = 0; h < hops && !frontier.isEmpty(); h++) {
      List<OpNode> next = new ArrayList<>();
      for (OpNode f : frontier) {
        for (String in : f.inputs()) {
          OpNode p = producer.get(in);
          if (p != null && p != f) {
            if (PRODUCTS.contains(p.opType())) {
              return true;
            }
            next.add(p);
          }
        }
      }
      frontier = next.size() > 64 ? next.subList(0, 64) : next;
    }
    return false;
  }

  private boolean reachesForward(OpNode n, int hops) {
    List<OpNode> frontier = List.of(n);
    for (int h = 0; h < hops && !frontier.isEmpty(); h++) {
      List<OpNode> next = new ArrayList<>();
      for (OpNode f : frontier) {
        for (String out : f.outputs()) {
          for (OpNode c : consumers.getOrDefault(out, List.of())) {
            if (c == f) {
              continue;
            }
            if (PRODUCTS.contains(c.opType())) {
              return true;
            }
            next.add(c);
          }
        }
      }
      frontier = next.size() > 64 ? next.subList(0, 64) : next;
    }
    return false;
  }

  /**
   * Positions compared with positions: both operands of a comparison come, within a few ops, from
   * an {@code arange} (a key position after the query position is masked). A position compared with
   * lengths or a scalar is a padding mask and does not count.
   */
  private boolean comparesPositions(OpNode n) {
    if (n.inputs().size() < 2) {
      return false;
    }
    for (String in : n.inputs().subList(0, 2)) {
      if (!fromArange(in, 4)) {
        return false;
      }
    }
    return true;
  }

  private boolean fromArange(String value, int hops) {
    List<String> frontier = List.of(value);
    Set<String> seen = new java.util.HashSet<>(frontier);
    for (int h = 0; h <= hops && !frontier.isEmpty(); h++) {
      List<String> next = new ArrayList<>();
      for (String v : frontier) {
        OpNode p = producer.get(v);
        if (p == null) {
          continue;
        }
        if (p.opType().equals("arange")) {
          return true;
        }
        for (String in : p.inputs()) {
          if (seen.size() < 64 && seen.add(in)) {
            next.add(in);
          }
        }
      }
      frontier = next;
    }
    return false;
  }

  /**
   * Reads, within six ops, a stored square mask such as GPT-2's {@code attn.bias} or a buffer named
   * like a mask: a tensor whose last two sides are equal and at least 8.
   */
  private boolean readsSquareMask(OpNode n) {
    List<String> frontier = new ArrayList<>(n.inputs());
    java.util.Set<String> seen = new java.util.HashSet<>(frontier);
    for (int hop = 0; hop < 6 && !frontier.isEmpty(); hop++) {
      List<String> next = new ArrayList<>();
      for (String name : frontier) {
        TensorInfo t = tensors.get(name);
        if (t != null && t.rank() >= 2) {
          long a = t.shape().get(t.rank() - 1);
          long b = t.shape().get(t.rank() - 2);
          String lower = name.toLowerCase(java.util.Locale.ROOT);
          if (a == b
              && a >= 8
              && (lower.endsWith("bias") || lower.contains("mask") || lower.contains("tril"))) {
            return true;
          }
        }
        OpNode p = producer.get(name);
        if (p != null) {
          for (String in : p.inputs()) {
            if (seen.add(in) && next.size() < 64) {
              next.add(in);
            }
          }
        }
      }
      frontier = next;
    }
    return false;
  }

  /** A convolution whose stride equals its (stored) kernel, each side at least 2. */
  private boolean patch(OpNode n) {
    List<Long> stride = n.attribute("arg3").map(AttributeValue::asLongs).orElse(List.of());
    if (stride.size() != 2 || stride.get(0) < 2 || !stride.get(0).equals(stride.get(1))) {
      return false;
    }
    for (String in : n.inputs()) {
      TensorInfo t = tensors.get(in);
      if (t != null && t.rank() == 4) {
        return t.shape().get(2).equals(stride.get(0)) && t.shape().get(3).equals(stride.get(1));
      }
    }
    return false;
  }

  private static String describe(OpNode n) {
    return n.qualifiedOp()
        + " at "
        + (n.scope().isEmpty() ? n.name() : n.name() + " in " + n.scope());
  }
}
