package dev.neuronfit.io;

import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.io.tf.TfReader;
import dev.neuronfit.io.torch.PickleCheckpointReader;
import dev.neuronfit.io.zip.ZipModelReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 */
public final class ModelLocator {
  private static final List<String> HF_MARKERS =
      List.of(
          "config.json",
          "model_index.json",
          "model.safetensors.index.json",
          "pytorch_model.bin.index.json");

  private final ReadLimits limits;

  public ModelLocator(ReadLimits limits) {
    this.limits = limits;
  }

  /** A model found under a path, with the reader for it. */
  public record Located(Path path, ModelReader reader) {}

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
      return List.of(new Located(path, readerForFile(path)));
    }
    if (!Files.isDirectory(path)) {
      throw new ModelFormatException(path, "", "not a regular file or folder");
    }
    List<Located> found = new ArrayList<>();
    search(path, 0, found, new HashSet<>());
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
   * @param visited real paths of the folders searched so far: a folder reached again through a
   *     symbolic link is skipped, so links that loop back cost one visit, not one per path
   */
  private void search(Path dir, int depth, List<Located> found, Set<Path> visited)
      throws IOException {
    if (!visited.add(dir.toRealPath())) {
      return;
    }
    if (isHfFolder(dir)) {
      add(found, new Located(dir, new HfReader()), dir);
      return;
    }
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))
        || Files.isRegularFile(dir.resolve("saved_model.pbtxt"))) {
      add(found, new Located(dir, new TfReader()), dir);
      return;
    }
    if (depth >= limits.maxSearchDepth()) {
      return;
    }
    List<Path> children = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          children.add(p);
        } else if (Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    }
    files.sort(null);
    for (Path file : files) {
      modelFile(file).ifPresent(reader -> found.add(new Located(file, reader)));
      if (found.size() > limits.maxModelsFound()) {
        throw new ModelFormatException(
            dir, "", "more than " + limits.maxModelsFound() + " models found; name fewer folders");
      }
    }
    children.sort(null);
    for (Path child : children) {
      search(child, depth + 1, found, visited);
    }
  }

  /**
   * A loose file in a searched folder that is a model by itself: a safetensors file, or a binary
   * model format recognised by content. JSON files count only as part of a model folder.
   */
  private static Optional<ModelReader> modelFile(Path file) throws IOException {
    if (Files.size(file) == 0) {
      return Optional.empty();
    }
    return switch (ContentSniffer.sniff(file)) {
      case SAFETENSORS -> Optional.of(new HfReader());
      case ONNX -> Optional.of(new OnnxReader());
      case ZIP -> Optional.of(new ZipModelReader());
      case PICKLE -> Optional.of(new PickleCheckpointReader());
      case HDF5 -> Optional.of(new KerasReader());
      case TF_SAVEDMODEL, TF_GRAPHDEF -> Optional.of(new TfReader());
      case JSON_OBJECT, TFLITE, UNKNOWN -> Optional.empty();
    };
  }

  private void add(List<Located> found, Located located, Path where) throws ModelFormatException {
    if (found.size() >= limits.maxModelsFound()) {
      throw new ModelFormatException(
          where, "", "more than " + limits.maxModelsFound() + " models found; name fewer folders");
    }
    found.add(located);
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
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(dir, "{model,diffusion_pytorch_model}*.safetensors")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          return true;
        }
      }
    }
    return false;
  }

  private static ModelReader readerForFile(Path file) throws IOException {
    // a SavedModel's graph is read with its folder, whatever its first bytes are
    if (file.getFileName() != null && file.getFileName().toString().equals("saved_model.pb")) {
      return new TfReader();
    }
    return switch (ContentSniffer.sniff(file)) {
      case JSON_OBJECT, SAFETENSORS -> new HfReader();
      case ONNX -> new OnnxReader();
      case ZIP -> new ZipModelReader();
      case PICKLE -> new PickleCheckpointReader();
      case HDF5 -> new KerasReader();
      case TF_SAVEDMODEL, TF_GRAPHDEF -> new TfReader();
      case TFLITE ->
          throw new ModelFormatException(
              file,
              "",
              "a TensorFlow Lite model; the Neuron SDK does not compile TFLite, so neuronfit does"
                  + " not read it (check the TensorFlow or ONNX model it was converted from)");
      case UNKNOWN ->
          throw new ModelFormatException(
              file,
              "",
              "not a format neuronfit reads yet (it reads ONNX, TorchScript, PyTorch checkpoints,"
                  + " TensorFlow SavedModels and GraphDefs, Keras .keras and .h5, Hugging Face"
                  + " config.json, model_index.json and .safetensors files, and folders holding"
                  + " them)");
    };
  }
}
