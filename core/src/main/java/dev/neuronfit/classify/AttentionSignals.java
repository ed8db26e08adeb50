package dev.neuronfit.classify;

import dev.neuronfit.model.OpNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Attention blocks and what kind they are. A block is either a Softmax whose input comes from a
 * product of two activations (the scores Q·Kᵀ, possibly scaled and masked) and whose output is
 * multiplied by another activation (the values), or a fused attention op (ONNX {@code Attention},
 * ONNX Runtime's {@code com.microsoft} Attention, MultiHeadAttention, GroupQueryAttention ...).
 *
 * <p>For each block: whether it is causal (a Trilu, a triangular constant mask, positions compared
 * with positions, or a fused op's causal attribute), whether it is cross-attention (its keys depend
 * on a graph input its queries do not see), and whether it reads a KV cache (its keys depend on an
 * input its queries do not, and not the other way round).
 */
final class AttentionSignals {
  /** Ops that scores pass through between the Q·Kᵀ product and the Softmax. */
  private static final Set<String> SCORE_PATH =
      Set.of(
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Where",
          "Cast",
          "Reshape",
          "Transpose",
          "Identity",
          "Tanh",
          "Squeeze",
          "Unsqueeze",
          "Clip",
          "Max",
          "Min",
          "Expand",
          "DequantizeLinear",
          "QuantizeLinear");

  /** Ops that probabilities pass through between the Softmax and the product with V. */
  private static final Set<String> PROB_PATH =
      Set.of(
          "Cast",
          "Dropout",
          "Reshape",
          "Identity",
          "Transpose",
          "Where",
          "Mul",
          "Squeeze",
          "Unsqueeze",
          "Expand",
          "DequantizeLinear",
          "QuantizeLinear");

  /** Fused ops that only ever attend causally. */
  private static final Set<String> CAUSAL_OPS =
      Set.of(
          "GroupQueryAttention",
          "DecoderMaskedSelfAttention",
          "DecoderMaskedMultiHeadAttention",
          "PagedAttention",
          "SparseAttention");

  /** Mask-region visits over all blocks, so a hostile graph of many Softmax stays fast. */
  private static final int MASK_BUDGET = 500_000;

  /**
   * One attention block.
   *
   * @param node the Softmax, or the fused op
   * @param fused true for a fused attention op
   * @param causal why it is causal, when it is
   * @param cross why it is cross-attention, when it is
   * @param kvCache why it reads a KV cache, when it does
   */
  record Block(
      int node,
      boolean fused,
      Optional<String> causal,
      Optional<String> cross,
      Optional<String> kvCache) {}

  final List<Block> blocks;

  private AttentionSignals(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  static AttentionSignals find(GraphIndex g) {
    List<Block> blocks = new ArrayList<>();
    int[] budget = {MASK_BUDGET};
    for (int i = 0; i < g.size(); i++) {
      OpNode n = g.node(i);
      if (n.opType().equals("Softmax")) {
        int scores = scoreProduct(g, i);
        if (scores >= 0 && valueProduct(g, i) >= 0) {
          int[] qk = operands(g, scores);
          blocks.add(
              new Block(
                  i,
                  false,
                  CausalMasks.find(g, i, budget),
                  cross(g, scores, qk[0], scores, qk[1]),
                  cache(g, scores, qk[0], scores, qk[1])));
        }
      } else if (OpSets.isFusedAttention(n)) {
        blocks.add(fused(g, i));
      }
    }
    return new AttentionSignals(blocks);
  }

  List<Block> causal() {
    return blocks.stream().filter(b -> b.causal().isPresent()).toList();
  }

  List<Block> cross() {
    return blocks.stream().filter(b -> b.cross().isPresent()).toList();
  }

  List<Block> kvCache() {
    return blocks.stream().filter(b -> b.kvCache().isPresent()).toList();
  }

  List<Block> fusedBlocks() {
    return blocks.stream().filter(Block::fused).toList();
  }

  // ---- decomposed blocks -------------------------------------------------------------------

  /** The two activation operands of a matrix product (QLinearMatMul keeps B at input 3). */
  private static int[] operands(GraphIndex g, int node) {
    return g.op(node).equals("QLinearMatMul") ? new int[] {0, 3} : new int[] {0, 1};
  }

  private static boolean isActivationProduct(GraphIndex g, int node) {
    if (!OpSets.MATMUL.contains(g.op(node))) {
      return false;
    }
    int[] ab = operands(g, node);
    return !g.input(node, ab[0]).isEmpty()
        && !g.input(node, ab[1]).isEmpty()
        && !g.isConstant(node, ab[0])
        && !g.isConstant(node, ab[1]);
  }

  /** The Q·Kᵀ product feeding a Softmax within a few score-path ops, or -1. */
  private static int scoreProduct(GraphIndex g, int softmax) {
    Deque<int[]> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    queue.add(new int[] {softmax, 0});
    while (!queue.isEmpty() && seen.size() < 40) {
      int[] cur = queue.poll();
      int n = cur[0];
      for (int k = 0; k < g.node(n).inputs().size(); k++) {
        int p = g.producer(n, k);
        if (p < 0 || !seen.add(p)) {
          continue;
        }
        if (isActivationProduct(g, p)) {
          return p;
        }
        if (SCORE_PATH.contains(g.op(p)) && cur[1] < 6) {
          queue.add(new int[] {p, cur[1] + 1});
        }
      }
    }
    return -1;
  }

  /** The product of the probabilities with V, within a few ops after the Softmax, or -1. */
  private static int valueProduct(GraphIndex g, int softmax) {
    Deque<int[]> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    queue.add(new int[] {softmax, 0});
    while (!queue.isEmpty() && seen.size() < 40) {
      int[] cur = queue.poll();
      for (int c : g.consumers(cur[0])) {
        if (!seen.add(c)) {
          continue;
        }
        if (OpSets.MATMUL.contains(g.op(c))) {
          int[] ab = operands(g, c);
          boolean fromA = g.producer(c, ab[0]) == cur[0];
          int other = fromA ? ab[1] : ab[0];
          if ((fromA || g.producer(c, ab[1]) == cur[0])
              && !g.input(c, other).isEmpty()
              && !g.isConstant(c, other)) {
            return c;
          }
        } else if (PROB_PATH.contains(g.op(c)) && cur[1] < 4) {
          queue.add(new int[] {c, cur[1] + 1});
        }
      }
    }
    return -1;
  }

  // ---- query and key sources -----------------------------------------------------------------

  private static Optional<String> cross(GraphIndex g, int qNode, int qIdx, int kNode, int kIdx) {
    long seq = g.sequenceInputs();
    long q = g.dependsOn(qNode, qIdx) & seq;
    long k = g.dependsOn(kNode, kIdx) & seq;
    if (k == 0 || (q & ~k) == 0) {
      return Optional.empty();
    }
    return Optional.of(
        "keys from "
            + String.join(", ", g.inputNames(k))
            + ", queries from "
            + String.join(", ", g.inputNames(q)));
  }

  private static Optional<String> cache(GraphIndex g, int qNode, int qIdx, int kNode, int kIdx) {
    long q = g.dependsOn(qNode, qIdx);
    long k = g.dependsOn(kNode, kIdx);
    if (q == 0 || (q & ~k) != 0 || (k & ~q) == 0) {
      return Optional.empty();
    }
    return Optional.of("keys also read " + String.join(", ", g.inputNames(k & ~q)));
  }

  private static Block fused(GraphIndex g, int i) {
    OpNode n = g.node(i);
    String op = n.opType();
    Optional<String> causal = Optional.empty();
    if (g.intAttr(i, "unidirectional", 0) == 1) {
      causal = Optional.of("unidirectional=1 on " + g.label(i));
    } else if (g.intAttr(i, "is_causal", 0) == 1) {
      causal = Optional.of("is_causal=1 on " + g.label(i));
    } else if (CAUSAL_OPS.contains(op)) {
      causal = Optional.of(op + " " + g.label(i) + " (causal by definition)");
    }
    boolean contribAttention = op.equals("Attention") && n.domain().equals("com.microsoft");
    int keyIdx = contribAttention || op.equals("DecoderMaskedSelfAttention") ? -1 : 1;
    Optional<String> cross =
        keyIdx > 0 && !g.input(i, keyIdx).isEmpty() ? cross(g, i, 0, i, keyIdx) : Optional.empty();
    int[] pastSlots =
        switch (op) {
          case "Attention" -> contribAttention ? new int[] {4} : new int[] {4, 5};
          case "MultiHeadAttention" -> new int[] {6, 7};
          case "GroupQueryAttention" -> new int[] {3, 4};
          case "DecoderMaskedSelfAttention" -> new int[] {4};
          case "DecoderMaskedMultiHeadAttention" -> new int[] {5, 6};
          default -> new int[] {};
        };
    Optional<String> kv = Optional.empty();
    for (int s : pastSlots) {
      if (!g.input(i, s).isEmpty() && cross.isEmpty()) {
        kv = Optional.of("past state " + g.input(i, s) + " into " + g.label(i));
        break;
      }
    }
    if (kv.isEmpty() && keyIdx > 0 && !g.input(i, keyIdx).isEmpty()) {
      kv = cache(g, i, 0, i, keyIdx);
    }
    return new Block(i, true, causal, cross, kv);
  }
}
