package dev.neuronfit.estimate.keras;

import static dev.neuronfit.estimate.keras.KerasLayerCosts.MAX_DIM;
import static dev.neuronfit.estimate.keras.KerasLayerCosts.UNKNOWN;
import static dev.neuronfit.estimate.keras.KerasLayerCosts.integer;
import static dev.neuronfit.estimate.keras.KerasLayerCosts.spatial;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Output shapes of the Keras layers counted as free: element-wise, normalisation, pooling and
 * layout layers, whose multiply-accumulates are 0 by the convention of every workload here. Shapes
 * include the batch axis; -1 is an unknown dimension and null a shape of unknown rank. Stateless.
 */
final class KerasShapeOps {
  /** Layers whose output has their input's shape. */
  static final Set<String> SAME_SHAPE =
      Set.of(
          "Dropout",
          "SpatialDropout1D",
          "SpatialDropout2D",
          "SpatialDropout3D",
          "GaussianNoise",
          "GaussianDropout",
          "AlphaDropout",
          "Activation",
          "ReLU",
          "LeakyReLU",
          "PReLU",
          "ELU",
          "ThresholdedReLU",
          "Softmax",
          "Masking",
          "ActivityRegularization",
          "Rescaling",
          "Normalization",
          "BatchNormalization",
          "LayerNormalization",
          "GroupNormalization",
          "UnitNormalization",
          "Identity",
          "InputLayer");

  private static final Set<String> MERGE =
      Set.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum");
  private static final Pattern POOL = Pattern.compile("(Max|Average|Avg)Pool(ing)?[123]D");
  private static final Pattern GLOBAL_POOL =
      Pattern.compile("Global(Max|Average|Avg)Pool(ing)?[123]D");
  private static final Pattern RESIZE = Pattern.compile("(UpSampling|ZeroPadding|Cropping)[123]D");

  private KerasShapeOps() {}

  /** True for the classes this class gives a shape for. */
  static boolean handles(String op) {
    return SAME_SHAPE.contains(op)
        || MERGE.contains(op)
        || POOL.matcher(op).matches()
        || GLOBAL_POOL.matcher(op).matches()
        || RESIZE.matcher(op).matches()
        || Set.of("Flatten", "Reshape", "Permute", "RepeatVector", "Concatenate", "Embedding")
            .contains(op);
  }

  /** The output shape of a free layer, null when unknown. */
  static long[] shape(OpNode n, String op, List<long[]> ins) {
    long[] in = ins.isEmpty() ? null : ins.get(0);
    if (SAME_SHAPE.contains(op)) {
      return in;
    }
    if (MERGE.contains(op)) {
      return merge(ins);
    }
    if (op.equals("Concatenate")) {
      return concatenate(n, ins);
    }
    if (in == null) {
      return null;
    }
    if (POOL.matcher(op).matches()) {
      return pool(n, in);
    }
    if (GLOBAL_POOL.matcher(op).matches()) {
      return globalPool(n, in);
    }
    if (RESIZE.matcher(op).matches()) {
      return resize(n, op, in);
    }
    return switch (op) {
      case "Flatten" -> new long[] {in[0], elements(in, 1)};
      case "Reshape" -> reshape(n, in);
      case "Permute" -> permute(n, in);
      case "RepeatVector" ->
          in.length == 2 ? new long[] {in[0], integer(n, "n", UNKNOWN), in[1]} : null;
      case "Embedding" -> {
        long[] out = java.util.Arrays.copyOf(in, in.length + 1);
        out[in.length] = integer(n, "output_dim", UNKNOWN);
        yield out;
      }
      default -> null;
    };
  }

  /** The product of dims from {@code from} on, -1 when unknown or past a long. */
  static long elements(long[] s, int from) {
    long p = 1;
    for (int i = from; i < s.length; i++) {
      if (s[i] < 0) {
        return UNKNOWN;
      }
      try {
        p = Math.multiplyExact(p, s[i]);
      } catch (ArithmeticException e) {
        return UNKNOWN;
      }
    }
    return p;
  }

  private static long[] merge(List<long[]> ins) {
    long[] out = null;
    for (long[] s : ins) {
      if (s == null) {
        continue;
      }
      if (out == null) {
        out = s.clone();
      } else if (s.length == out.length) {
        for (int i = 0; i < out.length; i++) {
          out[i] = out[i] < 0 || out[i] == 1 && s[i] > 1 ? s[i] : out[i];
        }
      }
    }
    return out;
  }

  /** Axis counts the batch axis; negative counts from the end. */
  private static long[] concatenate(OpNode n, List<long[]> ins) {
    if (ins.isEmpty() || ins.stream().anyMatch(s -> s == null || s.length != ins.get(0).length)) {
      return null;
    }
    int rank = ins.get(0).length;
    long axis = integer(n, "axis", -1);
    int at = (int) Math.max(-1, Math.min(rank, axis < 0 ? rank + axis : axis));
    if (at <= 0 || at >= rank) {
      return null;
    }
    long[] out = merge(ins);
    long sum = 0;
    for (long[] s : ins) {
      sum = s[at] < 0 || sum < 0 || s[at] > Long.MAX_VALUE - sum ? UNKNOWN : sum + s[at];
    }
    out[at] = sum;
    return out;
  }

  private static long[] pool(OpNode n, long[] in) {
    int rank = in.length - 2;
    if (rank < 1) {
      return null;
    }
    boolean first = KerasLayerCosts.channelsFirst(n);
    int s0 = first ? 2 : 1;
    List<Long> size = spatial(n, "pool_size", rank, 2);
    List<Long> st = n.attribute("strides").isPresent() ? spatial(n, "strides", rank, 1) : size;
    boolean same = KerasLayerCosts.padding(n).equals("same");
    long[] out = in.clone();
    for (int i = 0; i < rank; i++) {
      long d = in[s0 + i];
      long p = size.get(i);
      long s = st.get(i);
      if (p <= 0 || s <= 0) {
        return null;
      }
      out[s0 + i] = d < 0 ? UNKNOWN : same ? (d + s - 1) / s : d >= p ? (d - p) / s + 1 : 0;
    }
    return out;
  }

  private static long[] globalPool(OpNode n, long[] in) {
    if (in.length < 3) {
      return null;
    }
    boolean first = KerasLayerCosts.channelsFirst(n);
    long c = first ? in[1] : in[in.length - 1];
    if (integer(n, "keepdims", 0) != 0) {
      long[] out = new long[in.length];
      java.util.Arrays.fill(out, 1);
      out[0] = in[0];
      out[first ? 1 : in.length - 1] = c;
      return out;
    }
    return new long[] {in[0], c};
  }

  /** UpSampling multiplies the spatial axes, ZeroPadding adds to both sides, Cropping removes. */
  private static long[] resize(OpNode n, String op, long[] in) {
    int rank = in.length - 2;
    if (rank < 1) {
      return null;
    }
    boolean first = KerasLayerCosts.channelsFirst(n);
    int s0 = first ? 2 : 1;
    long[] out = in.clone();
    String key =
        op.startsWith("UpSampling") ? "size" : op.startsWith("Zero") ? "padding" : "cropping";
    // one amount for all sides, one per axis (both sides), or per side ((1, 2), (3, 4)) flattened
    List<Long> raw = n.attribute(key).map(AttributeValue::asLongs).orElse(List.of());
    List<Long> v = spatial(n, key, rank, UNKNOWN);
    boolean perSide = !op.startsWith("UpSampling") && raw.size() == 2 * rank;
    for (int i = 0; i < rank; i++) {
      long d = in[s0 + i];
      long x = perSide ? raw.get(2 * i) : v.get(i);
      long y = perSide ? raw.get(2 * i + 1) : x;
      long o;
      if (d < 0 || x < 0 || y < 0 || x > MAX_DIM || y > MAX_DIM) {
        o = UNKNOWN;
      } else if (op.startsWith("UpSampling")) {
        o = d * x;
      } else if (op.startsWith("Zero")) {
        o = d + x + y;
      } else {
        o = d - x - y > 0 ? d - x - y : UNKNOWN;
      }
      out[s0 + i] = o;
    }
    return out;
  }

  /** target_shape leaves out the batch axis; one -1 takes what is left. */
  private static long[] reshape(OpNode n, long[] in) {
    List<Long> target = n.attribute("target_shape").map(AttributeValue::asLongs).orElse(List.of());
    if (target.isEmpty() || target.stream().filter(d -> d < 0).count() > 1) {
      return null;
    }
    long[] out = new long[target.size() + 1];
    out[0] = in[0];
    long known = 1;
    int free = -1;
    for (int i = 0; i < target.size(); i++) {
      long d = target.get(i);
      out[i + 1] = d;
      if (d < 0) {
        free = i + 1;
      } else if (d == 0) {
        return null;
      } else {
        known = known > Long.MAX_VALUE / d ? UNKNOWN : known * d;
      }
    }
    if (free > 0) {
      long total = elements(in, 1);
      out[free] = total < 0 || known <= 0 || total % known != 0 ? UNKNOWN : total / known;
    }
    return out;
  }

  /** dims are 1-based and leave the batch axis out. */
  private static long[] permute(OpNode n, long[] in) {
    List<Long> dims = n.attribute("dims").map(AttributeValue::asLongs).orElse(List.of());
    if (dims.size() != in.length - 1) {
      return null;
    }
    long[] out = new long[in.length];
    out[0] = in[0];
    for (int i = 0; i < dims.size(); i++) {
      long d = dims.get(i);
      if (d < 1 || d >= in.length) {
        return null;
      }
      out[i + 1] = in[(int) d];
    }
    return out;
  }
}
