package dev.neuronfit.kb;

import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;

/**
 * One item of per-family guidance, written in neuronfit's own words from a section of the page.
 *
 * @param family the family it is about
 * @param targets the targets it applies to
 * @param kind {@code architecture} (why it fits or not), {@code support} (what the packages do) or
 *     {@code advice} (what to do)
 * @param text the guidance
 * @param section the section of the page it comes from
 */
public record Guidance(
    Family family, List<String> targets, String kind, String text, Section section) {
  public Guidance {
    Objects.requireNonNull(family, "family");
    targets = List.copyOf(targets);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(section, "section");
  }
}
