package dev.neuronfit.io.tf;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;

/** TensorFlow SavedModel folders and frozen GraphDef files. */
public final class TfReader implements ModelReader {
  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    throw new ModelFormatException(
        path, "", "a TensorFlow SavedModel; this version of neuronfit does not read it yet");
  }
}
