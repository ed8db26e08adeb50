package dev.neuronfit.estimate;

import dev.neuronfit.kb.Hardware.Chip;
import dev.neuronfit.kb.Hardware.Instance;
import dev.neuronfit.kb.Hardware.TargetHardware;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Places a workload under the roofline of a target: each phase is bound by compute when its
 * arithmetic intensity is above the balance point and by memory bandwidth otherwise; the latency
 * bound is the larger of the two times, with compute summed over the NeuronCores of a placement
 * (each core a {@code 1 / coresPerChip} share of its chip), bandwidth over the chips they sit on (a
 * core may draw on its whole chip's memory), and the weights and KV cache split across the cores.
 * Without a requested placement, each target gets two: the smallest instance that holds the model,
 * and the fastest (the largest instance at its highest tensor-parallel degree). A placement that
 * does not hold the model is never computed: the sizing notes say why.
 */
public final class Roofline {
  private Roofline() {}

  public static TargetEstimate of(Workload w, TargetHardware hw, double efficiency) {
    return of(w, hw, efficiency, Optional.empty(), OptionalInt.empty());
  }

  /**
   * @param instance the requested instance size, or empty for the default placements
   * @param tensorParallel the requested NeuronCores, or empty for all of the instance's (or the
   *     default placements')
   */
  public static TargetEstimate of(
      Workload w,
      TargetHardware hw,
      double efficiency,
      Optional<String> instance,
      OptionalInt tensorParallel) {
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
    basis +=
        String.format(
            java.util.Locale.ROOT,
            "; memory bandwidth %.0f GiB/s a chip, read as binary GiB where AWS pages also say GB/s:"
                + " the larger figure keeps the latency bound a bound",
            chip.bandwidthBytesPerSecond() / (1024.0 * 1024 * 1024));
    if (efficiency < 1) {
      basis += ", scaled by efficiency " + efficiency;
    }
    Sizing sizing = size(w, hw);
    List<String> notes = new ArrayList<>(sizing.notes());
    List<Placement> placements = new ArrayList<>();
    if (instance.isPresent() || tensorParallel.isPresent()) {
      Optional<Instance> inst =
          instance.isPresent()
              ? find(hw, instance.get())
              : hw.instances().stream()
                  .filter(i -> i.neuronCores() >= tensorParallel.getAsInt())
                  .findFirst();
      inst.ifPresent(
          i ->
              placements.add(
                  new Placement("requested", i, tensorParallel.orElse(i.neuronCores()))));
    } else {
      sizing
          .instance()
          .flatMap(name -> find(hw, name))
          .ifPresent(
              i ->
                  placements.add(
                      new Placement(
                          "smallest",
                          i,
                          Math.max(
                              sizing.neuronCores(), sizing.tensorParallelDegree().orElse(1)))));
      if (!hw.instances().isEmpty()) {
        Instance largest = hw.instances().get(hw.instances().size() - 1);
        int cores =
            hw.tensorParallelDegrees().stream()
                .filter(d -> d <= largest.neuronCores())
                .reduce((a, b) -> b)
                .orElse(largest.neuronCores());
        Placement fastest = new Placement("fastest", largest, cores);
        if (placements.isEmpty()
            || placements.get(0).cores() != cores
            || !placements.get(0).instance().name().equals(largest.name())) {
          placements.add(fastest);
        }
      }
    }
    long need = sizing.deviceMemoryBytesNeeded();
    List<PhaseBound> bounds = new ArrayList<>();
    for (Placement pl : placements) {
      long holds = pl.cores() * chip.memoryPerCoreBytes();
      if (pl.cores() > pl.instance().neuronCores() || need > holds) {
        notes.add(
            "no bound on the "
                + pl.label()
                + " placement, "
                + pl.describe()
                + ": "
                + (pl.cores() > pl.instance().neuronCores()
                    ? "the instance has " + pl.instance().neuronCores() + " NeuronCores"
                    : "its NeuronCores hold "
                        + dev.neuronfit.model.Quantities.bytes(holds)
                        + ", the model needs "
                        + dev.neuronfit.model.Quantities.bytes(need)));
        continue;
      }
      double share = (double) pl.cores() / chip.coresPerChip();
      int chips = (pl.cores() + chip.coresPerChip() - 1) / chip.coresPerChip();
      int copies = Math.max(1, pl.instance().neuronCores() / pl.cores());
      for (Phase p : w.phases()) {
        double compute = flops > 0 ? p.flops() / (share * flops) : Double.POSITIVE_INFINITY;
        // a core may draw on its whole chip's memory bandwidth, so whole chips bound memory time
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
                Optional.of(pl.instance().name()),
                throughput * copies,
                pl.label(),
                pl.cores()));
      }
    }
    Sizing placed =
        new Sizing(
            sizing.instance(),
            sizing.neuronCores(),
            sizing.tensorParallelDegree(),
            need,
            sizing.pipelineCores(),
            notes);
    return new TargetEstimate(hw.target(), chip.name(), flops, bandwidth, basis, bounds, placed, w);
  }

  private static Optional<Instance> find(TargetHardware hw, String name) {
    return hw.instances().stream().filter(i -> i.name().equalsIgnoreCase(name)).findFirst();
  }

  /** An instance and the NeuronCores of it the model is split over. */
  private record Placement(String label, Instance instance, int cores) {
    String describe() {
      return instance.name() + " on " + cores + " NeuronCore" + (cores == 1 ? "" : "s");
    }
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
            + (w.quantization().isPresent() ? " " + w.weightsHeld() : "")
            + (w.kvCacheBytes() > 0 ? " and KV cache" : "")
            + " at "
            + w.dtype()
            + " (activations and runtime buffers not included)"
            + w.width().map(x -> "; " + x.reason()).orElse(""));
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
    if (hw.inf1PipelineRule() && w.quantization().isEmpty()) {
      // neuroncore-pipeline-cores = 4 * round(weights / 2e7), about 20 M weights per NeuronCore;
      // the weights' count is their bytes at the device type, so a workload holding quantized
      // weights at their stored widths (never on inf1, whose stack runs no quantization) has none
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
