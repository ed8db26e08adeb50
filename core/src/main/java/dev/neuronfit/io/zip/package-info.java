/**
 * Zip archives (TorchScript, PyTorch checkpoints, .keras files) read with limits against hostile
 * archives.
 */
package dev.neuronfit.io.zip;
