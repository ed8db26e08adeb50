package dev.neuronfit.rules;

import dev.neuronfit.kb.Section;
import java.util.List;
import java.util.Objects;

/**
 * A check for one known issue. Subclasses are final, pure and stateless: they pass their {@link
 * RuleInfo} to this constructor and build every finding with {@link #finding}, so the rule id, the
 * highest severity and the source are written once, in the metadata (in the manner of error-prone's
 * {@code @BugPattern} and {@code describeMatch}). A rule's class name is its id in UpperCamelCase
 * ({@code decoder-on-inf1} is {@code DecoderOnInf1}).
 */
public abstract class Rule {
  private final RuleInfo info;

  protected Rule(RuleInfo info) {
    this.info = Objects.requireNonNull(info, "info");
  }

  /** What the rule checks; never null. */
  public final RuleInfo info() {
    return info;
  }

  /** The findings for this model; empty when the issue does not apply or there is no evidence. */
  public abstract List<Finding> check(RuleContext context);

  /**
   * A finding of this rule at its highest severity, concerning every target, citing the rule's
   * first guideline section in the report's edition (or, for a rule that rests on other documents,
   * those documents).
   */
  protected final Finding.Builder finding(RuleContext ctx) {
    return new Finding.Builder(info.id(), info.severity(), defaultSource(ctx));
  }

  /**
   * A finding as {@link #finding(RuleContext)} that cites {@code section} of the report's edition.
   *
   * @throws IllegalArgumentException if {@code section} is not one of the rule's sections
   */
  protected final Finding.Builder finding(RuleContext ctx, Section section) {
    if (!info.sections().contains(section)) {
      throw new IllegalArgumentException(info.id() + " does not cite " + section.cite());
    }
    return new Finding.Builder(info.id(), info.severity(), ctx.cite(section));
  }

  private String defaultSource(RuleContext ctx) {
    return info.sections().isEmpty()
        ? String.join("; ", info.documents())
        : ctx.cite(info.sections().get(0));
  }
}
