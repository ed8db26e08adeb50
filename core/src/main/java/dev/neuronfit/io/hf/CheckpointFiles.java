package dev.neuronfit.io.hf;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.NotAModelException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.ZipModelReader;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.torch.PickleCheckpointReader;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The pickle hazards of every PyTorch checkpoint file in a model folder that a loader could pick
 * ({@code *.bin}, {@code *.pt}, {@code *.pth}, {@code *.ckpt}: weights, shards, {@code
 * training_args.bin}, optimizer and scheduler states), whichever file the weight figures come from
 * and even when safetensors sit beside them. Each is read as {@code torch.load} would read it, in
 * its order (a zip when it starts with a zip local header, else a legacy tar, else a pickle stream,
 * whatever else its first bytes look like: a pickle can start like an ONNX, GGUF or safetensors
 * file). A file that fails as a pickle before it names a code-running global, where Python's
 * unpickler fails too, is passed over (torch.load runs nothing of it); one that cannot be read
 * otherwise fails the whole folder, so that no pickle goes unchecked.
 */
final class CheckpointFiles {
  private static final String GLOB = "*.{bin,pt,pth,ckpt}";

  private CheckpointFiles() {}

  /** The hazards found, code-running ones first, at most {@code max}. */
  record Found(List<Hazard> hazards, int dropped) {}

  static Found hazards(Path folder, Path shownFolder, String prefix, ReadLimits limits, int max)
      throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (Path p : ModelFiles.list(folder, GLOB)) {
      // a checkpoint linked out of the folder fails the read (ModelFiles), not passed over
      if (Files.isRegularFile(p)
          && ModelFiles.size(p, folder, shownFolder.resolve(p.getFileName())) > 0) {
        names.add(p.getFileName().toString());
        if (names.size() > limits.maxWeightFiles()) {
          throw new ModelFormatException(
              shownFolder,
              "",
              "holds more than " + limits.maxWeightFiles() + " PyTorch checkpoint files");
        }
      }
    }
    List<Hazard> all = new ArrayList<>();
    for (String name : names) {
      Path file = folder.resolve(name);
      ModelProfile p;
      try {
        // torch.load's own order: a zip only when the file starts with a local header, else a
        // tar archive, else a pickle stream, whatever the first bytes look like to neuronfit
        p =
            ContentSniffer.startsWithZipLocalHeader(file)
                ? new ZipModelReader().read(file, limits)
                : PickleCheckpointReader.read(
                    file, limits, ContentSniffer.sniff(file) == ContentSniffer.Kind.PICKLE);
      } catch (NotAModelException e) {
        continue; // torch.load fails on it before it unpickles anything
      }
      // a TorchScript archive goes to torch.jit.load, whose unpickler refuses foreign globals
      if (p != null && p.format() != ModelFormat.TORCHSCRIPT) {
        for (Hazard h : p.hazards()) {
          all.add(new Hazard(h.kind(), h.detail(), prefix + name + ": " + h.place()));
        }
      }
    }
    all.sort(Comparator.comparing(h -> !h.kind().equals(PickleHazards.CODE_KIND)));
    int dropped = Math.max(0, all.size() - max);
    return new Found(List.copyOf(all.subList(0, all.size() - dropped)), dropped);
  }
}
