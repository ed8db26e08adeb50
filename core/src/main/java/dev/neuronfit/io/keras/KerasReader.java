package dev.neuronfit.io.keras;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;

/** Keras models saved as legacy HDF5 (.h5) files. */
public final class KerasReader implements ModelReader {
  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    throw new ModelFormatException(
        path, "", "an HDF5 (Keras .h5) file; this version of neuronfit does not read it yet");
  }
}
