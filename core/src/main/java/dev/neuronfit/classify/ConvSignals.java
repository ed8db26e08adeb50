package dev.neuronfit.classify;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Convolutions and what they are arranged into: how many there are, their share of the compute
 * nodes and of the weights in layers, pooling and dense heads (a whole small CNN), patch embeddings
 * (a Conv on the image input whose stride equals its kernel, as vision transformers cut images into
 * patches) and UNet skip concatenations (an upsampled tensor concatenated with a feature map it was
 * computed from).
 */
final class ConvSignals {
  /** Ops a patch embedding's input may pass through after the graph input (normalization). */
  private static final Set<String> PREPROCESS =
      Set.of(
          "Cast",
          "Transpose",
          "Sub",
          "Div",
          "Mul",
          "Add",
          "Identity",
          "Pad",
          "DequantizeLinear",
          "QuantizeLinear");

  /** Ops an upsampled tensor is not followed through on its way to a skip Concat. */
  private static final Set<String> NOT_FEATURE =
      Set.of(
          "Shape", "Size", "Concat", "Gather", "Range", "Constant", "ConstantOfShape", "Softmax");

  /** Nodes visited looking for skip connections over the whole graph. */
  private static final int ANCESTOR_BUDGET = 2_000_000;

  final List<Integer> convs;
  final int computeNodes;
  final long convParams;
  final long layerParams;
  final List<Integer> pools;
  final List<Integer> denseLayers;
  final List<Integer> patchEmbeddings;
  final List<Integer> skipConcats;
  final List<ValueInfo> images;

  private ConvSignals(GraphIndex g) {
    convs = g.nodesOf(OpSets.CONV);
    pools = g.nodesOf(OpSets.POOL);
    int compute = 0;
    for (OpNode n : g.nodes) {
      if (!OpSets.BOOKKEEPING.contains(n.opType())) {
        compute++;
      }
    }
    computeNodes = compute;
    long[] params = params(g);
    convParams = params[0];
    layerParams = params[1];
    List<Integer> dense = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      String op = g.op(i);
      if ((op.equals("Gemm") || op.equals("MatMul")) && g.isConstant(i, 1)) {
        dense.add(i);
      }
    }
    denseLayers = dense;
    images =
        g.dataInputs().stream()
            .filter(v -> v.shape().size() == 4 || v.shape().size() == 5)
            .filter(v -> v.elementType().map(GraphIndex::isFloat).orElse(true))
            .toList();
    List<Integer> patches = new ArrayList<>();
    for (int c : convs) {
      if (isPatchEmbedding(g, c)) {
        patches.add(c);
      }
    }
    patchEmbeddings = patches;
    List<Integer> skips = new ArrayList<>();
    int[] budget = {ANCESTOR_BUDGET};
    for (int c : g.nodesOf(Set.of("Concat"))) {
      if (isSkipConcat(g, c, budget)) {
        skips.add(c);
      }
    }
    skipConcats = skips;
  }

  static ConvSignals find(GraphIndex g) {
    return new ConvSignals(g);
  }

  /** Share of the weights in layers held by convolution kernels, or -1 when none are known. */
  double paramShare() {
    return layerParams > 0 ? (double) convParams / layerParams : -1;
  }

  /** Elements of convolution kernels and of all layer weights, each weight counted once. */
  private static long[] params(GraphIndex g) {
    Set<String> counted = new HashSet<>();
    long conv = 0;
    long all = 0;
    for (int i = 0; i < g.size(); i++) {
      OpNode n = g.node(i);
      String op = n.opType();
      int[] slots;
      if (OpSets.CONV.contains(op)) {
        slots = op.equals("QLinearConv") ? new int[] {3} : new int[] {1};
      } else if (OpSets.MATMUL.contains(op) || op.equals("Gemm")) {
        slots = op.equals("QLinearMatMul") ? new int[] {0, 3} : new int[] {0, 1};
      } else if (OpSets.RECURRENT.contains(op)) {
        slots = new int[] {1, 2};
      } else if (op.equals("Gather")) {
        slots = new int[] {0};
      } else if (op.equals("EmbedLayerNormalization")) {
        slots = new int[] {2, 3, 4};
      } else if (op.equals("Attention") && n.domain().equals("com.microsoft")) {
        slots = new int[] {1};
      } else {
        continue;
      }
      for (int s : slots) {
        String name = g.input(i, s);
        boolean weight =
            g.isConstant(i, s)
                || (g.producer(i, s) < 0 && g.graphInput(name).isPresent() && g.bit(name) == 0);
        if (name.isEmpty() || !weight || !counted.add(n.scope() + "\u0000" + name)) {
          continue;
        }
        long e = g.elements(i, s);
        if (e > 1) {
          all += e;
          if (OpSets.CONV.contains(op)) {
            conv += e;
          }
        }
      }
    }
    return new long[] {conv, all};
  }

  private static boolean isPatchEmbedding(GraphIndex g, int c) {
    List<Long> strides = g.intsAttr(c, "strides");
    List<Long> kernel = g.intsAttr(c, "kernel_shape");
    if (kernel.isEmpty()) {
      List<Long> w = g.dims(c, 1);
      kernel = w.size() > 2 ? w.subList(2, w.size()) : List.of();
    }
    if (kernel.isEmpty() || !kernel.equals(strides) || kernel.stream().anyMatch(k -> k < 2)) {
      return false;
    }
    int node = c;
    for (int hop = 0; hop < 5; hop++) {
      String in = g.input(node, 0);
      int p = g.producer(node, 0);
      if (p < 0) {
        return g.graphInput(in)
            .map(v -> v.shape().size() >= 4 && v.elementType().orElse(DType.F32) != DType.I64)
            .orElse(false);
      }
      if (!PREPROCESS.contains(g.op(p))) {
        return false;
      }
      node = p;
    }
    return false;
  }

  /** A Concat of an upsampled tensor with a feature map the upsampled one was computed from. */
  private static boolean isSkipConcat(GraphIndex g, int concat, int[] budget) {
    int n = g.node(concat).inputs().size();
    for (int a = 0; a < n; a++) {
      int up = upsampleBefore(g, g.producer(concat, a));
      if (up < 0) {
        continue;
      }
      for (int b = 0; b < n; b++) {
        int earlier = g.producer(concat, b);
        if (b != a
            && earlier >= 0
            && !g.isConstant(concat, b)
            && isAncestor(g, earlier, up, budget)) {
          return true;
        }
      }
    }
    return false;
  }

  private static int upsampleBefore(GraphIndex g, int start) {
    Deque<int[]> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    if (start >= 0) {
      queue.add(new int[] {start, 0});
    }
    while (!queue.isEmpty() && seen.size() < 64) {
      int[] cur = queue.poll();
      int node = cur[0];
      if (!seen.add(node) || NOT_FEATURE.contains(g.op(node)) || g.isConstantNode(node)) {
        continue;
      }
      if (isUpsample(g, node)) {
        return node;
      }
      if (cur[1] < 4) {
        for (int k = 0; k < g.node(node).inputs().size(); k++) {
          int p = g.producer(node, k);
          if (p >= 0) {
            queue.add(new int[] {p, cur[1] + 1});
          }
        }
      }
    }
    return -1;
  }

  private static boolean isUpsample(GraphIndex g, int node) {
    String op = g.op(node);
    if (op.equals("ConvTranspose")) {
      return g.intsAttr(node, "strides").stream().anyMatch(s -> s > 1);
    }
    return OpSets.UPSAMPLE.contains(op);
  }

  /** True when {@code target} is among the nodes {@code from} was computed from. */
  private static boolean isAncestor(GraphIndex g, int target, int from, int[] budget) {
    Deque<Integer> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    queue.add(from);
    while (!queue.isEmpty() && budget[0]-- > 0) {
      int node = queue.poll();
      for (int k = 0; k < g.node(node).inputs().size(); k++) {
        int p = g.producer(node, k);
        if (p == target) {
          return true;
        }
        if (p >= 0 && seen.add(p)) {
          queue.add(p);
        }
      }
    }
    return false;
  }
}
