/**
 * neuronfit: checks how well a model's architecture fits AWS Inferentia and Trainium, following the
 * Neuron "Model Architecture Fit Guidelines". {@link dev.neuronfit.Inspector} is the entry point.
 */
package dev.neuronfit;
