package dev.neuronfit.verdict;

import dev.neuronfit.model.Framework;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What part of an edition a report shows.
 *
 * @param targets target ids to show, in the edition's order; empty for all
 * @param framework show only this framework's packages; empty for all
 */
public record Selection(List<String> targets, Optional<Framework> framework) {
  public static final Selection ALL = new Selection(List.of(), Optional.empty());

  public Selection {
    targets = List.copyOf(targets);
    Objects.requireNonNull(framework, "framework");
  }

  public boolean includesTarget(String id) {
    return targets.isEmpty() || targets.contains(id);
  }
}
