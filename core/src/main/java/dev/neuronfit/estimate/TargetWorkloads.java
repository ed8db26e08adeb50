package dev.neuronfit.estimate;

import dev.neuronfit.kb.SupportNow;
import dev.neuronfit.model.Quantization;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The workload each target is placed with. A quantized checkpoint's workload holds its weights at
 * their stored widths; on a target whose path does not run the method ({@link WeightWidth} decides)
 * the same model at the device type is placed instead, and the report's assumption line names the
 * targets at each width. Any other workload is placed as it is on every target. Immutable.
 *
 * @param report the workload the report shows
 * @param byTarget per target id, in the order given, the workload its bounds and sizing use
 */
public record TargetWorkloads(Workload report, Map<String, Workload> byTarget) {
  public TargetWorkloads {
    Objects.requireNonNull(report, "report");
    byTarget = Collections.unmodifiableMap(new LinkedHashMap<>(byTarget));
  }

  /**
   * @param stored the workload with quantized weights at their stored widths
   * @param atDeviceType the same model with every weight at the device type, asked for only when
   *     some target does not run the checkpoint's method
   * @param classes the model's Hugging Face architecture classes
   * @param targets the target ids to place it on
   */
  public static TargetWorkloads of(
      Workload stored,
      Supplier<Optional<Workload>> atDeviceType,
      SupportNow now,
      List<String> classes,
      List<String> targets,
      WorkloadOptions opts) {
    Map<String, Workload> out = new LinkedHashMap<>();
    if (stored.quantization().isEmpty()) {
      targets.forEach(t -> out.put(t, stored));
      return new TargetWorkloads(stored, out);
    }
    Quantization q = stored.quantization().get();
    List<WeightWidth> widths =
        targets.stream().map(t -> WeightWidth.of(now, q, classes, t, stored.dtype())).toList();
    Optional<Workload> dense =
        widths.stream().allMatch(WeightWidth::stored) ? Optional.empty() : atDeviceType.get();
    for (WeightWidth w : widths) {
      out.put(w.target(), w.stored() ? stored.on(w) : dense.map(d -> d.on(w)).orElse(stored));
    }
    if (dense.isEmpty() || widths.isEmpty()) {
      return new TargetWorkloads(stored, out);
    }
    long atDtype = dense.get().weightBytes();
    Workload report =
        stored.withAssumption(
            Assumptions.quantizedWeights(q, stored.weightBytes(), atDtype, stored.dtype(), opts),
            Assumptions.quantizedWeights(
                q, stored.weightBytes(), atDtype, stored.dtype(), opts, widths));
    return new TargetWorkloads(report, out);
  }
}
