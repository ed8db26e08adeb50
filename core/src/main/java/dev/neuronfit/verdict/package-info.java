/** Verdicts per target: the fit and package support the guideline tables give a model's family. */
package dev.neuronfit.verdict;
