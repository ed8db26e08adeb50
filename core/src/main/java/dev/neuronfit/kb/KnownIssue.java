package dev.neuronfit.kb;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A known issue listed by an edition, with the facts rules need to test a model against it.
 *
 * @param id stable id, e.g. {@code large-models-2gb}
 * @param title the heading as printed
 * @param section where the page states it
 * @param targets targets it affects
 * @param packages packages it affects
 * @param limitBytes a size limit it states, if any
 * @param summary what it is, in neuronfit's words
 * @param workarounds ways around it that the edition or later release notes name
 */
public record KnownIssue(
    String id,
    String title,
    Section section,
    List<String> targets,
    List<String> packages,
    OptionalLong limitBytes,
    String summary,
    List<Workaround> workarounds) {
  public KnownIssue {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(section, "section");
    targets = List.copyOf(targets);
    packages = List.copyOf(packages);
    Objects.requireNonNull(limitBytes, "limitBytes");
    Objects.requireNonNull(summary, "summary");
    workarounds = List.copyOf(workarounds);
  }

  /** A way around a known issue for one package, with where it is documented. */
  public record Workaround(String pkg, String text, String source) {
    public Workaround {
      Objects.requireNonNull(pkg, "pkg");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(source, "source");
    }
  }
}
