package dev.neuronfit.io.keras;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;

/** Keras models: legacy HDF5 (.h5) files, and .keras archives handed over by the zip reader. */
public final class KerasReader implements ModelReader {
  /**
   * Reads a .keras archive (config.json, metadata.json and model.weights.h5 inside a zip) that
   * {@link dev.neuronfit.io.zip.ZipModelReader} recognised.
   */
  public static ModelProfile readArchive(SafeZip zip, Path path, ReadLimits limits)
      throws IOException {
    throw new ModelFormatException(
        path, "", "a Keras archive; this version of neuronfit does not read it yet");
  }

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    throw new ModelFormatException(
        path, "", "an HDF5 (Keras .h5) file; this version of neuronfit does not read it yet");
  }
}
