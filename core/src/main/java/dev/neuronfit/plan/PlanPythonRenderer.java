package dev.neuronfit.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan as one Python program: the reasoning as comments, the shell commands run through {@code
 * subprocess.run} with their argument lists (no shell), then the plan's own script.
 */
public final class PlanPythonRenderer {
  private PlanPythonRenderer() {}

  // subprocess.run's keyword arguments are listed in kb/plan-flags.json like every other flag

  public static String render(Plan p) {
    StringBuilder b = new StringBuilder("#!/usr/bin/env python3\n");
    StringBuilder c = new StringBuilder();
    PlanShellRenderer.comments(c, p);
    b.append(c);
    if (!p.commands().isEmpty()) {
      b.append("import os\nimport subprocess\n\n");
      for (Plan.Command cmd : p.commands()) {
        b.append("# ").append(PlanText.safe(cmd.purpose())).append('\n');
        List<String> argv = new ArrayList<>();
        cmd.argv().forEach(a -> argv.add(Py.str(a)));
        String env =
            cmd.environment().isEmpty()
                ? "None"
                : "{**os.environ, "
                    + String.join(
                        ", ",
                        cmd.environment().entrySet().stream()
                            .map(e -> Py.str(e.getKey()) + ": " + Py.str(e.getValue()))
                            .toList())
                    + "}";
        b.append("subprocess.run([")
            .append(String.join(", ", argv))
            .append("], env=")
            .append(env)
            .append(", check=True)\n");
      }
    }
    p.python().ifPresent(py -> b.append(p.commands().isEmpty() ? "" : "\n").append(py));
    return b.toString();
  }
}
