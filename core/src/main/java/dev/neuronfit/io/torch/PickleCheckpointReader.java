package dev.neuronfit.io.torch;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleMachine;
import dev.neuronfit.io.pickle.PickleSource;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.BigInt;
import dev.neuronfit.io.pickle.PickleValue.Int;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy (non-zip) PyTorch checkpoints, as torch.save wrote them before PyTorch 1.6 or with {@code
 * _use_new_zipfile_serialization=False} (e.g. {@code pytorch_model.bin} of old transformers): five
 * pickles in a row (the magic number {@code 0x1950a86a20f9469cfc6c}, the protocol version 1001, a
 * dict of system information, the object, the list of storage keys) followed by the raw bytes of
 * each storage. Only the pickles are read, from the start of the file; the storage bytes after them
 * are never touched.
 *
 * <p>{@code torch.load} tries torch's legacy tar format first: such files go to {@link
 * LegacyTarReader}.
 *
 * <p>A file whose first pickle is not the magic number is a plain pickle: torch.load unpickles it
 * (running whatever it calls) and only then fails on the magic number. Its object is read the same
 * way, so its hazards and tensors are reported, with a note.
 */
public final class PickleCheckpointReader implements ModelReader {
  private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final long PROTOCOL_VERSION = 1001;

  @Override
  public dev.neuronfit.model.ModelProfile read(Path path, ReadLimits limits) throws IOException {
    if (ContentSniffer.isTar(path)) {
      return LegacyTarReader.read(path, limits);
    }
    PickleLimits pl = PickleLimits.from(limits);
    PickleHazards hazards = new PickleHazards(pl.maxHazards());
    List<String> notes = new ArrayList<>();
    PickleValue object;
    try (InputStream in = new BufferedInputStream(ModelFiles.stream(path, path, path))) {
      PickleSource src = new PickleSource(in, path, "pickle stream", pl.maxBytes());
      PickleMachine m = new PickleMachine(src, pl, hazards, false);
      PickleValue first = m.read();
      if (isMagic(first)) {
        PickleValue version = m.read();
        if (!(version instanceof Int v) || v.value() != PROTOCOL_VERSION) {
          notes.add("the stream's protocol version is not " + PROTOCOL_VERSION);
        }
        m.read(); // system information: byte order and type sizes
        object = m.read();
        m.read(); // storage keys, in the order their bytes follow
      } else {
        object = first;
        notes.add(
            "a plain pickle, not a torch.save stream (no magic number): torch.load unpickles it"
                + " and then fails");
      }
    }
    CheckpointLayout.Selection s =
        CheckpointLayout.select(object, path, "pickle stream", pl, limits.maxTensors());
    String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    return CheckpointReader.profile(
        path, file, "legacy torch.save pickle " + file, s, hazards, notes, limits);
  }

  private static boolean isMagic(PickleValue v) {
    return v instanceof BigInt b && b.value().equals(MAGIC)
        || v instanceof Int i && BigInteger.valueOf(i.value()).equals(MAGIC);
  }
}
