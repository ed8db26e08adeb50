/**
 * Workloads of TensorFlow graphs (SavedModel and frozen GraphDef): shapes propagated along the
 * serving path through TensorFlow's own op names and attributes, into the functions the serving
 * signature calls, with the graph's {@code _output_shapes} filling what propagation leaves unknown.
 * Reuses the ONNX propagation's value and node types from {@code estimate.graph}.
 */
package dev.neuronfit.estimate.tf;
