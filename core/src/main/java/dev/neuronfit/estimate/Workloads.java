package dev.neuronfit.estimate;

import dev.neuronfit.estimate.config.ConfigWorkload;
import dev.neuronfit.estimate.graph.GraphWorkload;
import dev.neuronfit.estimate.keras.KerasWorkload;
import dev.neuronfit.estimate.tf.TfGraphWorkload;
import dev.neuronfit.model.ModelProfile;
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
    Optional<Workload> fromConfig =
        parameters.isPresent()
            ? ConfigWorkload.estimate(profile, parameters.getAsLong(), opts)
            : Optional.empty();
    if (fromConfig.isPresent() || profile.graph().isEmpty()) {
      return fromConfig;
    }
    return switch (profile.format()) {
      case ONNX -> GraphWorkload.estimate(profile, opts);
      case TF_SAVEDMODEL, TF_GRAPHDEF -> TfGraphWorkload.estimate(profile, opts);
      case KERAS -> KerasWorkload.estimate(profile, opts);
      case HF, TORCHSCRIPT, PYTORCH_CHECKPOINT, GGUF -> Optional.empty();
    };
  }
}
