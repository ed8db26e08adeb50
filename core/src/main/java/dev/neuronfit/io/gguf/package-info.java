/**
 * Reads GGUF files (llama.cpp, ggml) by their header, metadata and tensor infos; tensor data is
 * never read.
 */
package dev.neuronfit.io.gguf;
