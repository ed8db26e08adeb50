package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;

/** Legacy (non-zip) PyTorch checkpoints: a pickle stream. */
public final class PickleCheckpointReader implements ModelReader {
  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    throw new ModelFormatException(
        path,
        "",
        "a legacy PyTorch checkpoint (pickle); this version of neuronfit does not read it yet");
  }
}
