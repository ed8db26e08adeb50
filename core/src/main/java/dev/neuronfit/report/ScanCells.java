package dev.neuronfit.report;

import dev.neuronfit.kb.Fit;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.verdict.SupportEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/** The cells of a scan row as words, shared by the scan renderers. */
final class ScanCells {
  private ScanCells() {}

  /** The fit, e.g. {@code good fit}; see {@link #support} for the package. */
  static String fit(ScanRow.TargetCell cell) {
    return Text.fit(cell.fit());
  }

  /**
   * The best package and how well it supports the family: {@code torch-neuronx}, {@code
   * torch-neuronx (limited)}, {@code tensorflow-neuronx (roadmap)}, {@code n/a} when no package
   * does; empty for an unknown family.
   */
  static String support(ScanRow.TargetCell cell) {
    if (cell.fit() == Fit.UNKNOWN || cell.best().isEmpty()) {
      return "";
    }
    SupportEntry s = cell.best().get();
    String pkg = s.column().pkg().id();
    return switch (s.status()) {
      case SUPPORTED -> pkg;
      case SUPPORTED_WITH_LIMITATIONS -> pkg + " (limited)";
      case ROADMAP -> pkg + " (roadmap)";
      case NA -> "n/a";
      case UNKNOWN -> "";
    };
  }

  /** The fit and the support in one cell, e.g. {@code good fit · torch-neuronx}. */
  static String fitAndSupport(ScanRow.TargetCell cell) {
    String support = support(cell);
    return support.isEmpty() ? fit(cell) : fit(cell) + " · " + support;
  }

  /**
   * The fit in a word or two, for the narrow columns of the text table: {@code good}, {@code
   * limited}, {@code not good}, {@code unknown}; the totals under the table give the full words.
   */
  static String shortFit(Fit fit) {
    return switch (fit) {
      case GOOD_FIT -> "good";
      case SUPPORTED_WITH_LIMITATIONS -> "limited";
      case NOT_A_GOOD_FIT -> "not good";
      case UNKNOWN -> "unknown";
    };
  }

  /** {@link #fitAndSupport} with the short fit words, e.g. {@code good · torch-neuronx}. */
  static String shortFitAndSupport(ScanRow.TargetCell cell) {
    String support = support(cell);
    String fit = shortFit(cell.fit());
    return support.isEmpty() ? fit : fit + " · " + support;
  }

  static String parameters(ScanRow.Checked row) {
    return quantity(row.parameters(), row.estimated(), Quantities::count);
  }

  static String weights(ScanRow.Checked row) {
    return quantity(row.weightBytes(), row.estimated(), Quantities::bytes);
  }

  /** {@code ~} marks a figure estimated from the config; {@code -} an unknown one. */
  private static String quantity(OptionalLong v, boolean estimated, LongFunction<String> format) {
    return v.isPresent() ? (estimated ? "~" : "") + format.apply(v.getAsLong()) : "-";
  }

  /** The rule of the most severe finding, its target, and how many more there are. */
  static String topFinding(ScanRow.Checked row) {
    return row.topFinding().map(f -> f.rule() + findingTail(row)).orElse("-");
  }

  /**
   * After the rule of the most severe finding: its target, the most severe finding for the other
   * targets when it concerns one only (e.g. {@code (inf1); warning decoder-length (all)}), and how
   * many more there are.
   */
  static String findingTail(ScanRow.Checked row) {
    if (row.topFinding().isEmpty()) {
      return "";
    }
    Finding f = row.topFinding().get();
    String elsewhere =
        row.topElsewhere()
            .map(
                e ->
                    "; "
                        + e.severity().id()
                        + " "
                        + e.rule()
                        + " ("
                        + e.target().orElse("all")
                        + ")")
            .orElse("");
    int more = row.findingCount() - 1 - (elsewhere.isEmpty() ? 0 : 1);
    return f.target().map(t -> " (" + t + ")").orElse("")
        + elsewhere
        + (more > 0 ? " +" + more : "");
  }

  /** The reason a model could not be read, without the path the row already shows. */
  static String reason(ScanRow.Unreadable row) {
    String prefix = row.path() + ": ";
    return row.error().startsWith(prefix) ? row.error().substring(prefix.length()) : row.error();
  }

  /** One part per non-zero count, in the map's order, as {@code part} writes it. */
  static <K> List<String> nonZero(Map<K, Integer> counts, BiFunction<K, Integer, String> part) {
    List<String> parts = new ArrayList<>();
    counts.forEach(
        (k, n) -> {
          if (n > 0) {
            parts.add(part.apply(k, n));
          }
        });
    return parts;
  }

  /** Today's stack on a target no edition rates, e.g. {@code vllm-neuron · ga}, or {@code none}. */
  static String now(ScanRow.Checked c, String target) {
    return c.now().stream()
        .filter(n -> n.target().equals(target))
        .findFirst()
        .map(n -> n.stack().isEmpty() ? "none" : n.stack() + " · " + n.status())
        .orElse("-");
  }
}
