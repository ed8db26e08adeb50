/**
 * Workloads of ONNX graphs by shape propagation: the graph's inputs are bound to sizes ({@link
 * dev.neuronfit.estimate.graph.InputBinding}), shapes flow through the operators ({@link
 * dev.neuronfit.estimate.graph.ShapePropagation} and the per-kind {@code *Shapes} classes), and
 * each node yields its multiply-accumulates ({@link dev.neuronfit.estimate.graph.Outcome}). Also
 * owns what the TensorFlow and Keras estimators reuse: the propagated value {@link
 * dev.neuronfit.estimate.graph.TensorValue}, the attribute view {@link
 * dev.neuronfit.estimate.graph.NodeView}, and the tail every graph workload shares after
 * propagation ({@link dev.neuronfit.estimate.graph.GraphTotals}).
 */
package dev.neuronfit.estimate.graph;
