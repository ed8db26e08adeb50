/**
 * Text helpers every other package may use: {@link dev.neuronfit.text.Controls}, the one escaper of
 * control characters for names from model files, whether they end up in a report, a plan or an
 * error message. Imports nothing of neuronfit.
 */
package dev.neuronfit.text;
