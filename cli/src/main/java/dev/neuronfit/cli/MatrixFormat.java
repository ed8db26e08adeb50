package dev.neuronfit.cli;

/**
 * Output formats of matrix. Apart from check's {@link Format}: a check can be written in formats
 * (for findings tools) that have no guideline tables.
 */
enum MatrixFormat {
  text,
  json,
  md,
  html
}
