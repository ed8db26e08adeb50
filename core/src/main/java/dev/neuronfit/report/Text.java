package dev.neuronfit.report;

import dev.neuronfit.coverage.OpStatus;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.SupportStatus;
import dev.neuronfit.rules.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small text-layout pieces shared by the text and Markdown renderers. */
final class Text {
  private Text() {}

  /** Words of a fit verdict for people, e.g. {@code not a good fit}. */
  static String fit(Fit fit) {
    return switch (fit) {
      case GOOD_FIT -> "good fit";
      case SUPPORTED_WITH_LIMITATIONS -> "supported with limitations";
      case NOT_A_GOOD_FIT -> "not a good fit";
      case UNKNOWN -> "unknown";
    };
  }

  static Style.Span span(Fit fit) {
    return switch (fit) {
      case GOOD_FIT -> Style.Span.GOOD;
      case SUPPORTED_WITH_LIMITATIONS -> Style.Span.LIMITED;
      case NOT_A_GOOD_FIT -> Style.Span.BAD;
      case UNKNOWN -> Style.Span.UNKNOWN;
    };
  }

  static Style.Span span(Severity s) {
    return switch (s) {
      case ERROR -> Style.Span.ERROR;
      case WARNING -> Style.Span.WARNING;
      case INFO -> Style.Span.INFO;
    };
  }

  static Style.Span span(SupportStatus s) {
    return switch (s) {
      case SUPPORTED -> Style.Span.GOOD;
      case SUPPORTED_WITH_LIMITATIONS -> Style.Span.LIMITED;
      case ROADMAP, UNKNOWN -> Style.Span.DIM;
      case NA -> Style.Span.BAD;
    };
  }

  /** Words of a support status, e.g. {@code roadmap}. */
  static String status(SupportStatus s) {
    return switch (s) {
      case SUPPORTED -> "supported";
      case SUPPORTED_WITH_LIMITATIONS -> "supported with limitations";
      case ROADMAP -> "roadmap";
      case NA -> "n/a";
      case UNKNOWN -> "unknown";
    };
  }

  /** Words of an operator's status, e.g. {@code not on the list}. */
  static String status(OpStatus s) {
    return switch (s) {
      case SUPPORTED -> "supported";
      case LIMITED -> "limited";
      case NOT_LISTED -> "not on the list";
      case OTHER_DOMAIN -> "other domain";
      case CPU_BY_GUIDELINE -> "CPU by guideline";
    };
  }

  /** A share as a percentage with one decimal, e.g. {@code 20.3%}. */
  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** E.g. {@code Shape 44}, or {@code NonMaxSuppression 2 (torchvision::nms)} with origins. */
  static String opCount(OpTally t) {
    return Safe.escapeControls(
        t.op()
            + " "
            + t.count()
            + (t.origins().isEmpty() ? "" : " (" + String.join(", ", t.origins()) + ")"));
  }

  /**
   * Greedy word wrap to {@code width} columns; continuation lines start with {@code indent}. The
   * text may come from a model: its control characters are escaped ({@link Safe}).
   */
  static List<String> wrap(String text, int width, String indent) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : Safe.escapeControls(text).split(" ")) {
      if (word.isEmpty()) {
        continue;
      }
      int limit = lines.isEmpty() ? width : width - indent.length();
      if (line.length() > 0 && line.length() + 1 + word.length() > limit) {
        lines.add(lines.isEmpty() ? line.toString() : indent + line);
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(lines.isEmpty() ? line.toString() : indent + line);
    }
    return lines;
  }

  /** The text, escaped ({@link Safe}), padded with blanks to {@code width}. */
  static String pad(String text, int width) {
    String s = Safe.escapeControls(text);
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
