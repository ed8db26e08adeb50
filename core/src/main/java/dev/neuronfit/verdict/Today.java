package dev.neuronfit.verdict;

import dev.neuronfit.kb.SupportNow;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The report's "today" view: the support-now snapshot it used and one path per target.
 *
 * @param snapshot the date and Neuron release of the support-now data
 * @param paths one per target, in the support-now layer's target order
 */
public record Today(SupportNow.Snapshot snapshot, List<TodayPath> paths) {
  public Today {
    Objects.requireNonNull(snapshot, "snapshot");
    paths = List.copyOf(paths);
  }

  public Optional<TodayPath> path(String target) {
    return paths.stream().filter(p -> p.target().equals(target)).findFirst();
  }
}
