package dev.neuronfit.kb;

import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One edition of the "Model Architecture Fit Guidelines": its tables, footnote, targets, guidance
 * and known issues, as loaded from {@code kb/editions/<id>.json}. Immutable.
 *
 * @param id the Neuron release that first shipped this edition, e.g. {@code 2.11.0}
 * @param neuronReleases the range of releases that shipped it, e.g. {@code 2.11.0 - 2.17.0}
 * @param source where the page comes from
 * @param footnote the tables' footnote, quoted from the page
 * @param targets the targets it rates, in report order
 * @param tables its tables, in page order
 * @param guidance per-family guidance in neuronfit's words
 * @param knownIssues its known issues
 */
public record Edition(
    String id,
    String neuronReleases,
    SourceRef source,
    String footnote,
    List<Target> targets,
    List<FitTable> tables,
    List<Guidance> guidance,
    List<KnownIssue> knownIssues) {

  public Edition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(neuronReleases, "neuronReleases");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(footnote, "footnote");
    targets = List.copyOf(targets);
    tables = List.copyOf(tables);
    guidance = List.copyOf(guidance);
    knownIssues = List.copyOf(knownIssues);
    for (Target t : targets) {
      if (tables.stream().noneMatch(tb -> tb.id().equals(t.tableId()))) {
        throw new IllegalArgumentException(
            "edition " + id + ": target " + t.id() + " names no table");
      }
    }
  }

  public Optional<Target> target(String targetId) {
    return targets.stream().filter(t -> t.id().equals(targetId)).findFirst();
  }

  /** The table that rates this target. */
  public FitTable table(Target target) {
    return tables.stream()
        .filter(t -> t.id().equals(target.tableId()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no table " + target.tableId()));
  }

  /** The guidance items for a family on a target, in data order. */
  public List<Guidance> guidance(Family family, Target target) {
    return guidance.stream()
        .filter(g -> g.family() == family && g.targets().contains(target.id()))
        .toList();
  }

  public Optional<KnownIssue> knownIssue(String issueId) {
    return knownIssues.stream().filter(k -> k.id().equals(issueId)).findFirst();
  }

  /** The ids of the targets, in order. */
  public List<String> targetIds() {
    return targets.stream().map(Target::id).toList();
  }
}
