package dev.neuronfit.io;

import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.torch.CheckpointReader;
import dev.neuronfit.io.torch.TorchScriptReader;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the zip-based model formats apart by their entries and hands the archive to the matching
 * reader:
 *
 * <ul>
 *   <li>a .keras archive: {@code config.json} and a {@code *.weights.h5} at the top level;
 *   <li>otherwise a torch archive, read as {@code torch.load} reads it: its records live under the
 *       top folder of the first entry in the zip directory (PyTorch's {@code PyTorchStreamReader}
 *       takes the record prefix from that entry), so no other folder's {@code data.pkl} is read;
 *   <li>a TorchScript archive (torch.jit.save) when that folder holds {@code constants.pkl}, the
 *       record {@code torch.load} checks before it hands a zip to {@code torch.jit.load};
 *   <li>else a torch.save checkpoint, whose {@code data.pkl} {@code torch.load} unpickles, even
 *       when a {@code code/} folder sits beside it.
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
        // torch.load's check for TorchScript compares record names exactly
        if (zip.has(r + "constants.pkl")) {
          return TorchScriptReader.read(zip, r, path, limits);
        }
        Optional<String> data = zip.findIgnoringAsciiCase(r + "data.pkl");
        if (data.isPresent()) {
          return CheckpointReader.readZip(zip, r, data.get(), path, limits);
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
   * The top folder (with its slash) of the first entry, where {@code torch.load} looks for every
   * record, when it holds {@code data.pkl}, {@code constants.pkl} or {@code bytecode.pkl}, named in
   * any case of ASCII letters, as PyTorch's zip reader finds them.
   *
   * @throws ModelFormatException when two entries under it differ only in case: PyTorch's zip
   *     reader looks records up without regard to case, so which one it reads is not known
   */
  private static Optional<String> torchRoot(SafeZip zip) throws ModelFormatException {
    List<String> names = zip.names();
    int slash = names.isEmpty() ? -1 : names.get(0).indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String root = names.get(0).substring(0, slash + 1);
    boolean torch = false;
    for (String marker : List.of("data.pkl", "constants.pkl", "bytecode.pkl")) {
      torch |= zip.findIgnoringAsciiCase(root + marker).isPresent();
    }
    if (!torch) {
      return Optional.empty();
    }
    Map<String, String> folded = new HashMap<>();
    String foldedRoot = SafeZip.foldAscii(root);
    for (String n : names) {
      String f = SafeZip.foldAscii(n);
      if (f.startsWith(foldedRoot)) {
        String other = folded.putIfAbsent(f, n);
        if (other != null) {
          throw new ModelFormatException(
              zip.file(),
              "zip entry " + n,
              "differs from entry " + other + " only in case; torch.load cannot tell them apart");
        }
      }
    }
    return Optional.of(root);
  }
}
