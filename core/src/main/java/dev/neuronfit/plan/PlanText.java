package dev.neuronfit.plan;

import dev.neuronfit.model.Quantities;
import dev.neuronfit.text.Controls;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Text pieces the plan renderers share. */
final class PlanText {
  private PlanText() {}

  /** A command line as a shell would read it, each word quoted where needed. */
  static String shell(Plan.Command c) {
    List<String> words = new ArrayList<>();
    c.environment().forEach((k, v) -> words.add(k + "=" + Shell.quote(v)));
    c.argv().forEach(a -> words.add(Shell.quote(a)));
    return String.join(" ", words);
  }

  /** The same, broken before each option for reading. */
  static String shellWrapped(Plan.Command c) {
    StringBuilder b = new StringBuilder();
    c.environment().forEach((k, v) -> b.append(k).append('=').append(Shell.quote(v)).append(' '));
    List<String> a = c.argv();
    for (int i = 0; i < a.size(); i++) {
      String w = Shell.quote(a.get(i));
      if (i > 0 && a.get(i).startsWith("--")) {
        b.append(" \\\n    ");
      } else if (i > 0) {
        b.append(' ');
      }
      b.append(w);
    }
    return b.toString();
  }

  /** One line per bucket. */
  static List<String> buckets(Plan p) {
    List<String> out = new ArrayList<>();
    for (Plan.Bucket b : p.buckets()) {
      out.add(
          b.tokens()
              + " tokens: "
              + Quantities.bytes(b.deviceBytes())
              + (b.fits() ? "" : " (more than the planned cores hold)"));
    }
    return out;
  }

  /** Each source once, in first-use order, with the flags that rest on it. */
  static List<String> sources(Plan p) {
    Set<String> seen = new LinkedHashSet<>();
    p.flags().forEach(f -> seen.add(f.source()));
    List<String> out = new ArrayList<>();
    for (String s : seen) {
      List<String> names =
          p.flags().stream()
              .filter(f -> f.source().equals(s))
              .map(f -> f.flag() + " (" + f.tool() + ", " + f.version() + ")")
              .toList();
      out.add(String.join(", ", names) + ": " + s);
    }
    return out;
  }

  /**
   * Characters of model strings that could break a comment or a line, or reorder what a reader
   * sees, made visible ({@link Controls}).
   */
  static String safe(String s) {
    return Controls.escape(s);
  }
}
