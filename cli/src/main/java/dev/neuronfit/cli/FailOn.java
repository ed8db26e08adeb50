package dev.neuronfit.cli;

import dev.neuronfit.kb.Fit;
import dev.neuronfit.report.Report;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.verdict.TargetVerdict;
import java.util.Optional;

/**
 * The --fail-on threshold: a finding severity ({@code info}, {@code warning}, {@code error}) or a
 * fit verdict ({@code supported-with-limitations}, {@code not-a-good-fit}). A report fails when a
 * finding is at least that severe, or a target's fit at least that bad; an unknown fit never counts
 * as a verdict (the {@code family-unknown} warning covers it).
 */
record FailOn(Optional<Severity> severity, Optional<Fit> fit) {
  static final String VALUES = "info, warning, error, supported-with-limitations, not-a-good-fit";

  static Optional<FailOn> parse(String value) {
    Optional<Severity> s = Severity.fromId(value);
    if (s.isPresent()) {
      return Optional.of(new FailOn(s, Optional.empty()));
    }
    Optional<Fit> f =
        Fit.fromId(value)
            .filter(x -> x == Fit.SUPPORTED_WITH_LIMITATIONS || x == Fit.NOT_A_GOOD_FIT);
    return f.map(x -> new FailOn(Optional.empty(), Optional.of(x)));
  }

  boolean fails(Report r) {
    if (severity.isPresent()) {
      for (Finding f : r.findings()) {
        if (f.severity().compareTo(severity.get()) >= 0) {
          return true;
        }
      }
    }
    if (fit.isPresent()) {
      for (TargetVerdict v : r.targets()) {
        if (v.fit().badness() >= fit.get().badness()) {
          return true;
        }
      }
    }
    return false;
  }
}
