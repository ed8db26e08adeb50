/**
 * A pickle reader that never imports or calls anything: an opcode interpreter building symbolic
 * values, the allow-list of {@code torch.load(weights_only=True)} as data, and a record of every
 * other global as a hazard.
 */
package dev.neuronfit.io.pickle;
