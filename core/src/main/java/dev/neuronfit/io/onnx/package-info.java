/**
 * ONNX models: the ModelProto walk with its own field table, tensors whose payloads are skipped by
 * seeking, and external-data references checked by location and size without opening the files.
 */
package dev.neuronfit.io.onnx;
