package dev.neuronfit.coverage;

import dev.neuronfit.kb.OperatorList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A graph's operators checked against one operator list for one target.
 *
 * @param target e.g. {@code inf1}
 * @param list the list
 * @param basis how the graph's operators were matched to the list's names
 * @param countedNodes nodes the check considers (see {@link OperatorSummary#notCounted()})
 * @param checkedNodes of those, nodes whose operator could be matched to the list's names: all of
 *     them for {@link Basis#OP_NAMES}, only those with a known origin for {@link
 *     Basis#EXPORT_ORIGINS}
 * @param cpuNodes checked nodes that would run on the CPU: their operator is not supported, or they
 *     sit in a subgraph of a node that runs on the CPU
 * @param inCpuSubgraphs of {@code cpuNodes}, those whose own operator is supported but whose
 *     enclosing If, Loop or Scan runs on the CPU
 * @param cpuShare {@code cpuNodes / countedNodes}; empty when not every node could be checked
 * @param ops every operator checked: those on the CPU first, then limited, then supported; by count
 *     within each
 * @param notes what the check could not conclude, in neuronfit's words
 */
public record ListCoverage(
    String target,
    OperatorList list,
    Basis basis,
    int countedNodes,
    int checkedNodes,
    int cpuNodes,
    int inCpuSubgraphs,
    OptionalDouble cpuShare,
    List<OpTally> ops,
    List<String> notes) {

  /** How operators were matched to a list. */
  public enum Basis {
    /** The graph names operators as the list does; every node is checked. */
    OP_NAMES("op-names"),
    /**
     * The list names the framework's operators; only graph operators that one known framework
     * operator exports to are checked.
     */
    EXPORT_ORIGINS("export-origins");

    private final String id;

    Basis(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  public ListCoverage {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(list, "list");
    Objects.requireNonNull(basis, "basis");
    if (checkedNodes > countedNodes || cpuNodes > checkedNodes || inCpuSubgraphs > cpuNodes) {
      throw new IllegalArgumentException(
          "inconsistent node counts " + countedNodes + "/" + checkedNodes + "/" + cpuNodes);
    }
    Objects.requireNonNull(cpuShare, "cpuShare");
    ops =
        ops.stream()
            .sorted(
                Comparator.comparing((OpTally t) -> rank(t.status()))
                    .thenComparing(OpTally::count, Comparator.reverseOrder())
                    .thenComparing(OpTally::op))
            .toList();
    notes = List.copyOf(notes);
  }

  /** Operators whose nodes would run on the CPU. */
  public List<OpTally> unsupported() {
    return ops.stream().filter(t -> t.status().onCpu()).toList();
  }

  public List<OpTally> limited() {
    return ops.stream().filter(t -> t.status() == OpStatus.LIMITED).toList();
  }

  public List<OpTally> supported() {
    return ops.stream().filter(t -> t.status() == OpStatus.SUPPORTED).toList();
  }

  /** Nodes that would run on a NeuronCore (supported or limited, outside CPU subgraphs). */
  public int neuronNodes() {
    return checkedNodes - cpuNodes;
  }

  private static int rank(OpStatus s) {
    return switch (s) {
      case CPU_BY_GUIDELINE -> 0;
      case OTHER_DOMAIN -> 1;
      case NOT_LISTED -> 2;
      case LIMITED -> 3;
      case SUPPORTED -> 4;
    };
  }
}
