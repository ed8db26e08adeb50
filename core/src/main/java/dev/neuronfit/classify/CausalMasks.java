package dev.neuronfit.classify;

import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Causal masks, found among the ops that feed an attention Softmax without passing through another
 * layer: a Trilu (torch.tril/triu, which constant folding keeps), a triangular constant (0/1,
 * 0/-inf or 0/-1e4, of shape [.., n, n]) or a large square [1, .., n, n] buffer whose values the
 * reader did not keep (GPT-2's {@code bias}), or positions from a Range compared with positions
 * (the {@code arange(n)[:, None] < arange(n)[None, :]} of Hugging Face mask builders). A padding
 * mask computed from an attention_mask input is none of these.
 */
final class CausalMasks {
  /** Where the walk over a mask stops: the layers that compute activations. */
  private static final Set<String> MASK_STOP =
      Set.of("Gemm", "Softmax", "LayerNormalization", "SkipLayerNormalization", "Conv");

  private static final Set<String> COMPARE =
      Set.of("Less", "Greater", "LessOrEqual", "GreaterOrEqual");

  private static final int MASK_REGION_LIMIT = 400;
  private static final int UNKNOWN_MASK_MIN_SIDE = 64;

  private CausalMasks() {}

  /**
   * Looks for a causal mask among the ops that feed the Softmax without passing through another
   * layer: a Trilu, a triangular constant, or positions (Range) compared with positions.
   */
  static Optional<String> find(GraphIndex g, int softmax, int[] budget) {
    Deque<Integer> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    queue.add(softmax);
    seen.add(softmax);
    while (!queue.isEmpty() && seen.size() < MASK_REGION_LIMIT && budget[0]-- > 0) {
      int n = queue.poll();
      String op = g.op(n);
      if (op.equals("Trilu")) {
        return Optional.of("Trilu " + g.label(n));
      }
      if (COMPARE.contains(op) && comparesPositions(g, n)) {
        return Optional.of("positions compared with positions (" + op + " " + g.label(n) + ")");
      }
      if (op.equals("Shape") || op.equals("Size")) {
        continue;
      }
      // indices select table rows (T5's relative position buckets index a bias table, and a
      // "key after query" indicator among them is triangular); only the table flows into scores
      int inputs = op.startsWith("Gather") ? 1 : g.node(n).inputs().size();
      for (int k = 0; k < inputs; k++) {
        if (g.isConstant(n, k)) {
          Optional<String> tri = triangular(g, g.input(n, k));
          if (tri.isPresent()) {
            return tri;
          }
        }
        int p = g.producer(n, k);
        if (p >= 0 && seen.add(p) && !stopsMask(g, p)) {
          queue.add(p);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean stopsMask(GraphIndex g, int node) {
    String op = g.op(node);
    return OpSets.MATMUL.contains(op)
        || MASK_STOP.contains(op)
        || OpSets.RECURRENT.contains(op)
        || OpSets.isFusedAttention(g.node(node));
  }

  /** A comparison of two computed values, at least one of them a Range of positions. */
  private static boolean comparesPositions(GraphIndex g, int cmp) {
    if (g.isConstant(cmp, 0) || g.isConstant(cmp, 1)) {
      return false;
    }
    return fromRange(g, g.producer(cmp, 0)) || fromRange(g, g.producer(cmp, 1));
  }

  private static boolean fromRange(GraphIndex g, int start) {
    Deque<int[]> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    if (start >= 0) {
      queue.add(new int[] {start, 0});
    }
    while (!queue.isEmpty() && seen.size() < 30) {
      int[] cur = queue.poll();
      if (!seen.add(cur[0])) {
        continue;
      }
      if (g.op(cur[0]).equals("Range")) {
        return true;
      }
      if (cur[1] < 4 && !stopsMask(g, cur[0])) {
        for (int k = 0; k < g.node(cur[0]).inputs().size(); k++) {
          int p = g.producer(cur[0], k);
          if (p >= 0) {
            queue.add(new int[] {p, cur[1] + 1});
          }
        }
      }
    }
    return false;
  }

  /**
   * A constant [.., n, n] mask: lower or upper triangular with two values (0/1, 0/-inf, 0/-1e4),
   * or, when the reader kept no values because it is large, a square bool or float constant.
   */
  static Optional<String> triangular(GraphIndex g, String name) {
    ConstantValue c = g.graph.constants().get(name);
    if (c != null) {
      return isTriangular(c)
          ? Optional.of("triangular constant " + name + " " + c.dims())
          : Optional.empty();
    }
    Optional<TensorInfo> t = g.tensor(name);
    if (t.isPresent()) {
      List<Long> d = t.get().shape();
      int r = d.size();
      DType type = t.get().dtype();
      // GPT-2 stores tril(ones(n, n)) as a [1, 1, n, n] buffer; window masks such as Swin's have
      // a leading window dimension and are not causal
      boolean leadingOnes = d.subList(0, Math.max(0, r - 2)).stream().allMatch(x -> x == 1);
      if (r >= 2
          && leadingOnes
          && d.get(r - 1).equals(d.get(r - 2))
          && d.get(r - 1) >= UNKNOWN_MASK_MIN_SIDE
          && (type == DType.BOOL || type == DType.U8 || GraphIndex.isFloat(type))) {
        return Optional.of("square constant mask " + name + " " + d + " (values not read)");
      }
    }
    return Optional.empty();
  }

  static boolean isTriangular(ConstantValue c) {
    List<Long> d = c.dims();
    int r = d.size();
    if (r < 2 || !d.get(r - 1).equals(d.get(r - 2)) || d.get(r - 1) < 2) {
      return false;
    }
    int n = (int) (long) d.get(r - 1);
    List<Double> v = c.values();
    if (v.isEmpty() || v.size() % (n * n) != 0) {
      return false;
    }
    return hasPattern(v, n, true) || hasPattern(v, n, false);
  }

  /** Every n×n matrix is A on and below the diagonal and B above it (or the mirror), A != B. */
  private static boolean hasPattern(List<Double> v, int n, boolean lower) {
    double a = v.get(0);
    double b = lower ? v.get(1) : v.get(n);
    if (Double.compare(a, b) == 0) {
      return false;
    }
    for (int m = 0; m < v.size(); m += n * n) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          boolean inA = lower ? j <= i : j >= i;
          if (Double.compare(v.get(m + i * n + j), inA ? a : b) != 0) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
