package dev.neuronfit.estimate;

import dev.neuronfit.estimate.config.ConfigWorkload;
import dev.neuronfit.estimate.graph.GraphWorkload;
import dev.neuronfit.estimate.keras.KerasWorkload;
import dev.neuronfit.estimate.tf.TfGraphWorkload;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one entry to the workload estimators: a Hugging Face config layout when the model has one
 * neuronfit knows, else the model's own graph, propagated by the estimator for its format.
 */
public final class Workloads {
  private Workloads() {}

  /**
   * The workload of one inference, or empty when neither a known config layout nor a graph gives
   * one.
   *
   * @param parameters the model's parameter count (read or estimated), for the bytes of weights of
   *     a config layout; empty when unknown, which rules the config layouts out
   */
  public static Optional<Workload> estimate(
      ModelProfile profile, OptionalLong parameters, WorkloadOptions opts) {
    return estimate(profile, parameters, OptionalLong.empty(), opts, true);
  }

  /**
   * The workload of one inference with a quantized checkpoint's weights at their stored widths
   * ({@code storedWidths}) or all at the device type; which one a target holds is {@link
   * WeightWidth}'s to decide.
   *
   * @param storedBytes the bytes the checkpoint's weights take as stored (read or estimated), for a
   *     quantized model that has no layout or graph; empty when unknown
   */
  public static Optional<Workload> estimate(
      ModelProfile profile,
      OptionalLong parameters,
      OptionalLong storedBytes,
      WorkloadOptions opts,
      boolean storedWidths) {
    Optional<Workload> fromConfig =
        parameters.isPresent()
            ? ConfigWorkload.estimate(profile, parameters.getAsLong(), opts, storedWidths)
            : Optional.empty();
    if (fromConfig.isPresent()) {
      return fromConfig;
    }
    Optional<Workload> fromGraph =
        profile.graph().isEmpty()
            ? Optional.empty()
            : switch (profile.format()) {
              case ONNX -> GraphWorkload.estimate(profile, opts);
              case TF_SAVEDMODEL, TF_GRAPHDEF -> TfGraphWorkload.estimate(profile, opts);
              case KERAS -> KerasWorkload.estimate(profile, opts);
              case HF, TORCHSCRIPT, PYTORCH_CHECKPOINT, GGUF, MXNET -> Optional.empty();
            };
    if (fromGraph.isPresent() || parameters.isEmpty() || parameters.getAsLong() < 1) {
      return fromGraph;
    }
    Optional<Quantization> q =
        storedWidths && storedBytes.isPresent() && storedBytes.getAsLong() > 0
            ? profile.hf().flatMap(HfMetadata::quantization)
            : Optional.empty();
    try {
      return Optional.of(weightsOnly(parameters.getAsLong(), storedBytes, q, opts));
    } catch (ArithmeticException e) {
      // a declared parameter count whose bytes at the device type overflow a long (hostile
      // shapes): no instance is that large, and no estimate is better than a wrapped one
      return Optional.empty();
    }
  }

  /**
   * The workload of a model whose size is known but whose layout and graph are not: enough for the
   * memory sizing (which needs only the weights), with one pass assumed to read every weight once
   * at 2 FLOPs per parameter per item, and no KV cache (the layout that would size it is unknown).
   *
   * @throws ArithmeticException when the parameters' bytes at the device type overflow a long
   */
  private static Workload weightsOnly(
      long parameters, OptionalLong storedBytes, Optional<Quantization> q, WorkloadOptions opts) {
    DType dtype = opts.dtypeOrDefault();
    long atDeviceType = dtype.bytesFor(parameters);
    // a quantized checkpoint's weights at their stored width: the bytes its files declare
    long weightBytes = q.isPresent() ? storedBytes.getAsLong() : atDeviceType;
    int batch = opts.batchOr1();
    return new Workload(
        batch,
        Optional.empty(),
        Optional.empty(),
        dtype,
        List.of(new Phase("inference", 2.0 * parameters * batch, weightBytes, batch)),
        Map.of(),
        weightBytes,
        0,
        0,
        "weights only: no layout or graph estimate for this model",
        List.of(
            "one pass reads every weight once and does 2 FLOPs per parameter per item; no"
                + " activations or KV cache are counted",
            q.isPresent()
                ? Assumptions.quantizedWeights(q.get(), weightBytes, atDeviceType, dtype, opts)
                : Assumptions.deviceType(dtype, opts)),
        q,
        Optional.empty());
  }
}
