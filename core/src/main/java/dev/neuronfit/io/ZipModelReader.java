package dev.neuronfit.io;

import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.torch.CheckpointReader;
import dev.neuronfit.io.torch.TorchScriptReader;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells the zip-based model formats apart by their entries and hands the archive to the matching
 * reader:
 *
 * <ul>
 *   <li>a .keras archive: {@code config.json} and a {@code *.weights.h5} at the top level;
 *   <li>a TorchScript archive (torch.jit.save): one top folder holding {@code code/} or, for a
 *       mobile archive, {@code bytecode.pkl}, beside {@code data.pkl} or {@code constants.pkl};
 *   <li>a torch.save checkpoint: one top folder holding {@code data.pkl} and no code.
 * </ul>
 *
 * The file's extension plays no part.
 */
public final class ZipModelReader implements ModelReader {
  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    try (SafeZip zip = SafeZip.open(path, limits)) {
      boolean kerasWeights =
          zip.names().stream().anyMatch(n -> !n.contains("/") && n.endsWith(".weights.h5"));
      if (zip.has("config.json") && kerasWeights) {
        return KerasReader.readArchive(zip, path, limits);
      }
      Optional<String> root = torchRoot(zip);
      if (root.isPresent()) {
        String r = root.get();
        boolean code = zip.names().stream().anyMatch(n -> n.startsWith(r + "code/"));
        if (code || zip.has(r + "bytecode.pkl")) {
          return TorchScriptReader.read(zip, r, path, limits);
        }
        if (zip.has(r + "data.pkl")) {
          return CheckpointReader.readZip(zip, r, path, limits);
        }
      }
      throw new NotAModelException(
          path,
          "zip directory",
          "a zip archive of no model format neuronfit reads (looked for <folder>/data.pkl of"
              + " torch.save, <folder>/code/ of torch.jit.save, config.json with *.weights.h5 of"
              + " Keras)");
    }
  }

  /**
   * The top folder (with its slash) that holds {@code data.pkl}, {@code constants.pkl} or {@code
   * bytecode.pkl}; torch writes every entry under one such folder, named after the file or {@code
   * archive}.
   */
  private static Optional<String> torchRoot(SafeZip zip) {
    for (String marker : new String[] {"data.pkl", "constants.pkl", "bytecode.pkl"}) {
      for (String n : zip.names()) {
        int slash = n.indexOf('/');
        if (slash > 0 && n.equals(n.substring(0, slash + 1) + marker)) {
          return Optional.of(n.substring(0, slash + 1));
        }
      }
    }
    return Optional.empty();
  }
}
