package dev.neuronfit.cli;

/**
 * Output formats of scan. Apart from {@link Format}: a scan also writes CSV, and the two sets grow
 * separately; each value has its {@code ScanRenderer}, see {@link ScanCommand#renderer}.
 */
enum ScanFormat {
  text,
  json,
  jsonl,
  csv,
  md,
  html,
  sarif
}
