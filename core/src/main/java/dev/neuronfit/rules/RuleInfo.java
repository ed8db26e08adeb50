package dev.neuronfit.rules;

import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule checks, fixed for the life of the rule.
 *
 * @param id stable kebab-case id; never renamed or reused
 * @param title one line
 * @param severity the highest severity it reports
 * @param targets the targets it concerns
 * @param packages the Neuron packages it concerns (empty when it is about the hardware)
 * @param families the families it concerns (empty for all)
 * @param source the guideline section (with its RST label where there is one) it implements
 * @param since the neuronfit version that added it
 */
public record RuleInfo(
    String id,
    String title,
    Severity severity,
    List<String> targets,
    List<String> packages,
    List<Family> families,
    String source,
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
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(since, "since");
  }
}
