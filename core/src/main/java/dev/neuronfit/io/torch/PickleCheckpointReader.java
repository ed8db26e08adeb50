package dev.neuronfit.io.torch;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.NotAModelException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleMachine;
import dev.neuronfit.io.pickle.PickleSource;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.BigInt;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelProfile;
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
 * LegacyTarReader}. When its tar reading fails, torch unpickles the file from its first byte
 * instead, so a tar file is read as a pickle stream too, for its hazards.
 *
 * <p>A file whose first pickle is not the magic number is a plain pickle: torch.load unpickles it
 * (running whatever it calls) and only then fails on the magic number. Its object is read the same
 * way, so its hazards and tensors are reported, with a note. A stream that breaks off after it
 * named a code-running global is reported with its hazards (torch.load runs the calls before the
 * break), not as an error that would hide them.
 */
public final class PickleCheckpointReader implements ModelReader {
  private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  private static final long PROTOCOL_VERSION = 1001;

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    return read(path, limits, true);
  }

  /**
   * Reads a file as {@code torch.load} reads any file that does not start with a zip local header.
   *
   * @param strict false for a file that does not look like a pickle or tar at all: when it fails as
   *     a pickle before naming any hazard, at an error Python's unpickler raises too (not at a
   *     limit of neuronfit's), torch.load fails there without running anything, and this throws a
   *     {@link NotAModelException}
   */
  public static ModelProfile read(Path path, ReadLimits limits, boolean strict) throws IOException {
    if (ContentSniffer.isTar(path)) {
      return tarOrStream(path, limits);
    }
    Stream s = stream(path, limits);
    if (s.error == null || s.runsCode()) {
      return s.profile(path, limits);
    }
    if (!strict && !s.atLimit) {
      throw new NotAModelException(
          path, s.error.place(), "not a pickle stream (" + s.error.problem() + ")");
    }
    throw s.error;
  }

  /** A tar file: its tar reading, and its hazards as a pickle stream when that names any. */
  private static ModelProfile tarOrStream(Path path, ReadLimits limits) throws IOException {
    ModelProfile tar = null;
    ModelFormatException tarError = null;
    try {
      tar = LegacyTarReader.read(path, limits);
    } catch (ModelFormatException e) {
      tarError = e;
    }
    Stream s = stream(path, limits);
    if (s.hazards.isEmpty() || s.error != null && !s.runsCode()) {
      if (tarError != null) {
        throw tarError;
      }
      return tar;
    }
    String fallBack =
        "torch.load unpickles this file from its first byte when its tar reading fails ("
            + (tarError == null
                ? "its tar reader may fail where neuronfit's read on"
                : tarError.problem())
            + "): that pickle names hazardous globals";
    if (tar == null) {
      ModelProfile p = s.profile(path, limits);
      List<String> notes = new ArrayList<>(p.notes());
      notes.add(0, fallBack);
      return withHazardsAndNotes(p, p.hazards(), notes);
    }
    List<Hazard> hazards = new ArrayList<>(s.hazards.hazards());
    hazards.addAll(tar.hazards());
    List<String> notes = new ArrayList<>(tar.notes());
    notes.add(fallBack);
    return withHazardsAndNotes(tar, hazards, notes);
  }

  private static ModelProfile withHazardsAndNotes(
      ModelProfile p, List<Hazard> hazards, List<String> notes) {
    return new ModelProfile(
        p.path(),
        p.format(),
        p.framework(),
        p.weights(),
        p.tensors(),
        p.hf(),
        p.graph(),
        hazards,
        notes);
  }

  /** What reading the file as a stream of pickles from its first byte found. */
  private static final class Stream {
    final PickleLimits pl;
    final PickleHazards hazards;
    final List<String> notes = new ArrayList<>();
    PickleValue object = PickleValue.Nil.NONE;
    ModelFormatException error;
    boolean atLimit;

    Stream(PickleLimits pl) {
      this.pl = pl;
      this.hazards = new PickleHazards(pl.maxHazards());
    }

    /** True when a global that runs code was found (before the error, if there was one). */
    boolean runsCode() {
      return hazards.hazards().stream().anyMatch(h -> h.kind().equals(PickleHazards.CODE_KIND));
    }

    ModelProfile profile(Path path, ReadLimits limits) throws ModelFormatException {
      if (error != null) {
        notes.add(
            0,
            "the pickle stream breaks off at "
                + error.place()
                + " ("
                + error.problem()
                + "): torch.load runs the calls before that point, then fails");
      }
      CheckpointLayout.Selection s =
          CheckpointLayout.select(object, path, "pickle stream", pl, limits.maxTensors());
      String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
      return CheckpointReader.profile(
          path, file, "legacy torch.save pickle " + file, s, hazards, notes, limits);
    }
  }

  /** Reads the pickles torch.load's legacy path unpickles, keeping what was found on an error. */
  private static Stream stream(Path path, ReadLimits limits) throws IOException {
    Stream out = new Stream(PickleLimits.from(limits));
    try (InputStream in = new BufferedInputStream(ModelFiles.stream(path, path, path))) {
      PickleSource src = new PickleSource(in, path, "pickle stream", out.pl.maxBytes());
      PickleMachine m = new PickleMachine(src, out.pl, out.hazards, false);
      try {
        PickleValue first = m.read();
        if (isMagic(first)) {
          PickleValue version = m.read();
          if (!(version instanceof Int v) || v.value() != PROTOCOL_VERSION) {
            out.notes.add("the stream's protocol version is not " + PROTOCOL_VERSION);
          }
          m.read(); // system information: byte order and type sizes
          out.object = m.read();
          m.read(); // storage keys, in the order their bytes follow
        } else {
          out.object = first;
          out.notes.add(
              "a plain pickle, not a torch.save stream (no magic number): torch.load unpickles it"
                  + " and then fails");
        }
      } catch (ModelFormatException e) {
        out.error = e;
        out.atLimit = m.stoppedAtALimit();
        out.object = PickleValue.Nil.NONE;
      }
    }
    return out;
  }

  private static boolean isMagic(PickleValue v) {
    return v instanceof BigInt b && b.value().equals(MAGIC)
        || v instanceof Int i && BigInteger.valueOf(i.value()).equals(MAGIC);
  }
}
