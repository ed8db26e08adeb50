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
}
