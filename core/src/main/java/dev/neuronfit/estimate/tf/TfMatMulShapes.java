package dev.neuronfit.estimate.tf;

import dev.neuronfit.estimate.graph.MatMulShapes;
import dev.neuronfit.estimate.graph.NodeView;
import dev.neuronfit.estimate.graph.Outcome;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.AttributeValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TensorFlow's matrix products and recurrent cells (op definitions from TensorFlow's op registry):
 * MatMul with {@code transpose_a}/{@code transpose_b}, BatchMatMul with {@code adj_x}/{@code adj_y}
 * and broadcast batch axes, Einsum (read as ONNX's), the fused LSTM and GRU cells and the cuDNN
 * recurrent layers. A cell over input width I and hidden width H costs (I + H) x gates x H
 * multiply-accumulates per batch element and step, with 4 gates for LSTM, 3 for GRU, 1 for a plain
 * RNN.
 */
final class TfMatMulShapes {
  private TfMatMulShapes() {}

  static Optional<Outcome> apply(String op, NodeView v) {
    return Optional.ofNullable(
        switch (op) {
          case "MatMul", "_FusedMatMul" ->
              MatMulShapes.matmul(
                  v.in(0),
                  v.in(1),
                  v.integer("transpose_a", 0) == 1,
                  v.integer("transpose_b", 0) == 1);
          case "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "_MklBatchMatMulV2" ->
              MatMulShapes.matmul(
                  v.in(0), v.in(1), v.integer("adj_x", 0) == 1, v.integer("adj_y", 0) == 1);
          case "Einsum" -> einsum(v);
          case "LSTMBlockCell" -> lstmCell(v);
          case "BlockLSTM", "BlockLSTMV2" -> blockLstm(v);
          case "GRUBlockCell" -> gruCell(v);
          case "CudnnRNN", "CudnnRNNV2", "CudnnRNNV3" -> cudnn(v);
          default -> null;
        });
  }

  private static Outcome einsum(NodeView v) {
    List<TensorValue> ins = new ArrayList<>();
    for (int i = 0; i < v.inputCount(); i++) {
      ins.add(v.in(i));
    }
    String eq = v.text("equation", "");
    return MatMulShapes.apply("Einsum", NodeView.of("Einsum", ins, Map.of("equation", text(eq)), 1))
        .orElse(Outcome.costUnknown(TensorValue.UNKNOWN));
  }

  private static AttributeValue text(String s) {
    return new AttributeValue.Text(s);
  }

  private static Outcome result(long macs, TensorValue[] outs) {
    return macs < 0 ? Outcome.costUnknown(outs) : Outcome.costing(macs, outs);
  }

  /** Width of the hidden state from a kernel [I + H, gates x H]. */
  private static long hidden(TensorValue w, int gates) {
    return w.rankKnown() && w.rank() == 2 && w.dim(1) >= 0 ? w.dim(1) / gates : -1;
  }

  private static TensorValue[] copies(int n, long... dims) {
    TensorValue[] outs = new TensorValue[n];
    Arrays.fill(outs, TensorValue.of(dims, false));
    return outs;
  }

  /**
   * LSTMBlockCell(x [B, I], cs_prev, h_prev, w [I + H, 4H], wci, wcf, wco, b): seven outputs (i,
   * cs, f, o, ci, co, h), each [B, H].
   */
  private static Outcome lstmCell(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue w = v.in(3);
    long b = x.rankKnown() && x.rank() == 2 ? x.dim(0) : -1;
    long h = hidden(w, 4);
    long rows = w.rankKnown() && w.rank() == 2 ? w.dim(0) : -1;
    return result(MatMulShapes.product(b, rows, 4, h), copies(7, b, h));
  }

  /**
   * BlockLSTM(seq_len_max, x [T, B, I], cs_prev, h_prev, w [I + H, 4H], ...): seven outputs, each
   * [T, B, H].
   */
  private static Outcome blockLstm(NodeView v) {
    TensorValue x = v.in(1);
    TensorValue w = v.in(4);
    boolean known = x.rankKnown() && x.rank() == 3;
    long t = known ? x.dim(0) : -1;
    long b = known ? x.dim(1) : -1;
    long h = hidden(w, 4);
    long rows = w.rankKnown() && w.rank() == 2 ? w.dim(0) : -1;
    return result(MatMulShapes.product(t, b, rows, 4, h), copies(7, t, b, h));
  }

  /**
   * GRUBlockCell(x [B, I], h_prev, w_ru [I + H, 2H], w_c [I + H, H], b_ru, b_c): four outputs (r,
   * u, c, h), each [B, H].
   */
  private static Outcome gruCell(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue wc = v.in(3);
    long b = x.rankKnown() && x.rank() == 2 ? x.dim(0) : -1;
    long h = hidden(wc, 1);
    long rows = wc.rankKnown() && wc.rank() == 2 ? wc.dim(0) : -1;
    return result(MatMulShapes.product(b, rows, 3, h), copies(4, b, h));
  }

  /**
   * CudnnRNN(input, input_h, input_c, params): input [T, B, I] (time major, the default), input_h
   * [layers x directions, B, H]; the weights are one flat buffer, so the sizes come from the
   * inputs. The first layer reads I wide inputs, later ones directions x H.
   */
  private static Outcome cudnn(NodeView v) {
    TensorValue x = v.in(0);
    TensorValue state = v.in(1);
    int gates =
        switch (v.text("rnn_mode", "lstm")) {
          case "gru" -> 3;
          case "rnn_tanh", "rnn_relu" -> 1;
          default -> 4;
        };
    long dirs = v.text("direction", "unidirectional").equals("bidirectional") ? 2 : 1;
    boolean timeMajor = v.integer("time_major", 1) == 1;
    boolean xKnown = x.rankKnown() && x.rank() == 3;
    long t = xKnown ? x.dim(timeMajor ? 0 : 1) : -1;
    long b = xKnown ? x.dim(timeMajor ? 1 : 0) : -1;
    long in = xKnown ? x.dim(2) : -1;
    boolean sKnown = state.rankKnown() && state.rank() == 3;
    long h = sKnown ? state.dim(2) : -1;
    long layers = sKnown && state.dim(0) >= 0 ? state.dim(0) / dirs : -1;
    long first = MatMulShapes.product(t, b, dirs, gates, h, in < 0 || h < 0 ? -1 : in + h);
    long later =
        MatMulShapes.product(
            Math.max(0, layers - 1), t, b, dirs, gates, h, h < 0 ? -1 : dirs * h + h);
    long macs = first < 0 || later < 0 || layers < 1 ? -1 : first + later;
    long[] y = timeMajor ? new long[] {t, b, dirs * h} : new long[] {b, t, dirs * h};
    if (h < 0) {
      y[2] = -1;
    }
    TensorValue[] outs = {
      TensorValue.of(y, false),
      state.rankKnown() ? TensorValue.of(state.dims(), false) : TensorValue.UNKNOWN,
      v.in(2).rankKnown() ? TensorValue.of(v.in(2).dims(), false) : TensorValue.UNKNOWN,
      TensorValue.UNKNOWN,
      TensorValue.UNKNOWN
    };
    return result(macs, outs);
  }
}
