package dev.neuronfit.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * One known issue that applies to the model.
 *
 * @param rule the id of the rule that found it
 * @param severity how much it matters
 * @param target the target it concerns, or empty when it concerns all
 * @param message one sentence for the reader
 * @param observed what was seen in the model, with numbers and where they came from
 * @param guideline what the guideline says, in neuronfit's words
 * @param advice what to do about it
 * @param source the guideline edition and section it comes from
 */
public record Finding(
    String rule,
    Severity severity,
    Optional<String> target,
    String message,
    String observed,
    String guideline,
    String advice,
    String source) {
  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(guideline, "guideline");
    Objects.requireNonNull(advice, "advice");
    Objects.requireNonNull(source, "source");
  }

  /**
   * Fills in a finding of one rule; {@link Rule#finding} starts it with the rule's id, highest
   * severity and source. Not thread-safe; {@link #build} throws {@link NullPointerException} when
   * the message, observed, guideline or advice text is missing.
   */
  public static final class Builder {
    private final String rule;
    private Severity severity;
    private Optional<String> target = Optional.empty();
    private String message;
    private String observed;
    private String guideline;
    private String advice;
    private String source;

    Builder(String rule, Severity severity, String source) {
      this.rule = rule;
      this.severity = severity;
      this.source = source;
    }

    /** A lower severity than the rule's highest, for what the rule found. */
    public Builder severity(Severity severity) {
      this.severity = severity;
      return this;
    }

    /** The target the finding concerns. */
    public Builder target(String target) {
      this.target = Optional.of(target);
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public Builder observed(String observed) {
      this.observed = observed;
      return this;
    }

    public Builder guideline(String guideline) {
      this.guideline = guideline;
      return this;
    }

    public Builder advice(String advice) {
      this.advice = advice;
      return this;
    }

    /**
     * A source the finding's own data names (an operator list, a known issue of the edition), in
     * place of the rule's.
     */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Finding build() {
      return new Finding(rule, severity, target, message, observed, guideline, advice, source);
    }
  }
}
