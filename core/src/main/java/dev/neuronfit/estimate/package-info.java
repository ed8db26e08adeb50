/**
 * Estimates computed from a model's structure, and the types every estimator shares. {@link
 * dev.neuronfit.estimate.Workloads} is the one entry to the workload estimators (it picks the
 * estimator by where the numbers come from: a config layout or the model's own graph); {@link
 * dev.neuronfit.estimate.Workload}, {@link dev.neuronfit.estimate.Phase} and {@link
 * dev.neuronfit.estimate.WorkloadOptions} are what they yield and take; {@link
 * dev.neuronfit.estimate.Roofline} and {@link dev.neuronfit.estimate.Sizing} turn a workload into
 * bounds and instance counts per target ({@link dev.neuronfit.estimate.TargetEstimate}, {@link
 * dev.neuronfit.estimate.PhaseBound}); {@link dev.neuronfit.estimate.Assumptions} holds every
 * sentence the estimators say about what they assume. Parameter counts estimated from a config are
 * an {@link dev.neuronfit.estimate.Estimate}. Every figure here is an estimate and is labelled as
 * one in reports.
 *
 * <p>Sub-packages, one per source of numbers: {@code config} (Hugging Face config layouts), {@code
 * graph} (ONNX shape propagation, and the tensor and node types the others reuse), {@code tf}
 * (TensorFlow graphs), {@code keras} (Keras model configs).
 */
package dev.neuronfit.estimate;
