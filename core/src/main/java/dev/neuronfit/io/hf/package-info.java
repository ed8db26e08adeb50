/**
 * Hugging Face model folders: transformers {@code config.json}, diffusers {@code model_index.json}
 * pipelines and components, safetensors headers (never tensor data) and shard index files.
 */
package dev.neuronfit.io.hf;
