package dev.neuronfit.estimate.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Matrix products: MatMul (numpy semantics, with broadcast batch axes), Gemm, Einsum, and the
 * quantised and fused forms onnxruntime uses. A product of [.., M, K] by [.., K, N] is M x N x K
 * multiply-accumulates per batch element; a two-operand Einsum is the product of the sizes of all
 * its indices.
 */
public final class MatMulShapes {
  private MatMulShapes() {}

  public static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "MatMul",
              "MatMulInteger",
              "com.microsoft::MatMulIntegerToFloat",
              "com.microsoft::DynamicQuantizeMatMul" ->
              matmul(v.in(0), v.in(1), false, false);
          case "QLinearMatMul" -> matmul(v.in(0), v.in(3), false, false);
          case "com.microsoft::FusedMatMul" ->
              matmul(v.in(0), v.in(1), v.integer("transA", 0) == 1, v.integer("transB", 0) == 1);
          case "com.microsoft::MatMulNBits" -> nBits(v);
          case "Gemm", "com.microsoft::GemmFastGelu", "com.microsoft::FusedGemm" -> gemm(v);
          case "Einsum" -> einsum(v);
          default -> null;
        });
  }

  private static long[] swapLast(long[] d) {
    long[] s = d.clone();
    if (s.length >= 2) {
      long t = s[s.length - 1];
      s[s.length - 1] = s[s.length - 2];
      s[s.length - 2] = t;
    }
    return s;
  }

  /** Multiplies known sizes; -1 when any is unknown. */
  public static long product(long... sizes) {
    long p = 1;
    for (long s : sizes) {
      if (s < 0 || p < 0) {
        return -1;
      }
      p = p > Long.MAX_VALUE / Math.max(1, s) ? Long.MAX_VALUE : p * s;
    }
    return p;
  }

  public static Outcome matmul(TensorValue a, TensorValue b, boolean transA, boolean transB) {
    if (!a.rankKnown() || !b.rankKnown() || a.rank() == 0 || b.rank() == 0) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    long[] ad = transA ? swapLast(a.dims()) : a.dims();
    long[] bd = transB ? swapLast(b.dims()) : b.dims();
    boolean aVector = ad.length == 1;
    boolean bVector = bd.length == 1;
    if (aVector) {
      ad = new long[] {1, ad[0]};
    }
    if (bVector) {
      bd = new long[] {bd[0], 1};
    }
    long m = ad[ad.length - 2];
    long k = ad[ad.length - 1] >= 0 ? ad[ad.length - 1] : bd[bd.length - 2];
    long n = bd[bd.length - 1];
    long[] batch =
        Broadcast.dims(
            Arrays.copyOfRange(ad, 0, ad.length - 2), Arrays.copyOfRange(bd, 0, bd.length - 2));
    List<Long> out = new ArrayList<>();
    for (long d : batch) {
      out.add(d);
    }
    if (!aVector) {
      out.add(m);
    }
    if (!bVector) {
      out.add(n);
    }
    TensorValue y = TensorValue.of(out.stream().mapToLong(Long::longValue).toArray(), false);
    long macs = product(product(batch), m, n, k);
    return macs < 0 ? Outcome.costUnknown(y) : Outcome.costing(macs, y);
  }

  /** onnxruntime's 4-bit weight MatMul: A [.., K] by a packed [N, K] weight (attributes K, N). */
  private static Outcome nBits(NodeView v) {
    TensorValue a = v.in(0);
    long k = v.integer("K", -1);
    long n = v.integer("N", -1);
    if (!a.rankKnown() || a.rank() == 0) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    long[] out = a.dims();
    out[out.length - 1] = n;
    long rows = product(Arrays.copyOf(a.dims(), a.rank() - 1));
    TensorValue y = TensorValue.of(out, false);
    long macs = product(rows, k, n);
    return macs < 0 ? Outcome.costUnknown(y) : Outcome.costing(macs, y);
  }

  private static Outcome gemm(NodeView v) {
    TensorValue a = v.in(0);
    TensorValue b = v.in(1);
    if (!a.rankKnown() || !b.rankKnown() || a.rank() != 2 || b.rank() != 2) {
      return Outcome.costUnknown(TensorValue.of(new long[] {-1, -1}, false));
    }
    boolean ta = v.integer("transA", 0) == 1;
    boolean tb = v.integer("transB", 0) == 1;
    long m = a.dim(ta ? 1 : 0);
    long k = a.dim(ta ? 0 : 1);
    long n = b.dim(tb ? 0 : 1);
    k = k >= 0 ? k : b.dim(tb ? 1 : 0);
    TensorValue y = TensorValue.of(new long[] {m, n}, false);
    long macs = product(m, n, k);
    return macs < 0 ? Outcome.costUnknown(y) : Outcome.costing(macs, y);
  }

  /**
   * Einsum with explicit ({@code ij,jk->ik}) or implicit output, with or without an ellipsis. One
   * operand (a transpose or a sum) costs 0; two or more cost the product of all index sizes, which
   * for three or more operands is the cost of contracting them in one step, an upper bound.
   */
  private static Outcome einsum(NodeView v) {
    String eq = v.text("equation", "").replace(" ", "");
    String[] sides = eq.split("->", -1);
    String[] terms = sides[0].split(",", -1);
    if (sides.length > 2 || terms.length != v.inputCount()) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    Map<Character, Long> size = new LinkedHashMap<>();
    Map<Character, Integer> seen = new LinkedHashMap<>();
    long[] ellipsis = new long[0];
    boolean anyEllipsis = false;
    for (int t = 0; t < terms.length; t++) {
      TensorValue x = v.in(t);
      String term = terms[t];
      int ell = term.indexOf("...");
      String letters = term.replace("...", "");
      if (!x.rankKnown()
          || x.rank() < letters.length()
          || ell < 0 && x.rank() != letters.length()) {
        return Outcome.costUnknown(TensorValue.UNKNOWN);
      }
      int ellRank = x.rank() - letters.length();
      for (int i = 0; i < letters.length(); i++) {
        char c = letters.charAt(i);
        int axis = ell >= 0 && i >= ell ? i + ellRank : i;
        size.merge(c, x.dim(axis), Broadcast::dim);
        seen.merge(c, 1, Integer::sum);
      }
      if (ell >= 0) {
        anyEllipsis = true;
        ellipsis = Broadcast.dims(ellipsis, Arrays.copyOfRange(x.dims(), ell, ell + ellRank));
      }
    }
    String output;
    if (sides.length == 2) {
      output = sides[1];
    } else {
      StringBuilder implicit = new StringBuilder(anyEllipsis ? "..." : "");
      seen.entrySet().stream()
          .filter(e -> e.getValue() == 1)
          .map(Map.Entry::getKey)
          .sorted()
          .forEach(implicit::append);
      output = implicit.toString();
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < output.length(); i++) {
      if (output.startsWith("...", i)) {
        for (long d : ellipsis) {
          out.add(d);
        }
        i += 2;
      } else {
        out.add(size.getOrDefault(output.charAt(i), -1L));
      }
    }
    TensorValue y = TensorValue.of(out.stream().mapToLong(Long::longValue).toArray(), false);
    if (terms.length == 1) {
      return Outcome.free(y);
    }
    long[] all = new long[size.size() + ellipsis.length];
    int i = 0;
    for (long s : size.values()) {
      all[i++] = s;
    }
    System.arraycopy(ellipsis, 0, all, i, ellipsis.length);
    long macs = product(all);
    return macs < 0 ? Outcome.costUnknown(y) : Outcome.costing(macs, y);
  }
}
