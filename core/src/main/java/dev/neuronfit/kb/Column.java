package dev.neuronfit.kb;

import java.util.Objects;
import java.util.Optional;

/**
 * A package column of a guideline table.
 *
 * @param pkg the package
 * @param useCase training or inference where the edition splits columns, else empty
 * @param header the column header as the guideline prints it
 */
public record Column(NeuronPackage pkg, Optional<UseCase> useCase, String header) {
  public Column {
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(useCase, "useCase");
    Objects.requireNonNull(header, "header");
  }
}
