/**
 * From verdict to a first run: the commands and the script a user runs for one model on one target,
 * built from the same analysis the check report uses (today's path, sizing, workload, findings) and
 * written with only the flags the knowledge base lists ({@code kb/plan-flags.json}). {@link
 * dev.neuronfit.plan.Planner} builds a {@link dev.neuronfit.plan.Plan}; the renderers write it as
 * Markdown, a shell script, a Python script or JSON.
 */
package dev.neuronfit.plan;
