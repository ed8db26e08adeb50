package dev.neuronfit.io.keras;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Estimates a Keras model's parameter count from its layer configs, for files without weights (or
 * whose weights are too big to read): each layer's weights follow from its settings and the size of
 * its input, which is the layer's {@code build_config.input_shape} in Keras 3 and otherwise is
 * carried forward from the model's input shape through the layers before it. The figures are those
 * of Keras' own layer classes (e.g. an LSTM holds {@code 4 * ((input + units) * units + units)}). A
 * layer whose input size cannot be found, or a class with weights whose layout is not known here,
 * makes the estimate fail rather than come out short.
 */
final class KerasParameters {
  /** Layers known to hold no weights; their output has their input's shape unless noted below. */
  private static final Set<String> WEIGHTLESS =
      Set.of(
          "InputLayer",
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
          "ELU",
          "ThresholdedReLU",
          "Softmax",
          "Masking",
          "ActivityRegularization",
          "Rescaling",
          "Flatten",
          "Reshape",
          "Permute",
          "RepeatVector",
          "Concatenate",
          "Add",
          "Subtract",
          "Multiply",
          "Average",
          "Maximum",
          "Minimum",
          "Dot",
          "Lambda",
          "TFOpLambda",
          "SlicingOpLambda",
          "MaxPooling1D",
          "MaxPooling2D",
          "MaxPooling3D",
          "AveragePooling1D",
          "AveragePooling2D",
          "AveragePooling3D",
          "MaxPool1D",
          "MaxPool2D",
          "MaxPool3D",
          "AvgPool1D",
          "AvgPool2D",
          "AvgPool3D",
          "GlobalMaxPooling1D",
          "GlobalMaxPooling2D",
          "GlobalMaxPooling3D",
          "GlobalAveragePooling1D",
          "GlobalAveragePooling2D",
          "GlobalAveragePooling3D",
          "GlobalMaxPool1D",
          "GlobalMaxPool2D",
          "GlobalAveragePool1D",
          "GlobalAveragePool2D",
          "UpSampling1D",
          "UpSampling2D",
          "UpSampling3D",
          "ZeroPadding1D",
          "ZeroPadding2D",
          "ZeroPadding3D",
          "Cropping1D",
          "Cropping2D",
          "Cropping3D",
          "Attention",
          "AdditiveAttention",
          "Identity",
          "Resizing",
          "CenterCrop");

  private static final long UNKNOWN = -1;

  /**
   * The estimate.
   *
   * @param parameters learned parameters plus batch-norm statistics, when every layer with weights
   *     could be sized
   * @param unsized layers that could not be sized (class and name), when the estimate failed
   */
  record Estimate(Optional<Long> parameters, List<String> unsized) {}

  private final Map<String, List<OpNode>> byScope = new LinkedHashMap<>();
  private final Map<String, List<Long>> shapes = new HashMap<>();
  private final List<String> unsized = new ArrayList<>();
  private long total;

  private KerasParameters(List<OpNode> nodes, List<ValueInfo> inputs) {
    for (OpNode n : nodes) {
      byScope.computeIfAbsent(n.scope(), s -> new ArrayList<>()).add(n);
    }
    for (ValueInfo v : inputs) {
      if (!v.shape().isEmpty()) {
        shapes.put(
            v.name(),
            v.shape().subList(1, v.shape().size()).stream().map(ValueInfo.Dim::value).toList());
      }
    }
  }

  /** Estimates the parameters of the layers read from a config. */
  static Estimate estimate(List<OpNode> nodes, List<ValueInfo> inputs) {
    KerasParameters k = new KerasParameters(nodes, inputs);
    try {
      k.scope("");
    } catch (ArithmeticException e) {
      k.unsized.add("(sizes overflow)");
    }
    return new Estimate(
        k.unsized.isEmpty() ? Optional.of(k.total) : Optional.empty(), List.copyOf(k.unsized));
  }

  private List<Long> scope(String scope) {
    List<Long> last = null;
    for (OpNode n : byScope.getOrDefault(scope, List.of())) {
      last = node(n);
    }
    return last;
  }

  private List<Long> node(OpNode n) {
    List<Long> in = input(n);
    List<Long> out;
    // "layers" and "inner" name a nested scope only when the reader made them one: a config may
    // hold keys of those names with any value (a fuzzed archive had a float "inner")
    if (n.attributes().get("layers") instanceof AttributeValue.Subgraph layers) {
      String inner = layers.scope();
      // the first inner layer reads the container's inputs, named as the container's are
      if (in != null && !n.inputs().isEmpty()) {
        shapes.putIfAbsent(n.inputs().get(0), in);
      }
      out = scope(inner);
    } else if (n.attributes().get("inner") instanceof AttributeValue.Subgraph wrapped) {
      out = wrapper(n, wrapped.scope(), in);
    } else {
      out = layer(n, in);
    }
    if (out != null) {
      n.outputs().forEach(o -> shapes.put(o, out));
    }
    return out;
  }

  private List<Long> input(OpNode n) {
    Optional<AttributeValue> built = n.attribute("input_shape");
    if (built.isPresent() && !built.get().asLongs().isEmpty()) {
      List<Long> s = built.get().asLongs();
      return s.subList(1, s.size());
    }
    return n.inputs().isEmpty() ? null : shapes.get(n.inputs().get(0));
  }

  private List<Long> wrapper(OpNode n, String inner, List<Long> in) {
    List<OpNode> parts = byScope.getOrDefault(inner, List.of());
    boolean timeDistributed = n.opType().equals("TimeDistributed");
    List<Long> innerIn =
        timeDistributed && in != null && !in.isEmpty() ? in.subList(1, in.size()) : in;
    List<Long> out = null;
    for (OpNode p : parts) {
      if (innerIn != null) {
        p.inputs().forEach(i -> shapes.putIfAbsent(i, innerIn));
      }
      long before = total;
      out = layer(p, innerIn);
      if (n.opType().equals("Bidirectional") && parts.size() == 1) {
        total = Math.addExact(total, total - before);
      }
    }
    if (out == null) {
      return null;
    }
    if (timeDistributed) {
      List<Long> t = new ArrayList<>(List.of(in.get(0)));
      t.addAll(out);
      return t;
    }
    if (n.opType().equals("Bidirectional") && !out.isEmpty()) {
      String merge = text(n, "merge_mode", "concat");
      if (merge.equals("concat")) {
        List<Long> t = new ArrayList<>(out);
        t.set(t.size() - 1, Math.multiplyExact(last(out), 2));
        return t;
      }
    }
    return out;
  }

  /** Adds a layer's parameters to the total and returns its output shape (null when unknown). */
  private List<Long> layer(OpNode n, List<Long> in) {
    String op = n.opType();
    if (WEIGHTLESS.contains(op)) {
      return weightlessShape(n, in);
    }
    if (in == null || in.isEmpty()) {
      unsized.add(op + " " + n.name());
      return null;
    }
    long c = last(in);
    boolean bias = integer(n, "use_bias", 1) != 0;
    long b = bias ? 1 : 0;
    if (c < 0) {
      unsized.add(op + " " + n.name());
      return null;
    }
    switch (op) {
      case "Dense" -> {
        long units = integer(n, "units", UNKNOWN);
        return add(n, c * units + b * units, replaceLast(in, units), units);
      }
      case "Embedding" -> {
        long dim = integer(n, "output_dim", UNKNOWN);
        List<Long> out = new ArrayList<>(in);
        out.add(dim);
        return add(n, integer(n, "input_dim", UNKNOWN) * dim, out, dim);
      }
      case "LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU" -> {
        long u = integer(n, "units", UNKNOWN);
        long gates = op.contains("LSTM") ? 4 : op.contains("GRU") ? 3 : 1;
        long p = gates * ((c + u) * u + b * u);
        if (op.equals("GRU") && integer(n, "reset_after", 1) != 0) {
          p += b * 3 * u;
        }
        List<Long> out = integer(n, "return_sequences", 0) != 0 ? replaceLast(in, u) : List.of(u);
        return add(n, p, out, u);
      }
      case "BatchNormalization" -> {
        long k = 2 + integer(n, "center", 1) + integer(n, "scale", 1);
        return add(n, k * c, in, 1);
      }
      case "LayerNormalization" -> {
        return add(n, (integer(n, "center", 1) + integer(n, "scale", 1)) * c, in, 1);
      }
      case "PReLU" -> {
        // one alpha per input element, shared along shared_axes (1-based, batch axis excluded)
        List<Long> shared =
            n.attribute("shared_axes").map(AttributeValue::asLongs).orElse(List.of());
        long p = 1;
        for (int i = 0; i < in.size(); i++) {
          long d = shared.contains((long) i + 1) ? 1 : in.get(i);
          p = d < 0 ? UNKNOWN : Math.multiplyExact(p, d);
          if (p < 0) {
            break;
          }
        }
        return add(n, p, in, 1);
      }
      case "MultiHeadAttention" -> {
        long h = integer(n, "num_heads", UNKNOWN);
        long k = integer(n, "key_dim", UNKNOWN);
        long v = integer(n, "value_dim", k);
        long p = 2 * (c * h * k + b * h * k) + c * h * v + b * h * v + h * v * c + b * c;
        return add(n, p, in, Math.min(h, k));
      }
      default -> {
        if (op.matches(
            "(Conv|Convolution|SeparableConv|DepthwiseConv|Deconvolution)[123]D(Transpose)?")) {
          return conv(n, in, c, b);
        }
        unsized.add(op + " " + n.name());
        return null;
      }
    }
  }

  private List<Long> conv(OpNode n, List<Long> in, long cin, long b) {
    String op = n.opType();
    int rank = Character.getNumericValue(op.charAt(op.indexOf('D') - 1));
    List<Long> k = spatial(n, "kernel_size", rank, UNKNOWN);
    if (k.contains(UNKNOWN) || in.size() != rank + 1) {
      unsized.add(op + " " + n.name());
      return null;
    }
    long area = k.stream().reduce(1L, Math::multiplyExact);
    long f = integer(n, "filters", UNKNOWN);
    long dm = integer(n, "depth_multiplier", 1);
    long groups = Math.max(1, integer(n, "groups", 1));
    long p;
    long outC = f;
    if (op.startsWith("Depthwise")) {
      outC = cin * dm;
      p = area * cin * dm + b * outC;
    } else if (op.startsWith("Separable")) {
      p = area * cin * dm + cin * dm * f + b * f;
    } else {
      p = area * (cin / groups) * f + b * f;
    }
    List<Long> s = spatial(n, "strides", rank, 1);
    boolean same = text(n, "padding", "valid").equals("same");
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      long d = in.get(i);
      long step = Math.max(1, s.get(i));
      out.add(
          d < 0
              ? UNKNOWN
              : op.endsWith("Transpose")
                  ? d * step
                  : same ? ceilDiv(d, step) : (d - k.get(i)) / step + 1);
    }
    out.add(outC);
    return add(n, p, out, Math.min(area, outC));
  }

  private List<Long> add(OpNode n, long params, List<Long> out, long check) {
    if (check < 0 || params < 0) {
      unsized.add(n.opType() + " " + n.name());
      return null;
    }
    total = Math.addExact(total, params);
    return out;
  }

  private List<Long> weightlessShape(OpNode n, List<Long> in) {
    if (in == null) {
      return null;
    }
    String op = n.opType();
    if (op.equals("Flatten")) {
      long p = 1;
      for (long d : in) {
        p = d < 0 ? UNKNOWN : p < 0 ? UNKNOWN : Math.multiplyExact(p, d);
      }
      return List.of(p);
    }
    if (op.startsWith("Global")) {
      return in.isEmpty() ? null : List.of(last(in));
    }
    if (op.equals("Reshape")) {
      List<Long> target =
          n.attribute("target_shape").map(AttributeValue::asLongs).orElse(List.of());
      return target.isEmpty() || target.contains(-1L) ? null : target;
    }
    if (op.equals("RepeatVector")) {
      return List.of(integer(n, "n", UNKNOWN), last(in));
    }
    if (op.equals("Concatenate")) {
      // axis counts the batch axis; negative counts from the end
      long axis = integer(n, "axis", -1);
      int at = (int) (axis < 0 ? in.size() + axis : axis - 1);
      if (at < 0 || at >= in.size()) {
        return null;
      }
      long sum = 0;
      for (String i : n.inputs()) {
        List<Long> s = shapes.get(i);
        if (s == null || s.size() != in.size() || s.get(at) < 0) {
          return null;
        }
        sum = Math.addExact(sum, s.get(at));
      }
      List<Long> out = new ArrayList<>(in);
      out.set(at, sum);
      return out;
    }
    if (op.matches("(Max|Average|Avg)Pool(ing)?[123]D")) {
      int rank = in.size() - 1;
      List<Long> pool = spatial(n, "pool_size", rank, 2);
      List<Long> s = n.attribute("strides").isPresent() ? spatial(n, "strides", rank, 1) : pool;
      boolean same = text(n, "padding", "valid").equals("same");
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < rank; i++) {
        long step = Math.max(1, s.get(i));
        long d = in.get(i);
        out.add(d < 0 ? UNKNOWN : same ? ceilDiv(d, step) : (d - pool.get(i)) / step + 1);
      }
      out.add(last(in));
      return out;
    }
    if (op.matches("UpSampling[123]D|ZeroPadding[123]D|Cropping[123]D|Resizing|CenterCrop")) {
      // the spatial sizes change in ways not kept here; the channels stay
      List<Long> out = new ArrayList<>(java.util.Collections.nCopies(in.size(), UNKNOWN));
      if (!in.isEmpty()) {
        out.set(in.size() - 1, last(in));
      }
      return out;
    }
    if (op.equals("Permute")) {
      // dims are 1-based and leave the batch axis out
      List<Long> dims = n.attribute("dims").map(AttributeValue::asLongs).orElse(List.of());
      if (dims.size() != in.size() || dims.stream().anyMatch(d -> d < 1 || d > in.size())) {
        return null;
      }
      return dims.stream().map(d -> in.get((int) (d - 1))).toList();
    }
    if (op.matches("Dot|Lambda|TFOpLambda|SlicingOpLambda")) {
      return null;
    }
    return in;
  }

  private static long ceilDiv(long a, long b) {
    return a < 0 ? UNKNOWN : (a + b - 1) / b;
  }

  private static long last(List<Long> s) {
    return s.get(s.size() - 1);
  }

  private static List<Long> replaceLast(List<Long> in, long v) {
    List<Long> out = new ArrayList<>(in);
    out.set(out.size() - 1, v);
    return out;
  }

  private static List<Long> spatial(OpNode n, String key, int rank, long fallback) {
    Optional<AttributeValue> a = n.attribute(key);
    List<Long> v = a.map(AttributeValue::asLongs).orElse(List.of());
    if (v.isEmpty() && a.isPresent() && a.get().asLong() > 0) {
      v = java.util.Collections.nCopies(rank, a.get().asLong());
    }
    if (v.size() == 1 && rank > 1) {
      v = java.util.Collections.nCopies(rank, v.get(0));
    }
    return v.size() == rank ? v : java.util.Collections.nCopies(rank, fallback);
  }

  private static long integer(OpNode n, String key, long fallback) {
    return n.attribute(key)
        .filter(a -> a instanceof AttributeValue.Int)
        .map(AttributeValue::asLong)
        .orElse(fallback);
  }

  private static String text(OpNode n, String key, String fallback) {
    return n.attribute(key)
        .filter(a -> a instanceof AttributeValue.Text)
        .map(a -> ((AttributeValue.Text) a).value())
        .orElse(fallback);
  }
}
