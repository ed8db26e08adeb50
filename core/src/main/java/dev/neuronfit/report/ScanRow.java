package dev.neuronfit.report;

import dev.neuronfit.kb.Fit;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.verdict.SupportEntry;
import dev.neuronfit.verdict.TargetVerdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One line of a scan's summary: what a report says in a few cells, or why a model could not be
 * read. A row keeps no reference to the report it was made from, so a scan holds rows, never
 * reports.
 */
public sealed interface ScanRow permits ScanRow.Checked, ScanRow.Unreadable {

  /** What the row calls the model: its path, or {@code ORG/NAME} in a Hugging Face cache. */
  String name();

  /** The model's path as found. */
  String path();

  /**
   * A model that was read.
   *
   * @param targets the verdict per selected target, in the edition's order
   * @param topFinding the most severe finding (findings are sorted most severe first)
   * @param topElsewhere when the top finding concerns one target only, the most severe finding that
   *     concerns another selected target (or all of them), so that an inf1-only error does not hide
   *     what applies on inf2; empty otherwise
   * @param findings how many findings there are of each severity
   * @param now today's best stack on each selected target no guideline edition rates (trn2, trn3)
   */
  record Checked(
      String name,
      String path,
      ModelFormat format,
      Framework framework,
      Family family,
      List<TargetCell> targets,
      OptionalLong parameters,
      OptionalLong weightBytes,
      boolean estimated,
      Optional<Finding> topFinding,
      Optional<Finding> topElsewhere,
      Map<Severity, Integer> findings,
      List<NowCell> now)
      implements ScanRow {
    public Checked {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(framework, "framework");
      Objects.requireNonNull(family, "family");
      targets = List.copyOf(targets);
      Objects.requireNonNull(parameters, "parameters");
      Objects.requireNonNull(weightBytes, "weightBytes");
      Objects.requireNonNull(topFinding, "topFinding");
      Objects.requireNonNull(topElsewhere, "topElsewhere");
      findings = Map.copyOf(findings);
      now = List.copyOf(now);
    }

    /** Findings of all severities. */
    public int findingCount() {
      return findings.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * A model that could not be read.
   *
   * @param error one line: the file, the place and the problem
   */
  record Unreadable(String name, String path, String error) implements ScanRow {
    public Unreadable {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * The verdict on one target.
   *
   * @param best the package cell with the best support status among the model's own framework's
   *     packages (among all packages when the framework is unknown or has none on the target); on a
   *     tie the first in the verdict's order; empty when the target lists no package
   */
  record TargetCell(String target, Fit fit, Optional<SupportEntry> best) {
    public TargetCell {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(fit, "fit");
      Objects.requireNonNull(best, "best");
    }
  }

  /**
   * Today's best stack on a target no guideline edition rates.
   *
   * @param stack the stack id, empty when no stack serves the model there
   * @param status its status id ({@code ga}, {@code beta}, ...), empty with no stack
   */
  record NowCell(String target, String stack, String status) {
    public NowCell {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(stack, "stack");
      Objects.requireNonNull(status, "status");
    }
  }

  /** The row of a report. */
  static Checked of(String name, Report r) {
    List<TargetCell> cells = new ArrayList<>();
    for (TargetVerdict v : r.targets()) {
      cells.add(new TargetCell(v.target().id(), v.fit(), best(v, r.model().framework())));
    }
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Finding f : r.findings()) {
      counts.merge(f.severity(), 1, Integer::sum);
    }
    // findings come sorted, most severe first
    Optional<Finding> top = r.findings().stream().findFirst();
    Optional<String> topTarget = top.flatMap(Finding::target);
    Optional<Finding> elsewhere =
        topTarget.isEmpty()
            ? Optional.empty()
            : r.findings().stream().filter(f -> !f.target().equals(topTarget)).findFirst();
    List<NowCell> now = new ArrayList<>();
    r.today()
        .ifPresent(
            t ->
                t.paths().stream()
                    .filter(p -> !p.ratedByEdition())
                    .forEach(
                        p ->
                            now.add(
                                new NowCell(
                                    p.target(),
                                    p.best().map(b -> b.stack()).orElse(""),
                                    p.best().map(b -> b.statusValue().id()).orElse("")))));
    return new Checked(
        name,
        r.model().path(),
        r.model().format(),
        r.model().framework(),
        r.architecture().family(),
        cells,
        r.model().weights().parameters(),
        r.model().weights().bytes(),
        r.model().weights().estimated(),
        top,
        elsewhere,
        counts,
        now);
  }

  private static Optional<SupportEntry> best(TargetVerdict v, Framework framework) {
    List<SupportEntry> own =
        v.support().stream().filter(s -> s.column().pkg().framework() == framework).toList();
    List<SupportEntry> pool = own.isEmpty() ? v.support() : own;
    // SupportStatus is declared best first; min keeps the first of equals
    return pool.stream().min(Comparator.comparingInt(s -> s.status().ordinal()));
  }
}
