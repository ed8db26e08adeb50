/**
 * Workloads of Keras models from their model config: shapes propagated layer by layer through the
 * functional or sequential config, each layer class costed from its own config ({@link
 * dev.neuronfit.estimate.keras.KerasLayerCosts}), nested models counted as their own layers.
 */
package dev.neuronfit.estimate.keras;
