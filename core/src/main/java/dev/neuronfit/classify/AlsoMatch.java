package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import java.util.Objects;

/** Another family the model also shows signs of, and why. */
public record AlsoMatch(Family family, String reason) {
  public AlsoMatch {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(reason, "reason");
  }
}
