package dev.neuronfit.io;

import java.nio.file.Path;

/**
 * A file of a container format that models use (a zip archive, an HDF5 file) that holds no model:
 * an archive of other files, an HDF5 data file, weights saved without their architecture. When such
 * a file is named directly it is an error like any other; when a folder search merely came across
 * it, a scan may pass over it as a file that is not a model.
 */
public class NotAModelException extends ModelFormatException {
  public NotAModelException(Path file, String place, String problem) {
    super(file, place, problem);
  }
}
