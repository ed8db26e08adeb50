/**
 * Models on the Hugging Face Hub, checked by id without downloading them: a small HTTP client for
 * the Hub's API and file URLs, and a cache that materialises the few bytes a check needs (configs,
 * indexes, safetensors headers, the bytes of ONNX graphs and GGUF headers that their readers read
 * from a {@link RangeSource}) as a sparse local model folder that the ordinary readers read, its
 * stubs standing for the Hub's files (see {@link dev.neuronfit.io.SparseStub}).
 */
package dev.neuronfit.io.hub;
