package dev.neuronfit.io;

import dev.neuronfit.io.gguf.GgufReader;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.mxnet.MxnetFiles;
import dev.neuronfit.io.mxnet.MxnetReader;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.tf.TfReader;
import dev.neuronfit.io.tflite.TfLiteFile;
import dev.neuronfit.io.torch.PickleCheckpointReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which paths are models and which reader reads them. A path that is itself a model gives
 * one model; a folder that is not a model is searched (hidden folders skipped, never descending into
 * a model folder, so a pipeline's components are not listed twice).
 *
 * <p>Files are recognised by content, not by extension: a JSON object is taken as a Hugging Face
 * config, and a file whose first eight bytes are a little-endian length followed by {@code {} as a
 * safetensors file.
 *
 * <p>Symbolic links out of the searched tree are followed, once per target; links within it are
 * not, since their targets are searched on their own paths (see {@link Links}). In a Hugging Face hub
 * cache only {@code snapshots/} of model repositories is searched (see {@link HfCacheLayout}), and
 * models found there are named {@code ORG/NAME}.
 *
 * <p>A locator {@linkplain #forScan made for a scan} also reports files whose name says they are a
 * model ({@code .onnx}, {@code .pt}, {@code .safetensors} ...) but whose content is not one it
 * reads: their reader fails with the reason, so a scan can list them as unreadable.
 */
public final class ModelLocator {
  private static final List<String> HF_MARKERS =
      List.of(
          "config.json",
          "model_index.json",
          "model.safetensors.index.json",
          "pytorch_model.bin.index.json");

  /**
   * Extensions that only model files have. {@code .bin}, {@code .pkl}, {@code .hdf5} and {@code
   * .zip} hold models as often as other data, and count only by content.
   */
  private static final Set<String> MODEL_EXTENSIONS =
      Set.of(
          "onnx",
          "pt",
          "pth",
          "ptl",
          "ckpt",
          "jit",
          "safetensors",
          "h5",
          "keras",
          "pb",
          "gguf",
          "params");

  private final ReadLimits limits;
  private final boolean namedLikeModels;

  public ModelLocator(ReadLimits limits) {
    this(limits, false);
  }

  private ModelLocator(ReadLimits limits, boolean namedLikeModels) {
    this.limits = limits;
    this.namedLikeModels = namedLikeModels;
  }

  /**
   * A locator for a scan: files named like models that cannot be read are reported too (with a
   * reader that fails), so that nothing that looks like a model is passed over in silence.
   */
  public static ModelLocator forScan(ReadLimits limits) {
    return new ModelLocator(limits, true);
  }

  /**
   * A model found under a path, with the reader for it.
   *
   * @param path the model's file or folder
   * @param reader the reader for it
   * @param name what to call it: the path, or {@code ORG/NAME} for a model in a Hugging Face cache
   */
  public record Located(Path path, ModelReader reader, String name) {
    public Located {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reader, "reader");
      Objects.requireNonNull(name, "name");
    }

    /** A model named by its path. */
    public Located(Path path, ModelReader reader) {
      this(path, reader, path.toString());
    }
  }

  /** What a search finds, in a stable (sorted, depth-first) order. */
  public interface Visitor {
    /** A model. May block, to hold the search back until earlier models are done. */
    void model(Located model) throws IOException, InterruptedException;

    /**
     * A folder that could not be listed, or a file that could not be opened; the search goes on.
     */
    void unreadable(Path path, IOException problem) throws IOException, InterruptedException;
  }

  /**
   * The models at or under {@code path}, in a stable (sorted) order.
   *
   * @throws ModelFormatException when the path does not exist, is a file of no known format, or is
   *     a folder with no model in it
   */
  public List<Located> locate(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new ModelFormatException(path, "", "no such file or folder");
    }
    if (Files.isRegularFile(path)) {
      return List.of(new Located(path, readerForFile(path), name(path)));
    }
    if (!Files.isDirectory(path)) {
      throw new ModelFormatException(path, "", "not a regular file or folder");
    }
    List<Located> found = new ArrayList<>();
    Visitor collect =
        new Visitor() {
          @Override
          public void model(Located model) throws ModelFormatException {
            if (found.size() >= limits.maxModelsFound()) {
              throw new ModelFormatException(
                  path,
                  "",
                  "more than " + limits.maxModelsFound() + " models found; name fewer folders");
            }
            found.add(model);
          }

          @Override
          public void unreadable(Path where, IOException problem) throws IOException {
            throw problem;
          }
        };
    try {
      search(path, 0, collect, new Links(path));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("search interrupted");
    }
    if (found.isEmpty()) {
      throw new ModelFormatException(
          path,
          "",
          "no model found (looked for config.json, model_index.json and *.safetensors up to "
              + limits.maxSearchDepth()
              + " folder levels down)");
    }
    return List.copyOf(found);
  }

  /**
   * Searches {@code path} and hands each model to the visitor as soon as it is found, keeping
   * nothing: a search of any size takes memory for the listings of the folders on the current path
   * and the targets of links out of the tree, not for the models or the files seen. A file named
   * directly is a model whatever it holds (its reader fails when it is not one).
   *
   * @throws ModelFormatException when the path does not exist or is neither a file nor a folder
   */
  public void walk(Path path, Visitor visitor) throws IOException, InterruptedException {
    if (!Files.exists(path)) {
      throw new ModelFormatException(path, "", "no such file or folder");
    }
    if (Files.isRegularFile(path)) {
      ModelReader reader;
      try {
        reader = readerForFile(path);
      } catch (ModelFormatException e) {
        reader = new Unreadable(e);
      }
      visitor.model(new Located(path, reader, name(path)));
      return;
    }
    if (!Files.isDirectory(path)) {
      throw new ModelFormatException(path, "", "not a regular file or folder");
    }
    search(path, 0, visitor, new Links(path));
  }

  /**
   * Which symbolic links a search follows. A link to a place inside the searched tree is not
   * followed: that place is searched on its own path, so links that loop back, or several paths to
   * one file, cost nothing. A link out of the tree is followed once per target (a target inside one
   * already followed counts as followed). Links into the {@code blobs/} of a Hugging Face cache are
   * followed, since blobs are never searched on their own. The search so keeps no set of what it
   * has visited, only the few link targets outside the tree.
   */
  private static final class Links {
    private final Path root;
    private final List<Path> followed = new ArrayList<>();

    Links(Path root) throws IOException {
      this.root = root.toRealPath();
    }

    /** True when the search should go through this link. */
    boolean follow(Path link) {
      Path target;
      try {
        target = link.toRealPath();
      } catch (IOException e) {
        return false; // dangling, or a loop the file system itself refuses
      }
      if (HfCacheLayout.isBlob(target)) {
        return true;
      }
      if (target.startsWith(root)) {
        return false;
      }
      for (Path f : followed) {
        if (target.startsWith(f)) {
          return false;
        }
      }
      followed.add(target);
      return true;
    }
  }

  private void search(Path dir, int depth, Visitor v, Links links)
      throws IOException, InterruptedException {
    boolean hf;
    try {
      hf = isHfFolder(dir);
    } catch (IOException e) {
      // a folder that cannot be listed (mode 000) is reported like any unreadable folder
      v.unreadable(dir, e);
      return;
    }
    if (hf) {
      v.model(new Located(dir, new HfReader(), name(dir)));
      return;
    }
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))
        || Files.isRegularFile(dir.resolve("saved_model.pbtxt"))) {
      v.model(new Located(dir, new TfReader(), name(dir)));
      return;
    }
    if (depth >= limits.maxSearchDepth()) {
      return;
    }
    if (HfCacheLayout.isRepoFolder(dir)) {
      // blobs/ holds the snapshots' files again under their hashes, refs/ only revision ids
      if (HfCacheLayout.isModelRepo(dir)) {
        search(HfCacheLayout.snapshots(dir), depth + 1, v, links);
      }
      return;
    }
    List<Path> entries = new ArrayList<>();
    try {
      for (Path p : ModelFiles.list(dir, "*")) {
        if (!p.getFileName().toString().startsWith(".")) {
          entries.add(p);
        }
      }
    } catch (IOException e) {
      v.unreadable(dir, e);
      return;
    }
    // sorted before links are judged, so which of several links to one place is followed does not
    // depend on the order the file system lists them in
    entries.sort(null);
    List<Path> children = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (Path p : entries) {
      if (Files.isSymbolicLink(p) && !links.follow(p)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        children.add(p);
      } else if (ModelFiles.isAllowedFile(p, p)) {
        files.add(p); // regular files only: no FIFOs, devices, or /proc and /sys entries
      }
    }
    for (Path file : files) {
      Optional<ModelReader> reader;
      try {
        reader = modelFile(file);
      } catch (IOException e) {
        if (namedLikeAModel(file)) {
          v.unreadable(file, e);
        } else if (!namedLikeModels) {
          throw e;
        }
        continue;
      }
      if (reader.isPresent()) {
        v.model(new Located(file, reader.get(), name(file)));
      }
    }
    for (Path child : children) {
      search(child, depth + 1, v, links);
    }
  }

  /**
   * A loose file in a searched folder that is a model by itself: a safetensors file, a binary model
   * format recognised by content, or an MXNet symbol (a JSON object whose first key is {@code
   * nodes}; its {@code .params} file is read with it, not found again). Other JSON files count only
   * as part of a model folder. For a scan, a file named like a model that holds something else is
   * reported with a reader that fails.
   */
  private Optional<ModelReader> modelFile(Path file) throws IOException {
    if (ModelFiles.size(file, file, file) == 0) {
      return namedLikeAModel(file)
          ? Optional.of(new Unreadable(new ModelFormatException(file, "", "empty file")))
          : Optional.empty();
    }
    ContentSniffer.Kind kind = ContentSniffer.sniff(file);
    if (kind == ContentSniffer.Kind.MXNET_PARAMS) {
      Optional<Path> symbol = MxnetFiles.symbolFor(file);
      if (symbol.isPresent()
          && ModelFiles.isAllowedFile(symbol.get(), symbol.get())
          && ContentSniffer.sniff(symbol.get()) == ContentSniffer.Kind.MXNET_SYMBOL) {
        return Optional.empty(); // read with its symbol, which the search finds beside it
      }
    }
    if (runsAsPickle(file, kind)) {
      return Optional.of(new PickleCheckpointReader());
    }
    Optional<ModelReader> reader = readerOf(kind);
    // TensorFlow Lite is recognised and deliberately not read: not an error in a search
    if (reader.isPresent() || kind == ContentSniffer.Kind.TFLITE || !namedLikeAModel(file)) {
      return reader;
    }
    return Optional.of(new Unreadable(unknownContent(file)));
  }

  /**
   * The one table of readers: the reader of each kind of file that is a model by itself. A JSON
   * object is a model only with its folder or when named directly, and TensorFlow Lite is
   * recognised but not read, so neither has a reader here.
   */
  private static Optional<ModelReader> readerOf(ContentSniffer.Kind kind) {
    return switch (kind) {
      case SAFETENSORS -> Optional.of(new HfReader());
      case ONNX -> Optional.of(new OnnxReader());
      case ZIP -> Optional.of(new ZipModelReader());
      case PICKLE -> Optional.of(new PickleCheckpointReader());
      case HDF5 -> Optional.of(new KerasReader());
      case TF_SAVEDMODEL, TF_GRAPHDEF -> Optional.of(new TfReader());
      case GGUF -> Optional.of(new GgufReader());
      case MXNET_SYMBOL, MXNET_PARAMS -> Optional.of(new MxnetReader());
      case JSON_OBJECT, TFLITE, LFS_POINTER, UNKNOWN -> Optional.empty();
    };
  }

  /**
   * Why a file named like a model is not one: most often a Git LFS pointer left by a clone without
   * LFS, else content of no format neuronfit reads.
   */
  private static ModelFormatException unknownContent(Path file) throws IOException {
    Optional<GitLfsPointer> pointer = GitLfsPointer.read(file, file);
    if (pointer.isPresent()) {
      return pointer.get().error(file);
    }
    return new ModelFormatException(
        file,
        "",
        "named like a model, but its first bytes are of no format neuronfit reads (truncated,"
            + " or another kind of file)");
  }

  /** In a scan, a file whose extension only models have. */
  private boolean namedLikeAModel(Path file) {
    if (!namedLikeModels || file.getFileName() == null) {
      return false;
    }
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0
        && MODEL_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
  }

  /** The model's name: {@code ORG/NAME} in a Hugging Face cache, its path elsewhere. */
  private static String name(Path found) throws IOException {
    return HfCacheLayout.modelName(found).orElse(found.toString());
  }

  /** The reader of a file that cannot be read: it fails with the reason found while locating. */
  private record Unreadable(ModelFormatException reason) implements ModelReader {
    @Override
    public dev.neuronfit.model.ModelProfile read(Path path, ReadLimits limits)
        throws ModelFormatException {
      throw new ModelFormatException(reason.file(), reason.place(), reason.problem(), reason);
    }
  }

  /** True when the folder holds a Hugging Face model (config, pipeline index or safetensors). */
  static boolean isHfFolder(Path dir) throws IOException {
    for (String marker : HF_MARKERS) {
      if (Files.isRegularFile(dir.resolve(marker))) {
        return true;
      }
    }
    // weights named as transformers and diffusers save them; other loose .safetensors files are
    // models of their own
    for (Path p : ModelFiles.list(dir, "{model,diffusion_pytorch_model}*.safetensors")) {
      if (Files.isRegularFile(p)) {
        return true;
      }
    }
    return false;
  }

  private static ModelReader readerForFile(Path file) throws IOException {
    // a SavedModel's graph is read with its folder, whatever its first bytes are
    if (file.getFileName() != null && file.getFileName().toString().equals("saved_model.pb")) {
      return new TfReader();
    }
    ContentSniffer.Kind kind = ContentSniffer.sniff(file);
    if (kind == ContentSniffer.Kind.JSON_OBJECT) {
      return new HfReader(); // a config.json or model_index.json named directly
    }
    if (runsAsPickle(file, kind)) {
      return new PickleCheckpointReader();
    }
    if (kind == ContentSniffer.Kind.LFS_POINTER) {
      throw unknownContent(file);
    }
    if (kind == ContentSniffer.Kind.TFLITE) {
      throw TfLiteFile.refusal(file);
    }
    return readerOf(kind)
        .orElseThrow(
            () ->
                new ModelFormatException(
                    file,
                    "",
                    "not a format neuronfit reads yet (it reads ONNX, TorchScript, PyTorch"
                        + " checkpoints, TensorFlow SavedModels and GraphDefs, GGUF, MXNet"
                        + " -symbol.json and .params, Keras .keras and .h5, Hugging Face"
                        + " config.json, model_index.json and .safetensors files, and folders"
                        + " holding them)"));
  }

  /**
   * True when a file whose first bytes look like another format, or like none, is a pickle that
   * runs code under {@code torch.load}, which reads any file that does not start with a zip local
   * header as a tar archive or a pickle stream, whatever its head looks like to neuronfit (a
   * protocol 0 pickle can start like a safetensors length, {@code B} for BINBYTES reads as an ONNX
   * field, {@code G} for BINFLOAT swallows a GGUF magic). Such a file is read as the pickle it is.
   */
  private static boolean runsAsPickle(Path file, ContentSniffer.Kind kind) throws IOException {
    switch (kind) {
      case ZIP, PICKLE, HDF5, JSON_OBJECT, LFS_POINTER, MXNET_SYMBOL -> {
        return false; // read as torch.load reads them, or not pickles to Python at all
      }
      default -> {
        if (ContentSniffer.startsWithZipLocalHeader(file)) {
          return false;
        }
        try {
          return PickleCheckpointReader.read(file, ReadLimits.DEFAULT, false).hazards().stream()
              .anyMatch(h -> h.kind().equals(PickleHazards.CODE_KIND));
        } catch (ModelFormatException e) {
          return false; // not a pickle torch.load runs: the file is what its head says
        }
      }
    }
  }
}
