package dev.neuronfit.estimate.config;

/**
 * Exact long arithmetic for the layout formulas: each config size is in range ({@link
 * ConfigNumbers}), but their products can still pass 2^63-1, and a wrapped count would print as a
 * plausible figure. An {@link ArithmeticException} from here skips the estimate with a note.
 */
final class Exact {
  private Exact() {}

  /** The product of the factors, or an {@link ArithmeticException} when it overflows a long. */
  static long mul(long... factors) {
    long p = 1;
    for (long f : factors) {
      p = Math.multiplyExact(p, f);
    }
    return p;
  }

  /** The sum of the terms, or an {@link ArithmeticException} when it overflows a long. */
  static long add(long... terms) {
    long s = 0;
    for (long t : terms) {
      s = Math.addExact(s, t);
    }
    return s;
  }
}
