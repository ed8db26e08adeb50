package dev.neuronfit.verdict;

import dev.neuronfit.kb.Column;
import dev.neuronfit.kb.SupportStatus;
import java.util.Objects;

/** The support status of one package column for the model's family on one target. */
public record SupportEntry(Column column, SupportStatus status) {
  public SupportEntry {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(status, "status");
  }
}
