/**
 * Keras models: legacy HDF5 files (the {@code model_config} attribute and the {@code model_weights}
 * group) and .keras archives (config.json and model.weights.h5), read through jhdf for metadata
 * only. Layers become graph nodes of domain {@code keras}; Lambda layers are hazards.
 */
package dev.neuronfit.io.keras;
