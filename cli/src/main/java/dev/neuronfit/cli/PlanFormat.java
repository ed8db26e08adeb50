package dev.neuronfit.cli;

import dev.neuronfit.plan.Plan;
import dev.neuronfit.plan.PlanJsonRenderer;
import dev.neuronfit.plan.PlanMarkdownRenderer;
import dev.neuronfit.plan.PlanPythonRenderer;
import dev.neuronfit.plan.PlanShellRenderer;
import java.util.function.Function;

/** The plan's output formats, each one of core's plan renderers (plan and serve share them). */
public enum PlanFormat {
  md(PlanMarkdownRenderer::render),
  sh(PlanShellRenderer::render),
  py(PlanPythonRenderer::render),
  json(PlanJsonRenderer::render);

  private final Function<Plan, String> renderer;

  PlanFormat(Function<Plan, String> renderer) {
    this.renderer = renderer;
  }

  /** The plan in this format. */
  public String render(Plan p) {
    return renderer.apply(p);
  }
}
