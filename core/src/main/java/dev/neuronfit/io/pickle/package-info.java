/**
 * A pickle reader that never imports or calls anything: an opcode interpreter building symbolic
 * values, an allowlist of the globals torch writes, and a record of every other global as a hazard.
 */
package dev.neuronfit.io.pickle;
