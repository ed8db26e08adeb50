/**
 * Reading model files: locating models under a path, one reader per format, the limits every reader
 * enforces and the exception it throws for bad input. Only this package touches the file system.
 */
package dev.neuronfit.io;
