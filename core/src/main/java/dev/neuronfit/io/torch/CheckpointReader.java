package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleMachine;
import dev.neuronfit.io.pickle.PickleSource;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.torch.TensorWalk.Named;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * torch.save checkpoints in the zip format (PyTorch 1.6 and later): {@code <root>/data.pkl}, the
 * pickled object, and {@code <root>/data/<key>}, one entry per storage, which is never opened. The
 * pickle is read by {@link PickleMachine}; {@link CheckpointLayout} decides which tensors are the
 * model's parameters. Module classes of a pickled whole model are kept in the profile as {@code
 * pickle-import} hazards, which is also what they are.
 */
public final class CheckpointReader {
  private CheckpointReader() {}

  /**
   * Reads the checkpoint in an open archive.
   *
   * @param root the archive's top folder with its slash, e.g. {@code archive/}
   */
  public static ModelProfile readZip(SafeZip zip, String root, Path path, ReadLimits limits)
      throws IOException {
    return readZip(zip, root, root + "data.pkl", path, limits);
  }

  /**
   * Reads the checkpoint whose pickle is {@code entry}: {@code ROOT/data.pkl} as the archive spells
   * it, in whatever case (PyTorch's zip reader finds records without regard to ASCII case).
   */
  public static ModelProfile readZip(
      SafeZip zip, String root, String entry, Path path, ReadLimits limits) throws IOException {
    PickleLimits pl = PickleLimits.from(limits);
    byte[] data = zip.read(entry, pl.maxBytes());
    PickleHazards hazards = new PickleHazards(pl.maxHazards());
    PickleSource src = PickleSource.of(data, path, "zip entry " + entry, pl.maxBytes());
    PickleValue value = new PickleMachine(src, pl, hazards, false).read();
    List<String> notes = new ArrayList<>();
    if (!src.atEnd()) {
      notes.add(entry + " has " + (data.length - src.position()) + " bytes after its STOP opcode");
    }
    zip.declaredSize(root + "byteorder")
        .filter(n -> n < ReadLimits.MAX_MARKER_ENTRY_BYTES)
        .ifPresent(n -> byteOrder(zip, root, notes));
    CheckpointLayout.Selection s =
        CheckpointLayout.select(value, path, "zip entry " + entry, pl, limits.maxTensors());
    Set<String> missing = new LinkedHashSet<>();
    for (Named n : s.tensors()) {
      String key = n.tensor().storageKey();
      if (!key.isEmpty() && !zip.has(root + "data/" + key)) {
        missing.add(root + "data/" + key);
      }
    }
    if (!missing.isEmpty()) {
      notes.add(
          missing.size()
              + " storage entr"
              + (missing.size() == 1 ? "y" : "ies")
              + " named by the pickle are missing from the archive, e.g. "
              + missing.iterator().next()
              + " (torch.load would fail)");
    }
    return profile(path, entry, "torch.save pickle " + entry, s, hazards, notes, limits);
  }

  private static void byteOrder(SafeZip zip, String root, List<String> notes) {
    try {
      String order =
          new String(
                  zip.read(root + "byteorder", ReadLimits.MAX_MARKER_ENTRY_BYTES),
                  StandardCharsets.US_ASCII)
              .strip();
      if (!order.equals("little")) {
        notes.add("the storages are " + order + "-endian (byteorder entry)");
      }
    } catch (IOException e) {
      notes.add("the byteorder entry could not be read: " + e.getMessage());
    }
  }

  /** The profile of a checkpoint from its selected tensors; shared with the legacy reader. */
  static ModelProfile profile(
      Path path,
      String file,
      String basis,
      CheckpointLayout.Selection s,
      PickleHazards hazards,
      List<String> readNotes,
      ReadLimits limits)
      throws ModelFormatException {
    Notes notes = new Notes(limits);
    notes.addAll(readNotes);
    notes.addAll(s.notes());
    if (s.unreadable() > 0) {
      notes.add(
          s.unreadable()
              + " tensors of other layouts (sparse, nested or device-specific) not counted");
    }
    if (hazards.dropped() > 0) {
      notes.add(hazards.dropped() + " more hazardous globals not listed");
    }
    Map<String, String> modules = s.modules();
    if (modules.containsKey("")) {
      notes.add("a pickled whole model of class " + modules.get("") + ", not a state dict");
    }
    List<TensorInfo> tensors;
    WeightSummary weights;
    try {
      tensors = TorchWeights.infos(s.tensors(), file);
      weights =
          tensors.isEmpty()
              ? WeightSummary.unknown(basis + ": no tensors found")
              : TorchWeights.summary(s.tensors(), basis);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(path, file, "tensor sizes overflow a 64-bit count");
    }
    return new ModelProfile(
        path.toString(),
        ModelFormat.PYTORCH_CHECKPOINT,
        Framework.PYTORCH,
        weights,
        tensors,
        Optional.empty(),
        Optional.empty(),
        hazards.hazards(),
        notes.list());
  }
}
