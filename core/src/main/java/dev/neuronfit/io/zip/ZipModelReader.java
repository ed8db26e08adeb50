package dev.neuronfit.io.zip;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Tells the zip-based model formats apart by their entries (TorchScript archives hold {@code code/}
 * and {@code data.pkl}, torch.save checkpoints {@code data.pkl} without code, .keras files {@code
 * config.json} with {@code model.weights.h5}) and hands the archive to the matching reader.
 */
public final class ZipModelReader implements ModelReader {
  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    try (SafeZip zip = SafeZip.open(path, limits)) {
      boolean pickle = zip.names().stream().anyMatch(n -> n.endsWith("data.pkl"));
      boolean code =
          zip.names().stream().anyMatch(n -> n.contains("/code/") || n.startsWith("code/"));
      boolean keras =
          zip.has("config.json") && zip.names().stream().anyMatch(n -> n.endsWith(".h5"));
      String kind =
          pickle && code
              ? "a TorchScript archive"
              : pickle
                  ? "a PyTorch checkpoint"
                  : keras ? "a Keras archive" : "a zip archive of no model format neuronfit knows";
      throw new ModelFormatException(
          path, "", kind + "; this version of neuronfit does not read it yet");
    }
  }
}
