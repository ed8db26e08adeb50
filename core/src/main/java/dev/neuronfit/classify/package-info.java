/**
 * Family classification: which guideline family a model belongs to, with the evidence that decided
 * it and a confidence on one scale shared by every format.
 */
package dev.neuronfit.classify;
