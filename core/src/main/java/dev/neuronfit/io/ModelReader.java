package dev.neuronfit.io;

import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;

/** Reads the profile of one model from its files, never loading or executing weights. */
public interface ModelReader {

  /**
   * Reads the model at {@code path}.
   *
   * @param path a file or folder that {@link ModelLocator} identified as a model of this reader's
   *     format
   * @throws ModelFormatException when the files are missing, malformed or exceed {@code limits}
   * @throws IOException when the file system fails
   */
  ModelProfile read(Path path, ReadLimits limits) throws IOException;
}
