package dev.neuronfit.coverage;

import java.util.Objects;

/**
 * How many nodes of a graph use one operator.
 *
 * @param op the operator, qualified by its domain outside the default ONNX domain (e.g. {@code
 *     com.microsoft::Attention})
 * @param count nodes, main graph and subgraphs together
 */
public record OpCount(String op, int count) {
  public OpCount {
    Objects.requireNonNull(op, "op");
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
  }
}
