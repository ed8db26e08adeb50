package dev.neuronfit.plan;

import dev.neuronfit.estimate.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequence-length buckets: powers of two from 128 up to the planned maximum (and the maximum itself
 * when it is not a power of two), as vLLM Neuron and NxD Inference bucket by default, each with the
 * device memory its KV cache needs beside the weights.
 */
final class Buckets {
  /** The smallest bucket the stacks compile by default. */
  static final int FIRST = 128;

  private Buckets() {}

  /** KV-cache bytes per token of one sequence, from the workload's cache at its full context. */
  static long kvPerToken(Workload w) {
    int tokens = w.sequenceLength().orElse(0);
    if (tokens <= 0 || w.batch() <= 0) {
      return 0;
    }
    return w.kvCacheBytes() / ((long) tokens * w.batch());
  }

  /** The bucket lengths up to {@code max}. */
  static List<Integer> lengths(int max) {
    List<Integer> out = new ArrayList<>();
    for (int b = Math.min(FIRST, max); b < max; b *= 2) {
      out.add(b);
    }
    out.add(max);
    return out;
  }

  /** The buckets with their memory for {@code sequences} sequences on {@code capacity} bytes. */
  static List<Plan.Bucket> of(Workload w, int max, int sequences, long capacity) {
    long kv = kvPerToken(w);
    List<Plan.Bucket> out = new ArrayList<>();
    for (int b : lengths(max)) {
      long bytes = w.weightBytes() + kv * b * sequences;
      out.add(new Plan.Bucket(b, bytes, capacity <= 0 || bytes <= capacity));
    }
    return out;
  }

  /** The largest power of two at most {@code n} (at least 1). */
  static int floorPowerOfTwo(long n) {
    return n < 1 ? 1 : Integer.highestOneBit((int) Math.min(n, 1 << 30));
  }

  static boolean powerOfTwo(int n) {
    return n > 0 && (n & (n - 1)) == 0;
  }
}
