/**
 * Scanning: every model under a set of folders checked in parallel with bounded memory, each
 * outcome handed over in the order the models were found. The rows and totals it produces are in
 * {@link dev.neuronfit.report}.
 */
package dev.neuronfit.scan;
