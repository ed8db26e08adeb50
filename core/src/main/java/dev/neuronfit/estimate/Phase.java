package dev.neuronfit.estimate;

/**
 * One phase of inference: the whole pass of a non-generative model, or the prefill and the
 * per-token decode of a generative one.
 *
 * @param name {@code inference}, {@code prefill} or {@code decode}
 * @param flops floating-point operations (2 per multiply-accumulate)
 * @param bytesMoved bytes read from and written to device memory at least once: weights,
 *     activations crossing layers, and the KV cache for decode
 * @param units what one pass produces, for throughput: inferences (batch) or generated tokens
 */
public record Phase(String name, double flops, double bytesMoved, double units) {
  public Phase {
    if (flops < 0 || bytesMoved <= 0 || units <= 0) {
      throw new IllegalArgumentException(
          "phase " + name + ": flops " + flops + ", bytes " + bytesMoved);
    }
  }

  /** FLOPs per byte moved. */
  public double arithmeticIntensity() {
    return flops / bytesMoved;
  }
}
