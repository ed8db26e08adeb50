package dev.neuronfit.io.hub;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a model from the sparse copy of a Hub revision with the reader that reads it on disk, then
 * names it by its id (not the cache folder) in the profile and in errors, and adds where its bytes
 * came from as a note.
 *
 * <p>{@code neuronfit serve} names uploaded models and models under its {@code --models} folder
 * with it too, so no server-side folder shows in a report or an error.
 */
public final class HubReader implements ModelReader {
  private final ModelReader inner;
  private final Path folder;
  private final boolean sparse;
  private final String shown;
  private final List<String> notes;

  /**
   * @param inner the reader for the model's format
   * @param folder the sparse copy's root folder
   * @param sparse whether the folder is a sparse copy in neuronfit's cache, whose stubs stand for
   *     the Hub's files (see {@link ModelFiles#readingSparseCopy})
   * @param shown what to call that root ({@code ORG/NAME@COMMIT})
   * @param notes notes to add to the profile
   */
  public HubReader(
      ModelReader inner, Path folder, boolean sparse, String shown, List<String> notes) {
    this.inner = inner;
    this.folder = folder;
    this.sparse = sparse;
    this.shown = shown;
    this.notes = List.copyOf(notes);
  }

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    ModelProfile p;
    try {
      p =
          sparse
              ? ModelFiles.readingSparseCopy(folder, () -> inner.read(path, limits))
              : inner.read(path, limits);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(rename(e.file()), e.place(), e.problem(), e);
    }
    List<String> all = new ArrayList<>(p.notes());
    all.addAll(notes);
    return new ModelProfile(
        rename(path).toString(),
        p.format(),
        p.framework(),
        p.weights(),
        p.tensors(),
        p.hf(),
        p.graph(),
        p.hazards(),
        all);
  }

  /** A path in the cache folder as {@code ORG/NAME@COMMIT/...}. */
  private Path rename(Path p) {
    Path base = Path.of(shown);
    if (p.startsWith(folder)) {
      Path rel = folder.relativize(p);
      return rel.toString().isEmpty() ? base : base.resolve(rel);
    }
    return p;
  }
}
