package dev.neuronfit.estimate.keras;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.graph.GraphTotals;
import dev.neuronfit.estimate.graph.InputBinding;
import dev.neuronfit.estimate.graph.TensorValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workload of a Keras model (.keras archive or legacy .h5), found from its model config: the
 * layers the Keras reader kept as graph nodes are walked in order, each layer's output shape worked
 * out from its settings and its input's shape ({@link KerasPropagation}), from the model's declared
 * input shapes (InputLayer {@code batch_shape}/{@code batch_input_shape}, a Keras 2 first layer's
 * {@code batch_input_shape}) and, where those leave a layer's input unknown, the layer's own Keras
 * 3 {@code build_config.input_shape}. Unknown input dimensions take the requested or default input
 * ({@link InputBinding}, channels last). Stateless; never returns null and never throws on a
 * malformed config: what it cannot cost is listed.
 */
public final class KerasWorkload {
  private KerasWorkload() {}

  /**
   * The workload of one inference, or empty when the profile is not a Keras model, has no layers,
   * or moves no bytes that could be sized.
   */
  public static Optional<Workload> estimate(ModelProfile profile, WorkloadOptions opts) {
    if (profile.format() != ModelFormat.KERAS || profile.graph().isEmpty()) {
      return Optional.empty();
    }
    Graph graph = profile.graph().get();
    if (graph.mainNodes().isEmpty()) {
      return Optional.empty();
    }
    DType dtype = opts.dtypeOrDefault();
    List<ValueInfo> declared = graph.inputs().stream().filter(in -> !in.shape().isEmpty()).toList();
    InputBinding.Bound bound = InputBinding.bind(declared, opts, true);
    Map<String, long[]> inputs = new HashMap<>();
    bound
        .values()
        .forEach(
            (k, v) -> {
              if (v.rankKnown()) {
                inputs.put(k, v.dims());
              }
            });
    int batch = batch(declared, bound);
    KerasPropagation.Result r = KerasPropagation.run(graph.nodes(), inputs, batch);

    long weightBytes = weightBytes(profile, dtype);
    long inputBytes = GraphTotals.inputBytes(declared, bound, dtype, in -> true);
    long outputBytes = 0;
    List<String> unsized = new ArrayList<>();
    for (ValueInfo out : graph.outputs()) {
      long[] s = r.values().get(out.name());
      long b = -1;
      long n = s == null ? -1 : KerasShapeOps.elements(s, 0);
      if (n >= 0) {
        try {
          b = dtype.bytesFor(n);
        } catch (ArithmeticException e) {
          b = -1;
        }
      }
      if (b < 0) {
        unsized.add(out.name());
      }
      outputBytes = Quantities.saturatedSum(outputBytes, Math.max(0, b));
    }
    GraphTotals.Bytes bytes = new GraphTotals.Bytes(weightBytes, inputBytes, outputBytes, 0);
    if (bytes.moved() <= 0) {
      return Optional.empty();
    }
    List<String> a = assumptions(profile, declared, bound, batch, r, unsized, dtype, opts);
    return Optional.of(
        GraphTotals.onePass(
            bound,
            batch,
            "inference",
            r.macs(),
            r.costUnknown(),
            dtype,
            bytes,
            "shape propagation through the Keras model config ("
                + r.layers()
                + " layers, "
                + profile.graph().get().metadata().getOrDefault("model_class", "model")
                + ")",
            a));
  }

  /**
   * The batch: the first input's leading axis, which a Keras 2 config may fix (a stateful RNN's
   * {@code batch_input_shape}), or else the bound one.
   */
  private static int batch(List<ValueInfo> declared, InputBinding.Bound bound) {
    for (ValueInfo in : declared) {
      TensorValue v = bound.values().get(in.name());
      if (v != null && v.rankKnown() && v.rank() > 0 && v.dim(0) >= 1) {
        return (int) Math.min(Integer.MAX_VALUE, v.dim(0));
      }
    }
    return Math.max(1, bound.batch());
  }

  /**
   * The weights once: the weight datasets the file declares (floating-point ones at the device
   * type), or, for a config saved without weights, the parameter count estimated from the layer
   * configs at the device type.
   */
  private static long weightBytes(ModelProfile profile, DType dtype) {
    try {
      if (!profile.tensors().isEmpty()) {
        long bytes = 0;
        for (TensorInfo t : profile.tensors()) {
          bytes =
              Quantities.saturatedSum(
                  bytes,
                  GraphTotals.floating(t.dtype()) ? dtype.bytesFor(t.elements()) : t.bytes());
        }
        return bytes;
      }
      return profile.weights().parameters().isPresent()
          ? dtype.bytesFor(profile.weights().parameters().getAsLong())
          : 0;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static List<String> assumptions(
      ModelProfile profile,
      List<ValueInfo> declared,
      InputBinding.Bound bound,
      int batch,
      KerasPropagation.Result r,
      List<String> unsized,
      DType dtype,
      WorkloadOptions opts) {
    List<String> a = new ArrayList<>();
    List<String> bindings = InputBinding.boundAxes(declared, bound, true);
    if (!bindings.isEmpty()) {
      a.add(Assumptions.boundByPosition("unknown (None) input dimensions", bindings));
    }
    a.addAll(bound.assumptions());
    Graph graph = profile.graph().get();
    if (declared.size() < graph.inputs().size()) {
      a.add(Assumptions.kerasUnshapedInputs(batch));
    }
    a.add(Assumptions.KERAS_COUNTED);
    if (!r.macsByClass().isEmpty()) {
      a.add(Assumptions.macsBy("layer class", GraphTotals.breakdown(r.macsByClass(), r.macs())));
    }
    if (r.reusedLayers() > 0) {
      a.add(Assumptions.kerasReusedLayers(r.reusedLayers()));
    }
    int unknown = GraphTotals.unknownNodes(r.costUnknown());
    if (unknown > 0) {
      a.add(Assumptions.costLeftOut(unknown, "layer", Assumptions.KERAS_UNKNOWN_CAUSES));
    }
    a.add(Assumptions.kerasBytesMoved(!profile.tensors().isEmpty(), dtype, unsized));
    a.add(Assumptions.deviceType(dtype, opts));
    a.add(Assumptions.batch(batch));
    return a;
  }
}
