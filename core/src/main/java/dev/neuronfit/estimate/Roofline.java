package dev.neuronfit.estimate;

import dev.neuronfit.kb.Hardware.Chip;
import dev.neuronfit.kb.Hardware.Instance;
import dev.neuronfit.kb.Hardware.TargetHardware;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Places a workload under the roofline of a target: each phase is bound by compute when its
 * arithmetic intensity is above the chip's balance point and by memory bandwidth otherwise; the
 * latency bound is the larger of the two times, on the chips the model is spread over. Sizing picks
 * the smallest instance whose device memory holds the weights and KV cache.
 */
public final class Roofline {
  private Roofline() {}

  public static TargetEstimate of(Workload w, TargetHardware hw, double efficiency) {
    Chip chip = hw.chip();
    String dtype = w.dtype().name();
    Optional<Double> peak = chip.peakFlops(dtype);
    String basis;
    if (peak.isPresent()) {
      basis = chip.name() + " peak " + dtype;
    } else {
      peak = chip.peakFlops("BF16");
      basis =
          chip.name()
              + " has no "
              + dtype
              + " figure; its BF16 peak is used (neuron-cc casts FP32 to BF16 by default on Inferentia)";
    }
    double flops = peak.orElse(0.0) * efficiency;
    double bandwidth = chip.bandwidthBytesPerSecond() * efficiency;
    if (efficiency < 1) {
      basis += ", scaled by efficiency " + efficiency;
    }
    Sizing sizing = size(w, hw);
    int cores = Math.max(sizing.neuronCores(), sizing.tensorParallelDegree().orElse(1));
    int chips = Math.max(1, (cores + chip.coresPerChip() - 1) / chip.coresPerChip());
    Optional<Instance> inst =
        sizing
            .instance()
            .flatMap(
                name -> hw.instances().stream().filter(i -> i.name().equals(name)).findFirst());
    int copies = inst.map(i -> Math.max(1, i.chips() / chips)).orElse(0);
    List<PhaseBound> bounds = new ArrayList<>();
    for (Phase p : w.phases()) {
      double compute = flops > 0 ? p.flops() / (chips * flops) : Double.POSITIVE_INFINITY;
      double memory = p.bytesMoved() / (chips * bandwidth);
      double latency = Math.max(compute, memory);
      double throughput = p.units() / latency;
      bounds.add(
          new PhaseBound(
              p.name(),
              compute >= memory ? "compute" : "memory",
              latency,
              throughput,
              chips,
              sizing.instance(),
              throughput * copies));
    }
    return new TargetEstimate(hw.target(), chip.name(), flops, bandwidth, basis, bounds, sizing);
  }

  /** The smallest instance holding the weights and KV cache, with the NeuronCores they need. */
  static Sizing size(Workload w, TargetHardware hw) {
    Chip chip = hw.chip();
    long need = w.weightBytes() + w.kvCacheBytes();
    int cores =
        (int) Math.max(1, (need + chip.memoryPerCoreBytes() - 1) / chip.memoryPerCoreBytes());
    List<String> notes = new ArrayList<>();
    notes.add(
        "needs "
            + need
            + " bytes: weights"
            + (w.kvCacheBytes() > 0 ? " and KV cache" : "")
            + " at "
            + w.dtype()
            + " (activations and runtime buffers not included)");
    Optional<Integer> tp = Optional.empty();
    if (cores > 1 && !hw.tensorParallelDegrees().isEmpty()) {
      tp = hw.tensorParallelDegrees().stream().filter(d -> d >= cores).findFirst();
      if (tp.isEmpty()) {
        notes.add(
            cores
                + " NeuronCores needed, more than the largest supported tensor-parallel degree "
                + hw.tensorParallelDegrees().get(hw.tensorParallelDegrees().size() - 1));
      }
    }
    Optional<Integer> pipeline = Optional.empty();
    if (hw.inf1PipelineRule()) {
      // neuroncore-pipeline-cores = 4 * round(weights / 2e7), about 20 M weights per NeuronCore
      long weights = w.weightBytes() / Math.max(1, w.dtype().bytesFor(1));
      pipeline = Optional.of((int) Math.max(1, 4 * Math.round(weights / 2e7)));
      int most = hw.instances().stream().mapToInt(Instance::neuronCores).max().orElse(0);
      notes.add(
          "the NeuronCore pipeline rule of thumb (4 x round(weights / 2e7)) suggests "
              + pipeline.get()
              + " cores to keep the weights on chip"
              + (most > 0 && pipeline.get() > most
                  ? ", more than the "
                      + most
                      + " of the largest instance: the weights cannot all"
                      + " stay on chip"
                  : ""));
    }
    int coresNeeded = Math.max(cores, tp.orElse(1));
    boolean tpOk = cores <= 1 || hw.tensorParallelDegrees().isEmpty() || tp.isPresent();
    Optional<String> instance =
        tpOk
            ? hw.instances().stream()
                .filter(i -> i.neuronCores() >= coresNeeded && i.deviceMemoryBytes() >= need)
                .map(Instance::name)
                .findFirst()
            : Optional.empty();
    if (instance.isEmpty() && tpOk && !hw.instances().isEmpty()) {
      Instance largest = hw.instances().get(hw.instances().size() - 1);
      notes.add(
          "the largest instance, "
              + largest.name()
              + ", has "
              + dev.neuronfit.model.Quantities.bytes(largest.deviceMemoryBytes())
              + " of device memory on "
              + largest.neuronCores()
              + " NeuronCores");
    }
    return new Sizing(instance, cores, tp, need, pipeline, notes);
  }
}
