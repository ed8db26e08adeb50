package dev.neuronfit.coverage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator of a graph checked against a list.
 *
 * @param op the operator as the graph names it
 * @param count nodes using it
 * @param examples up to {@link #MAX_EXAMPLES} of those nodes, by name, in file order; a node in a
 *     subgraph is followed by {@code " in "} and its scope
 * @param status what the list says about it
 * @param origins for a check by export origin, the PyTorch operators the node was exported from
 * @param note the list's condition, or why the operator is placed on the CPU
 */
public record OpTally(
    String op,
    int count,
    List<String> examples,
    OpStatus status,
    List<String> origins,
    Optional<String> note) {
  public static final int MAX_EXAMPLES = 3;

  public OpTally {
    Objects.requireNonNull(op, "op");
    examples = List.copyOf(examples);
    if (examples.size() > MAX_EXAMPLES) {
      throw new IllegalArgumentException("more than " + MAX_EXAMPLES + " examples");
    }
    Objects.requireNonNull(status, "status");
    origins = List.copyOf(origins);
    Objects.requireNonNull(note, "note");
  }
}
