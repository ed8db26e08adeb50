package dev.neuronfit.estimate.config;

import static dev.neuronfit.estimate.config.Exact.add;

import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What one architecture's formula computes before it becomes a {@link Workload}. */
record Work(
    List<Phase> phases,
    long activationBytes,
    long kvCacheBytes,
    Optional<Integer> sequenceLength,
    Optional<Integer> imageSize,
    String method,
    List<String> assumptions) {
  Work {
    phases = List.copyOf(phases);
    assumptions = List.copyOf(assumptions);
  }

  /** A one-pass model: {@code macs} multiply-accumulates for the whole batch. */
  static Work single(
      double macs,
      long weightBytes,
      long activationBytes,
      int batch,
      Optional<Integer> seq,
      Optional<Integer> image,
      String method,
      List<String> assumptions) {
    List<Phase> p = new ArrayList<>();
    p.add(new Phase("inference", 2 * macs, add(weightBytes, activationBytes), batch));
    return new Work(p, activationBytes, 0, seq, image, method, assumptions);
  }
}
