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
 * ({@code *.bin}, {@code *.pt}, {@code *.pth}, {@code *.ckpt}, {@code *.pkl}, {@code *.pickle}:
 * weights, shards, {@code training_args.bin}, optimizer and scheduler states, fastai's {@code
 * model.pkl}, also in the Trainer's {@code checkpoint-STEP/} folders and DeepSpeed's {@code
 * global_stepSTEP/} in them), whichever file the weight figures come from and even when safetensors
 * sit beside them. Each is read as {@code torch.load} would read it, in its order (a zip when it
 * starts with a zip local header, else a legacy tar, else a pickle stream, whatever else its first
 * bytes look like: a pickle can start like an ONNX, GGUF or safetensors file). A file that fails as
 * a pickle before it names a code-running global, where Python's unpickler fails too, is passed
 * over (torch.load runs nothing of it); one that cannot be read otherwise fails the whole folder,
 * so that no pickle goes unchecked.
 */
final class CheckpointFiles {
  private static final String GLOB = "*.{bin,pt,pth,ckpt,pkl,pickle}";

  /**
   * Folders of training checkpoints a loader resumes from: transformers' Trainer writes {@code
   * checkpoint-STEP/} (weights, {@code optimizer.pt}, {@code scheduler.pt}, {@code rng_state.pth},
   * {@code training_args.bin}), and DeepSpeed writes {@code global_stepSTEP/} inside it.
   */
  private static final List<String> CHECKPOINT_FOLDERS = List.of("checkpoint-*", "global_step*");

  private CheckpointFiles() {}

  /** The hazards found, code-running ones first, at most {@code max}. */
  record Found(List<Hazard> hazards, int dropped) {}

  static Found hazards(Path folder, Path shownFolder, String prefix, ReadLimits limits, int max)
      throws IOException {
    // relative names of the checkpoint files, in the folder and in its training checkpoints
    TreeSet<String> names = new TreeSet<>();
    collect(folder, folder, shownFolder, "", 0, names, limits);
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

  /**
   * Adds the checkpoint files of {@code dir} (named relative to {@code folder}) and, two levels
   * deep at most, of its training-checkpoint folders. Any file with a checkpoint's name that is not
   * a plain file of the folder (a link out of it, a FIFO, a device) fails the read through {@link
   * ModelFiles}, rather than being passed over.
   */
  private static void collect(
      Path folder,
      Path dir,
      Path shownFolder,
      String relative,
      int depth,
      TreeSet<String> names,
      ReadLimits limits)
      throws IOException {
    for (Path p : ModelFiles.list(dir, GLOB)) {
      String name = relative + p.getFileName();
      if (!Files.isRegularFile(p) && !Files.isSymbolicLink(p)) {
        continue; // a FIFO or folder of the model's own, which torch.load cannot unpickle
      }
      if (ModelFiles.size(p, folder, shownFolder.resolve(name)) > 0) {
        names.add(name);
        if (names.size() > limits.maxWeightFiles()) {
          throw new ModelFormatException(
              shownFolder,
              "",
              "holds more than " + limits.maxWeightFiles() + " PyTorch checkpoint files");
        }
      }
    }
    if (depth >= 2) {
      return;
    }
    for (String glob : CHECKPOINT_FOLDERS) {
      for (Path sub : ModelFiles.list(dir, glob)) {
        if (!Files.isDirectory(sub)) {
          continue;
        }
        String name = relative + sub.getFileName() + "/";
        if (!sub.toRealPath().startsWith(folder.toRealPath())) {
          throw new ModelFormatException(
              shownFolder.resolve(name),
              "",
              "a training checkpoint folder that lies outside the model folder (a symbolic"
                  + " link); not followed");
        }
        collect(folder, sub, shownFolder, name, depth + 1, names, limits);
      }
    }
  }
}
