package dev.neuronfit.kb;

import java.util.Objects;
import java.util.Optional;

/**
 * A place in the guideline page: the heading path ({@code "A › B"}) and, where the page defines
 * one, its RST label (e.g. {@code rcnn_limitations_inf1}).
 */
public record Section(String title, Optional<String> anchor) {
  public Section {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(anchor, "anchor");
  }

  /** {@code title} followed by {@code [anchor]} when there is one. */
  public String cite() {
    return anchor.map(a -> title + " [" + a + "]").orElse(title);
  }
}
