/**
 * Parameters and workloads of Hugging Face models from their config.json, for the architectures
 * whose module layout neuronfit knows: each layout is walked from the config's sizes, so a model
 * folder with no weight files still gets a parameter count ({@link
 * dev.neuronfit.estimate.config.ParameterEstimator}) and a workload ({@link
 * dev.neuronfit.estimate.config.ConfigWorkload}). A model type without a layout gets no estimate
 * rather than a guess.
 */
package dev.neuronfit.estimate.config;
