/**
 * Reading model files: locating models under a path and choosing each one's reader (by content, in
 * {@link dev.neuronfit.io.ModelLocator}, and for zip archives by their entries, in {@link
 * dev.neuronfit.io.ZipModelReader}), the limits every reader enforces, the capped {@link
 * dev.neuronfit.io.Notes} every reader collects, the overflow check on tensor totals and the
 * exception a reader throws for bad input. One sub-package per format. Only this package touches
 * the file system.
 */
package dev.neuronfit.io;
