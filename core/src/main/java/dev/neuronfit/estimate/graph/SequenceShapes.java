package dev.neuronfit.estimate.graph;

import java.util.Arrays;
import java.util.Optional;

/**
 * Fused attention and recurrent operators. Attention over S queries and T keys with query width D
 * and value width Dv costs S x T x (D + Dv) multiply-accumulates per batch element (scores and the
 * weighted sum); onnxruntime's {@code Attention} adds its input projection. A recurrent layer costs
 * sequence x batch x directions x gates x hidden x (input + hidden), with 4 gates for LSTM, 3 for
 * GRU and 1 for RNN (ONNX operator specification, LSTM/GRU/RNN).
 */
final class SequenceShapes {
  private SequenceShapes() {}

  static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "com.microsoft::Attention" -> fusedAttention(v);
          case "com.microsoft::MultiHeadAttention" -> multiHead(v);
          case "com.microsoft::GroupQueryAttention" -> groupQuery(v);
          case "Attention" -> onnxAttention(v);
          case "com.microsoft::EmbedLayerNormalization" -> embedLayerNorm(v);
          case "LSTM" -> recurrent(v, 4);
          case "GRU" -> recurrent(v, 3);
          case "RNN" -> recurrent(v, 1);
          default -> null;
        });
  }

  private static long product(long... sizes) {
    return MatMulShapes.product(sizes);
  }

  private static Outcome result(long macs, TensorValue... outs) {
    return macs < 0 ? Outcome.costUnknown(outs) : Outcome.costing(macs, outs);
  }

  /**
   * onnxruntime Attention: input [B, S, Din], weights [Din, Dq + Dk + Dv] (qkv_hidden_sizes, or
   * three equal parts), optional past [2, B, N, P, H]. Output [B, S, Dv].
   */
  private static Outcome fusedAttention(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue w = v.in(1);
    if (!x.rankKnown() || x.rank() != 3 || !w.rankKnown() || w.rank() != 2) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    long b = x.dim(0);
    long s = x.dim(1);
    long width = w.dim(1);
    long[] qkv = v.ints("qkv_hidden_sizes");
    long dq = qkv != null && qkv.length == 3 ? qkv[0] : width < 0 ? -1 : width / 3;
    long dv = qkv != null && qkv.length == 3 ? qkv[2] : dq;
    TensorValue past = v.in(4);
    long t = s;
    if (past.rankKnown() && past.rank() == 5) {
      t = past.dim(3) < 0 || s < 0 ? -1 : past.dim(3) + s;
    }
    TensorValue y = TensorValue.of(new long[] {b, s, dv}, false);
    long projection = product(b, s, x.dim(2), width);
    long attention = product(b, s, t, dq < 0 || dv < 0 ? -1 : dq + dv);
    return result(projection < 0 || attention < 0 ? -1 : projection + attention, y);
  }

  /**
   * onnxruntime MultiHeadAttention: query [B, S, D] or packed [B, S, N, 3, H]; key [B, L, D], [B,
   * N, L, H] or packed [B, L, N, 2, H]; value [B, L, Dv] or [B, N, L, Hv]; past_key [B, N, P, H].
   */
  private static Outcome multiHead(NodeView v) {
    TensorValue q = v.in(0);
    TensorValue k = v.in(1);
    TensorValue val = v.in(2);
    if (!q.rankKnown()) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    long b = q.dim(0);
    long s = q.dim(1);
    long d;
    long l;
    long dv;
    if (q.rank() == 5) {
      d = product(q.dim(2), q.dim(4));
      l = s;
      dv = d;
    } else if (q.rank() == 3) {
      d = q.dim(2);
      l = !k.rankKnown() ? -1 : k.rank() == 4 ? k.dim(2) : k.dim(1);
      dv =
          k.rankKnown() && k.rank() == 5
              ? d
              : !val.rankKnown()
                  ? -1
                  : val.rank() == 4 ? product(val.dim(1), val.dim(3)) : val.dim(2);
    } else {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    TensorValue past = v.in(6);
    long t = l;
    if (past.rankKnown() && past.rank() == 4 && k.rankKnown() && k.rank() == 3) {
      t = l < 0 || past.dim(2) < 0 ? -1 : l + past.dim(2);
    }
    TensorValue y = TensorValue.of(new long[] {b, s, dv}, false);
    return result(product(b, s, t, d < 0 || dv < 0 ? -1 : d + dv), y);
  }

  /**
   * onnxruntime GroupQueryAttention: query [B, S, N x H] (or packed with keys and values when key
   * is omitted), past_key [B, Nkv, P, H]; the context is the past plus the new tokens.
   */
  private static Outcome groupQuery(NodeView v) {
    TensorValue q = v.in(0);
    long heads = v.integer("num_heads", -1);
    long kvHeads = v.integer("kv_num_heads", heads);
    if (!q.rankKnown() || q.rank() != 3 || heads <= 0) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    long b = q.dim(0);
    long s = q.dim(1);
    long width = q.dim(2);
    long d = v.present(1) ? width : width < 0 ? -1 : width / (heads + 2 * kvHeads) * heads;
    TensorValue past = v.in(3);
    long t = s;
    if (past.rankKnown() && past.rank() == 4) {
      t = past.dim(2) < 0 || s < 0 ? -1 : past.dim(2) + s;
    }
    TensorValue y = TensorValue.of(new long[] {b, s, d}, false);
    return result(product(b, s, t, d < 0 ? -1 : 2 * d), y);
  }

  /**
   * ONNX Attention (opset 23): Q [B, Hq, S, dh] with K [B, Hkv, L, dh] and V [B, Hkv, L, dv], or
   * the 3-D forms [B, S, heads x size] with the head counts as attributes; optional past_key.
   */
  private static Outcome onnxAttention(NodeView v) {
    TensorValue q = v.in(0);
    TensorValue k = v.in(1);
    TensorValue val = v.in(2);
    if (!q.rankKnown() || !k.rankKnown() || !val.rankKnown() || q.rank() != k.rank()) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    TensorValue past = v.in(4);
    long pastLen = past.rankKnown() && past.rank() == 4 ? past.dim(2) : 0;
    long b = q.dim(0);
    if (q.rank() == 4) {
      long hq = q.dim(1);
      long s = q.dim(2);
      long dh = q.dim(3);
      long dv = val.dim(3);
      long t = k.dim(2) < 0 || pastLen < 0 ? -1 : k.dim(2) + pastLen;
      TensorValue y = TensorValue.of(new long[] {b, hq, s, dv}, false);
      return result(product(b, hq, s, t, dh < 0 || dv < 0 ? -1 : dh + dv), y);
    }
    long hq = v.integer("q_num_heads", -1);
    long hkv = v.integer("kv_num_heads", -1);
    if (q.rank() != 3 || hq <= 0 || hkv <= 0) {
      return Outcome.costUnknown(TensorValue.UNKNOWN);
    }
    long s = q.dim(1);
    long t = k.dim(1) < 0 || pastLen < 0 ? -1 : k.dim(1) + pastLen;
    long dh = q.dim(2) < 0 ? -1 : q.dim(2) / hq;
    long dv = val.dim(2) < 0 ? -1 : val.dim(2) / hkv;
    TensorValue y = TensorValue.of(new long[] {b, s, dv < 0 ? -1 : hq * dv}, false);
    return result(product(b, hq, s, t, dh < 0 || dv < 0 ? -1 : dh + dv), y);
  }

  /** onnxruntime EmbedLayerNormalization: ids [B, S] and word embeddings [V, H] give [B, S, H]. */
  private static Outcome embedLayerNorm(NodeView v) {
    TensorValue ids = v.in(0);
    TensorValue words = v.in(2);
    long b = ids.rankKnown() && ids.rank() == 2 ? ids.dim(0) : -1;
    long s = ids.rankKnown() && ids.rank() == 2 ? ids.dim(1) : -1;
    long h = words.rankKnown() && words.rank() == 2 ? words.dim(1) : -1;
    return Outcome.free(
        TensorValue.of(new long[] {b, s, h}, false), TensorValue.of(new long[] {b}, true));
  }

  /**
   * LSTM, GRU, RNN: X [S, B, I] ([B, S, I] with layout 1), W [dirs, gates x H, I]. Outputs Y [S,
   * dirs, B, H] ([B, S, dirs, H]), Y_h and Y_c [dirs, B, H] ([B, dirs, H]).
   */
  private static Outcome recurrent(NodeView v, int gates) {
    TensorValue x = v.in(0);
    TensorValue w = v.in(1);
    boolean batchFirst = v.integer("layout", 0) == 1;
    long seq = -1;
    long batch = -1;
    long input = -1;
    if (x.rankKnown() && x.rank() == 3) {
      seq = x.dim(batchFirst ? 1 : 0);
      batch = x.dim(batchFirst ? 0 : 1);
      input = x.dim(2);
    }
    boolean wKnown = w.rankKnown() && w.rank() == 3;
    long dirs = wKnown ? w.dim(0) : v.text("direction", "forward").equals("bidirectional") ? 2 : 1;
    long hidden = v.integer("hidden_size", -1);
    if (hidden < 0 && wKnown && w.dim(1) >= 0) {
      hidden = w.dim(1) / gates;
    }
    if (input < 0 && wKnown) {
      input = w.dim(2);
    }
    long[] y =
        batchFirst ? new long[] {batch, seq, dirs, hidden} : new long[] {seq, dirs, batch, hidden};
    long[] state = batchFirst ? new long[] {batch, dirs, hidden} : new long[] {dirs, batch, hidden};
    TensorValue[] outs = new TensorValue[Math.max(1, v.outputCount())];
    Arrays.fill(outs, TensorValue.of(state, false));
    outs[0] = TensorValue.of(y, false);
    long macs =
        product(seq, batch, dirs, gates, hidden, input < 0 || hidden < 0 ? -1 : input + hidden);
    return result(macs, outs);
  }
}
