/**
 * Reads Apache MXNet models: the symbol graph ({@code NAME-symbol.json}) and the NDArray list file
 * beside it ({@code NAME-0000.params}, as Gluon's {@code export} and Module checkpoints write
 * them), whose headers give each array's name, shape and element type; array data is skipped, never
 * read.
 */
package dev.neuronfit.io.mxnet;
