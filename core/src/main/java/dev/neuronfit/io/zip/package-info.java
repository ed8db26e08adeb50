/**
 * Reading zip archives with limits against hostile archives ({@link dev.neuronfit.io.zip.SafeZip}):
 * a pure zip utility that knows no model format. Which format an archive holds is decided in {@link
 * dev.neuronfit.io.ZipModelReader}.
 */
package dev.neuronfit.io.zip;
