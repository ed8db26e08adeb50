package dev.neuronfit.rules;

import dev.neuronfit.kb.Section;
import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a rule checks, fixed for the life of the rule. Immutable; no component is null.
 *
 * @param id stable kebab-case id; never renamed or reused
 * @param title one line
 * @param severity the highest severity it reports
 * @param targets the targets it concerns
 * @param packages the Neuron packages it concerns (empty when it is about the hardware)
 * @param families the families it concerns (empty for all)
 * @param sections the sections of the guideline page it implements, cited in the report's edition
 *     (see {@link GuidelineSections}); empty when it rests on other documents only
 * @param documents the other documents it rests on, each cited in full
 * @param since the neuronfit version that added it
 * @throws IllegalArgumentException if the id is not kebab-case or the rule cites nothing
 */
public record RuleInfo(
    String id,
    String title,
    Severity severity,
    List<String> targets,
    List<String> packages,
    List<Family> families,
    List<Section> sections,
    List<String> documents,
    String since) {
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  public RuleInfo {
    Objects.requireNonNull(id, "id");
    if (!KEBAB.matcher(id).matches()) {
      throw new IllegalArgumentException("rule id must be kebab-case: " + id);
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(severity, "severity");
    targets = List.copyOf(targets);
    packages = List.copyOf(packages);
    families = List.copyOf(families);
    sections = List.copyOf(sections);
    documents = List.copyOf(documents);
    if (sections.isEmpty() && documents.isEmpty()) {
      throw new IllegalArgumentException("rule " + id + " cites no section and no document");
    }
    Objects.requireNonNull(since, "since");
  }

  /** The sections (with their RST labels) and documents it rests on, in one line. */
  public String source() {
    return String.join(
        "; ", Stream.concat(sections.stream().map(Section::cite), documents.stream()).toList());
  }
}
