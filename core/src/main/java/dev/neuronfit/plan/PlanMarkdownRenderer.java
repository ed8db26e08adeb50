package dev.neuronfit.plan;

import java.util.List;

/** A plan as Markdown: the summary, why, the commands and script, buckets, checks and sources. */
public final class PlanMarkdownRenderer {
  private PlanMarkdownRenderer() {}

  public static String render(Plan p) {
    StringBuilder b = new StringBuilder();
    b.append("# Plan: ").append(code(p.model())).append(" on ").append(p.target()).append("\n\n");
    b.append("**")
        .append(PlanText.safe(p.summary()))
        .append("** (")
        .append(p.stackStatus())
        .append(")\n\n");
    list(b, "Why", p.why());
    if (!p.notes().isEmpty()) {
      list(b, "Before the first run", p.notes());
    }
    if (!p.commands().isEmpty()) {
      b.append("## Run\n\n");
      for (Plan.Command c : p.commands()) {
        b.append(PlanText.safe(c.purpose())).append("\n\n```sh\n");
        b.append(PlanText.shellWrapped(c)).append("\n```\n\n");
      }
    }
    p.python()
        .ifPresent(
            py ->
                b.append("## Script\n\nSave as `plan.py` and run `python3 plan.py` on the ")
                    .append(p.target())
                    .append(" instance.\n\n```python\n")
                    .append(py)
                    .append("```\n\n"));
    if (!p.buckets().isEmpty()) {
      list(b, "Buckets (device memory each needs)", PlanText.buckets(p));
    }
    list(b, "Assumptions", p.assumptions());
    if (!p.afterFirstRun().isEmpty()) {
      b.append("## After the first run\n\n");
      for (Plan.Check c : p.afterFirstRun()) {
        b.append("- ")
            .append(c.code().isEmpty() ? "" : "`" + c.code() + "` ")
            .append('"')
            .append(PlanText.safe(c.message()))
            .append("\": ")
            .append(PlanText.safe(c.action()))
            .append(" (")
            .append(c.source())
            .append(")\n");
      }
      b.append('\n');
    }
    if (!p.flags().isEmpty()) {
      list(b, "Sources of the flags", PlanText.sources(p));
    }
    return b.toString();
  }

  private static void list(StringBuilder b, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    b.append("## ").append(title).append("\n\n");
    for (String i : items) {
      b.append("- ").append(PlanText.safe(i)).append('\n');
    }
    b.append('\n');
  }

  private static String code(String s) {
    return "`" + PlanText.safe(s).replace("`", "'") + "`";
  }
}
