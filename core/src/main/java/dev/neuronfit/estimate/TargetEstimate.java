package dev.neuronfit.estimate;

import java.util.List;
import java.util.Objects;

/**
 * Roofline bounds and sizing of a workload on one target.
 *
 * @param target the target id
 * @param chip the chip's name
 * @param peakFlopsPerChip peak FLOP/s per chip for the workload's element type, times the
 *     efficiency
 * @param bandwidthPerChip bytes per second per chip, times the efficiency
 * @param peakBasis which peak figure was used and why
 * @param phases one bound per phase of the workload
 * @param sizing the smallest instance that holds the model
 * @param workload the workload placed: for a quantized checkpoint, with its weights at the width
 *     this target holds them ({@link Workload#width()})
 */
public record TargetEstimate(
    String target,
    String chip,
    double peakFlopsPerChip,
    double bandwidthPerChip,
    String peakBasis,
    List<PhaseBound> phases,
    Sizing sizing,
    Workload workload) {
  public TargetEstimate {
    Objects.requireNonNull(target, "target");
    phases = List.copyOf(phases);
    Objects.requireNonNull(sizing, "sizing");
    Objects.requireNonNull(workload, "workload");
  }

  /** FLOPs per byte at which compute and memory take equally long: the roofline's ridge point. */
  public double balancePoint() {
    return peakFlopsPerChip / bandwidthPerChip;
  }
}
