/**
 * Models on the Hugging Face Hub, checked by id without downloading them: a small HTTP client for
 * the Hub's API and file URLs, and a cache that materialises the few bytes a check needs (configs,
 * indexes, safetensors headers) as a sparse local model folder that the {@code io.hf} reader reads.
 */
package dev.neuronfit.io.hub;
