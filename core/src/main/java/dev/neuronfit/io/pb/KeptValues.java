package dev.neuronfit.io.pb;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;

/**
 * The count of values a graph reader keeps from a protobuf file (node inputs, outputs, attribute
 * values, constants), against a budget of {@link ReadLimits#KEPT_PER_NODE} per allowed node.
 * Without such a total, a file of empty node inputs (two bytes each) would cost many times its size
 * in heap. Mutable and not thread-safe: one per read.
 */
public final class KeptValues {
  private final ProtoReader r;
  private final long max;
  private final String what;
  private long kept;

  /**
   * @param r the reader whose position an error names
   * @param what the values counted, as the error names them
   */
  public KeptValues(ProtoReader r, ReadLimits limits, String what) {
    this.r = r;
    this.max = ReadLimits.KEPT_PER_NODE * limits.maxGraphNodes();
    this.what = what;
  }

  /**
   * Counts {@code n} more kept values.
   *
   * @throws ModelFormatException at the reader's position once the total passes the budget
   */
  public void add(long n) throws ModelFormatException {
    kept += n;
    if (kept > max) {
      throw r.error(
          r.position(),
          "more than " + max + " " + what + " (" + ReadLimits.KEPT_PER_NODE + " per allowed node)");
    }
  }
}
