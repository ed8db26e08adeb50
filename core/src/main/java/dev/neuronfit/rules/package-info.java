/**
 * Known-issue rules: one final class per issue from the guidelines, named after its id, extending
 * {@link dev.neuronfit.rules.Rule} with its {@link dev.neuronfit.rules.RuleInfo} metadata and
 * building its findings from that metadata, firing only on evidence found in the model; and the
 * explicit {@link dev.neuronfit.rules.RuleRegistry} that runs them.
 */
package dev.neuronfit.rules;
