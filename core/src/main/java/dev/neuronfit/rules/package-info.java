/**
 * Known-issue rules: one final class per issue from the guidelines, each with its {@link
 * dev.neuronfit.rules.RuleInfo} metadata, firing only on evidence found in the model, and the
 * explicit {@link dev.neuronfit.rules.RuleRegistry} that runs them.
 */
package dev.neuronfit.rules;
