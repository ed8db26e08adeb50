package dev.neuronfit.plan;

import java.util.List;

/**
 * A plan as a bash script: the reasoning as comments, the commands, and the Python script run
 * through a quoted here-document (nothing in it is expanded by the shell).
 */
public final class PlanShellRenderer {
  /** The here-document's end marker; a script line equal to it is not possible (see below). */
  static final String END = "NEURONFIT_PLAN_PY";

  private PlanShellRenderer() {}

  public static String render(Plan p) {
    StringBuilder b = new StringBuilder("#!/usr/bin/env bash\n");
    comments(b, p);
    b.append("set -euo pipefail\n\n");
    for (Plan.Command c : p.commands()) {
      b.append("# ").append(PlanText.safe(c.purpose())).append('\n');
      b.append(PlanText.shellWrapped(c)).append("\n\n");
    }
    p.python()
        .ifPresent(
            py -> {
              if (py.lines().anyMatch(END::equals)) {
                throw new IllegalStateException("a plan script contains the here-document marker");
              }
              b.append("python3 - <<'")
                  .append(END)
                  .append("'\n")
                  .append(py)
                  .append(END)
                  .append('\n');
            });
    return b.toString();
  }

  static void comments(StringBuilder b, Plan p) {
    b.append("# neuronfit plan: ")
        .append(PlanText.safe(p.model()))
        .append(" on ")
        .append(p.target())
        .append('\n');
    b.append("# ")
        .append(PlanText.safe(p.summary()))
        .append(" (")
        .append(p.stackStatus())
        .append(")\n");
    section(b, "why", p.why());
    section(b, "before the first run", p.notes());
    section(b, "buckets", PlanText.buckets(p));
    section(b, "assumes", p.assumptions());
    section(
        b,
        "after the first run, look for",
        p.afterFirstRun().stream()
            .map(
                c ->
                    (c.code().isEmpty() ? "" : c.code() + " ")
                        + "\""
                        + c.message()
                        + "\": "
                        + c.action())
            .toList());
    section(b, "sources", PlanText.sources(p));
  }

  private static void section(StringBuilder b, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    b.append("#\n# ").append(title).append(":\n");
    for (String i : items) {
      b.append("#   - ").append(PlanText.safe(i)).append('\n');
    }
  }
}
