package dev.neuronfit.coverage;

import java.util.List;
import java.util.Optional;

/**
 * The operators of a graph model and how well Neuron's operator lists cover them: the report's
 * operator section. Immutable.
 *
 * @param total every node, in the main graph, subgraphs and model-local functions
 * @param mainGraph nodes of the main graph
 * @param byType nodes per operator, most frequent first, then by name
 * @param notCounted nodes left out of coverage, per operator: {@code Constant} and {@code Identity}
 *     (a value and an alias, not computation) and calls of model-local functions (whose bodies are
 *     counted instead)
 * @param coverage one entry per target and list that applies, targets in report order
 */
public record OperatorSummary(
    int total,
    int mainGraph,
    List<OpCount> byType,
    List<OpCount> notCounted,
    List<ListCoverage> coverage) {
  public OperatorSummary {
    byType = List.copyOf(byType);
    notCounted = List.copyOf(notCounted);
    coverage = List.copyOf(coverage);
  }

  /** Nodes the coverage considers. */
  public int countedNodes() {
    return total - notCounted.stream().mapToInt(OpCount::count).sum();
  }

  /** The check of this target by operator name, if there is one. */
  public Optional<ListCoverage> direct(String target) {
    return coverage.stream()
        .filter(c -> c.target().equals(target) && c.basis() == ListCoverage.Basis.OP_NAMES)
        .findFirst();
  }
}
