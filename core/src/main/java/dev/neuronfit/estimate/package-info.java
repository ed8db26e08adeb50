/**
 * Estimates computed from a model's structure: parameter counts from configurations when no weight
 * files are present. Every figure here is an estimate and is labelled as one in reports.
 */
package dev.neuronfit.estimate;
