package dev.neuronfit.kb;

import java.util.Objects;
import java.util.Set;

/**
 * An instance family the edition gives verdicts for.
 *
 * @param id e.g. {@code inf1}, {@code trn1}, {@code inf2}
 * @param name e.g. {@code AWS Inferentia}
 * @param neuronCore {@code v1} or {@code v2}
 * @param tableId the table of the edition that rates it
 * @param useCases the use cases the instance is for; package columns of other use cases do not
 *     apply to it (Inferentia2 shares the NeuronCore-v2 table but only serves inference)
 */
public record Target(
    String id, String name, String neuronCore, String tableId, Set<UseCase> useCases) {
  public Target {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(neuronCore, "neuronCore");
    Objects.requireNonNull(tableId, "tableId");
    useCases = Set.copyOf(useCases);
  }
}
