package dev.neuronfit.cli;

/** Output formats of check and matrix. */
enum Format {
  text,
  json,
  md,
  html
}
