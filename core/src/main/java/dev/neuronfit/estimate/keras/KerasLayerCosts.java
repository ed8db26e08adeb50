package dev.neuronfit.estimate.keras;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The output shape and multiply-accumulates of one Keras layer that computes (Dense, the
 * convolutions, recurrent layers, attention), from its config attributes and input shapes. Shapes
 * include the batch axis; a dimension of -1 is unknown, and a null shape is of unknown rank. The
 * figures follow Keras' own layer definitions (keras.layers, Keras 2 and 3). Stateless.
 */
final class KerasLayerCosts {
  static final long UNKNOWN = -1;

  /**
   * Largest dimension or setting taken as given; larger ones (a hostile config) are unknown, which
   * keeps every product of two of them inside a long.
   */
  static final long MAX_DIM = 1L << 31;

  /**
   * A layer's result.
   *
   * @param shape its output shape, or null when unknown
   * @param macs multiply-accumulates, or -1 when they could not be derived
   */
  record Out(long[] shape, double macs) {
    static Out shapeOnly(long[] shape) {
      return new Out(shape, 0);
    }

    static final Out UNKNOWN_COST = new Out(null, -1);
  }

  private KerasLayerCosts() {}

  /** Dense on the last axis, any rank: each output element takes (input width) MACs. */
  static Out dense(OpNode n, long[] in) {
    long units = integer(n, "units", UNKNOWN);
    if (in == null || in.length < 2 || units <= 0) {
      return Out.UNKNOWN_COST;
    }
    long[] out = in.clone();
    out[out.length - 1] = units;
    double rows = product(in, 0, in.length - 1);
    long c = in[in.length - 1];
    return new Out(out, rows < 0 || c < 0 ? -1 : rows * c * units);
  }

  /**
   * Conv1D/2D/3D, their Transpose forms, DepthwiseConv1D/2D and SeparableConv1D/2D; {@code
   * Convolution2D} and {@code Deconvolution2D} are the Keras 1 names.
   */
  static Out conv(OpNode n, String op, long[] in) {
    int rank = Character.getNumericValue(op.charAt(op.indexOf('D') - 1));
    if (in == null || in.length != rank + 2 || rank < 1 || rank > 3) {
      return Out.UNKNOWN_COST;
    }
    boolean first = channelsFirst(n);
    int cAxis = first ? 1 : rank + 1;
    int s0 = first ? 2 : 1;
    long cin = in[cAxis];
    List<Long> k = spatial(n, "kernel_size", rank, UNKNOWN);
    List<Long> s = spatial(n, "strides", rank, 1);
    List<Long> dil = spatial(n, "dilation_rate", rank, 1);
    if (k.stream().anyMatch(v -> v <= 0)
        || s.stream().anyMatch(v -> v <= 0)
        || dil.stream().anyMatch(v -> v <= 0)) {
      return Out.UNKNOWN_COST;
    }
    boolean transpose = op.endsWith("Transpose") || op.startsWith("Deconvolution");
    boolean depthwise = op.startsWith("Depthwise");
    boolean separable = op.startsWith("Separable");
    String padding = padding(n);
    long f = integer(n, "filters", UNKNOWN);
    long dm = integer(n, "depth_multiplier", 1);
    long groups = Math.max(1, integer(n, "groups", 1));
    long outC = depthwise ? (cin < 0 || dm <= 0 ? UNKNOWN : cin * dm) : f;
    if (outC <= 0 && !(depthwise && cin < 0)) {
      return Out.UNKNOWN_COST;
    }
    long[] out = in.clone();
    out[cAxis] = outC;
    double area = 1;
    double inArea = 1;
    for (int i = 0; i < rank; i++) {
      long d = in[s0 + i];
      long kk = k.get(i);
      long st = s.get(i);
      long eff = (kk - 1) * dil.get(i) + 1;
      long o;
      if (d < 0) {
        o = UNKNOWN;
      } else if (transpose) {
        o =
            switch (padding) {
              case "same" -> d * st;
              case "full" -> d * st - (st + kk - 2);
              default -> d * st + Math.max(kk - st, 0);
            };
      } else {
        o =
            switch (padding) {
              case "same", "causal" -> (d + st - 1) / st;
              default -> d >= eff ? (d - eff) / st + 1 : 0;
            };
      }
      if (d >= 0 && o <= 0) {
        return Out.UNKNOWN_COST;
      }
      out[s0 + i] = o;
      area = o < 0 || area < 0 ? -1 : area * o;
      inArea = d < 0 || inArea < 0 ? -1 : inArea * d;
    }
    double kvol = 1;
    for (long kk : k) {
      kvol *= kk;
    }
    double batch = in[0];
    if (batch < 0 || cin < 0 || area < 0 || inArea < 0) {
      return new Out(out, -1);
    }
    double macs;
    if (depthwise) {
      macs = batch * area * cin * dm * kvol;
    } else if (separable) {
      macs = batch * area * (cin * dm * kvol + cin * dm * (double) f);
    } else if (transpose) {
      // every input position scatters a kernel into each output channel
      macs = batch * inArea * (cin / (double) groups) * kvol * f;
    } else {
      macs = batch * area * (cin / (double) groups) * kvol * f;
    }
    return new Out(out, macs);
  }

  /**
   * LSTM, GRU, SimpleRNN (and the CuDNN forms): per step each gate multiplies the input and the
   * previous state, gates x units x (input width + units) MACs.
   */
  static Out recurrent(OpNode n, String op, long[] in) {
    long u = integer(n, "units", UNKNOWN);
    if (in == null || in.length != 3 || u <= 0) {
      return Out.UNKNOWN_COST;
    }
    long gates = op.contains("LSTM") ? 4 : op.contains("GRU") ? 3 : 1;
    boolean sequences = integer(n, "return_sequences", 0) != 0;
    long[] out = sequences ? new long[] {in[0], in[1], u} : new long[] {in[0], u};
    if (in[0] < 0 || in[1] < 0 || in[2] < 0) {
      return new Out(out, -1);
    }
    return new Out(out, (double) in[0] * in[1] * gates * u * ((double) in[2] + u));
  }

  /**
   * MultiHeadAttention: query, key and value projections to heads x key_dim (value_dim for values),
   * the scores QK^T and the weighted sum AV per head, and the output projection back to the query
   * width (or {@code output_shape}). Axes between the batch and the last are attended over
   * together.
   */
  static Out multiHead(OpNode n, long[] q, long[] v, long[] k) {
    long h = integer(n, "num_heads", UNKNOWN);
    long kd = integer(n, "key_dim", UNKNOWN);
    long vd = integer(n, "value_dim", kd);
    if (q == null || q.length < 3 || h <= 0 || kd <= 0 || vd <= 0) {
      return Out.UNKNOWN_COST;
    }
    long outDim = integer(n, "output_shape", q[q.length - 1]);
    long[] out = q.clone();
    out[out.length - 1] = outDim;
    if (v == null || k == null || v.length < 3 || k.length < 3) {
      return new Out(out, -1);
    }
    double b = q[0];
    double tq = product(q, 1, q.length - 1);
    double tv = product(v, 1, v.length - 1);
    double dq = q[q.length - 1];
    double dk = k[k.length - 1];
    double dv = v[v.length - 1];
    if (b < 0 || tq < 0 || tv < 0 || dq < 0 || dk < 0 || dv < 0 || outDim < 0) {
      return new Out(out, -1);
    }
    double macs =
        b
            * (tq * dq * h * kd // query projection
                + tv * dk * h * kd // key projection
                + tv * dv * h * vd // value projection
                + h * tq * tv * kd // QK^T
                + h * tq * tv * vd // AV
                + tq * h * vd * outDim); // output projection
    return new Out(out, macs);
  }

  /** Attention (dot-product) and AdditiveAttention: scores and weighted sum, no projections. */
  static Out dotAttention(long[] q, long[] v) {
    if (q == null || v == null || q.length != 3 || v.length != 3) {
      return Out.UNKNOWN_COST;
    }
    long[] out = {q[0], q[1], v[2]};
    if (q[0] < 0 || q[1] < 0 || q[2] < 0 || v[1] < 0 || v[2] < 0) {
      return new Out(out, -1);
    }
    return new Out(out, (double) q[0] * q[1] * v[1] * ((double) q[2] + v[2]));
  }

  /**
   * Dot: a batched product of two tensors over one axis each ({@code axes}, counting the batch
   * axis, one for both or one per input); the output is the first's other axes then the second's.
   */
  static Out dot(OpNode n, long[] x, long[] y) {
    if (x == null || y == null || x.length < 2 || y.length < 2) {
      return Out.UNKNOWN_COST;
    }
    List<Long> axes =
        n.attribute("axes")
            .map(a -> a instanceof AttributeValue.Int i ? List.of(i.value()) : a.asLongs())
            .orElse(List.of());
    if (axes.isEmpty() || axes.size() > 2) {
      return Out.UNKNOWN_COST;
    }
    long ax = axes.get(0);
    long ay = axes.get(axes.size() - 1);
    int i = (int) (ax < 0 ? x.length + ax : ax);
    int j = (int) (ay < 0 ? y.length + ay : ay);
    if (ax < -x.length || ax >= x.length || ay < -y.length || ay >= y.length || i < 1 || j < 1) {
      return Out.UNKNOWN_COST;
    }
    long[] out = new long[Math.max(2, x.length + y.length - 3)];
    int k = 0;
    out[k++] = x[0];
    for (int a = 1; a < x.length; a++) {
      if (a != i) {
        out[k++] = x[a];
      }
    }
    for (int a = 1; a < y.length; a++) {
      if (a != j) {
        out[k++] = y[a];
      }
    }
    if (k == 1) {
      out[1] = 1; // two vectors per sample give one number each
    }
    double rest = product(out, 0, out.length);
    long c = x[i];
    return new Out(out, rest < 0 || c < 0 ? -1 : rest * c);
  }

  /** The product of dims [from, to), or -1 when one is unknown. */
  static double product(long[] s, int from, int to) {
    double p = 1;
    for (int i = from; i < to; i++) {
      if (s[i] < 0) {
        return -1;
      }
      p *= s[i];
    }
    return p;
  }

  /** A spatial setting given as a list, one integer for every axis, or absent. */
  static List<Long> spatial(OpNode n, String key, int rank, long fallback) {
    Optional<AttributeValue> a = n.attribute(key);
    List<Long> v = a.map(AttributeValue::asLongs).orElse(List.of());
    if (v.isEmpty() && a.isPresent() && a.get() instanceof AttributeValue.Int i) {
      v = Collections.nCopies(rank, i.value());
    }
    if (v.size() == 1 && rank > 1) {
      v = Collections.nCopies(rank, v.get(0));
    }
    if (v.size() != rank) {
      return Collections.nCopies(rank, fallback);
    }
    return v.stream().map(x -> x > MAX_DIM ? UNKNOWN : x).toList();
  }

  static long integer(OpNode n, String key, long fallback) {
    return n.attribute(key)
        .filter(a -> a instanceof AttributeValue.Int)
        .map(AttributeValue::asLong)
        .orElse(fallback);
  }

  /** {@code padding}, or Keras 1's {@code border_mode}; valid when neither is given. */
  static String padding(OpNode n) {
    return text(n, "padding", text(n, "border_mode", "valid"));
  }

  /** {@code data_format} channels_first, or Keras 1's {@code dim_ordering} "th". */
  static boolean channelsFirst(OpNode n) {
    return text(n, "data_format", "").equals("channels_first")
        || text(n, "dim_ordering", "").equals("th");
  }

  static String text(OpNode n, String key, String fallback) {
    return n.attribute(key)
        .filter(a -> a instanceof AttributeValue.Text)
        .map(a -> ((AttributeValue.Text) a).value())
        .orElse(fallback);
  }
}
