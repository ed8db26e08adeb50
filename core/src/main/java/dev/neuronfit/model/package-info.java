/**
 * The immutable profile of a model: format, framework, tensors, weights and format metadata. No I/O
 * happens here; readers in {@code dev.neuronfit.io} build these values.
 */
package dev.neuronfit.model;
