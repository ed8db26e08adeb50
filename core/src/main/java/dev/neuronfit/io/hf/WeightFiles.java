package dev.neuronfit.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.GitLfsPointer;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds and reads the weight files of one Hugging Face model folder (a transformers model or one
 * diffusers component), in this order of preference: a safetensors shard index, single safetensors
 * files, a PyTorch {@code .bin} shard index, a single PyTorch {@code .bin}, a TensorFlow {@code
 * tf_model.h5}. Safetensors are read by header; {@code .bin} and {@code .h5} files are never
 * opened, only their sizes or their index's declared total are used.
 */
final class WeightFiles {
  /**
   * File stems used by transformers ({@code model}) and diffusers ({@code
   * diffusion_pytorch_model}).
   */
  private static final List<String> SAFETENSORS_STEMS = List.of("model", "diffusion_pytorch_model");

  private static final List<String> PYTORCH_STEMS =
      List.of("pytorch_model", "diffusion_pytorch_model");

  /** A shard or single-file name: no folder parts, nothing hidden, a plain file name. */
  private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[^/\\\\:]+");

  /** Names like {@code model.fp16.safetensors}: a precision variant of the plain file. */
  private static final Pattern VARIANT = Pattern.compile("(.+)\\.([A-Za-z0-9_-]+)\\.safetensors");

  private final ReadLimits limits;
  private final BoundedJson json;
  private final List<Hazard> pointers = new ArrayList<>();
  private final Path root;

  /**
   * @param root the model's root folder; no weight file outside it is read (see {@link ModelFiles})
   */
  WeightFiles(ReadLimits limits, BoundedJson json, Path root) {
    this.limits = limits;
    this.json = json;
    this.root = root;
  }

  /** The Git LFS pointers found in place of weight files and index files, in the order met. */
  List<Hazard> pointers() {
    return List.copyOf(pointers);
  }

  /** The pointer {@code file} is, recorded under {@code name}; empty when it is a real file. */
  Optional<GitLfsPointer> pointer(Path file, String name) {
    Optional<GitLfsPointer> p = GitLfsPointer.read(file, root);
    p.ifPresent(found -> pointers.add(found.hazard(name)));
    return p;
  }

  /** The size of the file a weight file stands for: a pointer's declared size, else its own. */
  private long size(Path file, Path shown, String name) throws IOException {
    Optional<GitLfsPointer> p = pointer(file, name);
    return p.isPresent() && p.get().hasSize() ? p.get().size() : ModelFiles.size(file, root, shown);
  }

  /** What was found in one folder. */
  record Found(
      List<TensorInfo> tensors,
      OptionalLong declaredBytes,
      boolean fromHeaders,
      Framework framework,
      String basis,
      List<String> files,
      List<String> notes) {
    static Found none() {
      return new Found(
          List.of(),
          OptionalLong.empty(),
          false,
          Framework.UNKNOWN,
          "no weight files",
          List.of(),
          List.of());
    }

    boolean isEmpty() {
      return files.isEmpty();
    }
  }

  /**
   * Reads the weights of the model in {@code folder}.
   *
   * @param shownFolder how to name the folder in messages
   * @param prefix prepended to tensor names and file names (a pipeline component, e.g. {@code
   *     unet/}), empty for a single model
   * @param budget how many more tensors the model may declare
   */
  Found read(Path folder, Path shownFolder, String prefix, int budget) throws IOException {
    for (String stem : SAFETENSORS_STEMS) {
      Path index = folder.resolve(stem + ".safetensors.index.json");
      if (Files.isRegularFile(index) && pointer(index, prefix + index.getFileName()).isEmpty()) {
        return readSafetensorsIndex(folder, shownFolder, prefix, index, budget);
      }
    }
    List<String> singles = safetensorsFiles(folder);
    if (!singles.isEmpty()) {
      return readSafetensorsFiles(folder, shownFolder, prefix, singles, budget, List.of());
    }
    for (String stem : PYTORCH_STEMS) {
      Path index = folder.resolve(stem + ".bin.index.json");
      if (Files.isRegularFile(index) && pointer(index, prefix + index.getFileName()).isEmpty()) {
        return readBinIndex(shownFolder, prefix, index);
      }
    }
    for (String stem : PYTORCH_STEMS) {
      Path bin = folder.resolve(stem + ".bin");
      if (Files.isRegularFile(bin)) {
        return new Found(
            List.of(),
            OptionalLong.of(
                size(bin, shownFolder.resolve(bin.getFileName()), prefix + bin.getFileName())),
            false,
            Framework.PYTORCH,
            "size of " + prefix + bin.getFileName() + " (a pickle, not opened)",
            List.of(prefix + bin.getFileName()),
            List.of());
      }
    }
    Path h5 = folder.resolve("tf_model.h5");
    if (Files.isRegularFile(h5)) {
      return new Found(
          List.of(),
          OptionalLong.of(size(h5, shownFolder.resolve("tf_model.h5"), prefix + "tf_model.h5")),
          false,
          Framework.TENSORFLOW,
          "size of " + prefix + "tf_model.h5 (not opened)",
          List.of(prefix + "tf_model.h5"),
          List.of());
    }
    return Found.none();
  }

  private Found readSafetensorsIndex(
      Path folder, Path shownFolder, String prefix, Path index, int budget) throws IOException {
    Path shownIndex = shownFolder.resolve(index.getFileName());
    JsonNode tree = json.readObjectFile(index, root, shownIndex);
    Set<String> shardNames = shardNames(tree, shownIndex);
    OptionalLong totalSize = totalSize(tree, shownIndex);
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String shard : shardNames) {
      (Files.isRegularFile(folder.resolve(shard)) ? present : missing).add(shard);
    }
    if (missing.isEmpty()) {
      List<String> notes = new ArrayList<>();
      Found found = readSafetensorsFiles(folder, shownFolder, prefix, present, budget, notes);
      if (!found.fromHeaders()) {
        return new Found(
            found.tensors(),
            found.declaredBytes(),
            false,
            found.framework(),
            found.basis(),
            withIndex(prefix + index.getFileName(), found.files()),
            notes);
      }
      int declared = tree.get("weight_map").size();
      if (found.tensors().size() != declared) {
        notes.add(
            index.getFileName()
                + " maps "
                + declared
                + " tensors but the shard headers declare "
                + found.tensors().size());
      }
      return new Found(
          found.tensors(),
          found.declaredBytes(),
          true,
          Framework.PYTORCH,
          "safetensors headers of "
              + present.size()
              + " shard"
              + (present.size() == 1 ? "" : "s")
              + " listed in "
              + prefix
              + index.getFileName(),
          withIndex(prefix + index.getFileName(), found.files()),
          notes);
    }
    String missingNote =
        missing.size()
            + " of "
            + shardNames.size()
            + " shards listed in "
            + prefix
            + index.getFileName()
            + " are not in the folder (first: "
            + missing.get(0)
            + ")";
    return new Found(
        List.of(),
        totalSize,
        false,
        Framework.PYTORCH,
        totalSize.isPresent()
            ? "metadata.total_size of " + prefix + index.getFileName() + " (shards not present)"
            : "no weight figures: shards not present and the index declares no total_size",
        List.of(prefix + index.getFileName()),
        List.of(missingNote));
  }

  private Found readSafetensorsFiles(
      Path folder,
      Path shownFolder,
      String prefix,
      List<String> names,
      int budget,
      List<String> notes)
      throws IOException {
    Found pointed = pointedFiles(folder, prefix, names, notes);
    if (pointed != null) {
      return pointed;
    }
    List<TensorInfo> tensors = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (String name : names) {
      List<TensorInfo> fromFile =
          SafetensorsHeader.read(
              folder.resolve(name),
              root,
              shownFolder.resolve(name),
              prefix + name,
              prefix,
              limits,
              json,
              budget - tensors.size());
      tensors.addAll(fromFile);
      files.add(prefix + name);
    }
    long bytes = tensors.stream().mapToLong(TensorInfo::bytes).reduce(0, Quantities::saturatedSum);
    return new Found(
        tensors,
        OptionalLong.of(bytes),
        true,
        Framework.PYTORCH,
        "safetensors header"
            + (names.size() == 1
                ? " of " + prefix + names.get(0)
                : "s of " + names.size() + " files"),
        files,
        notes);
  }

  /**
   * When some of the files are Git LFS pointers, their headers are not there to read: the weights
   * are then known only by the files' sizes (a pointer's declared size, a real file's own), and no
   * tensor is listed. Null when no file is a pointer.
   */
  private Found pointedFiles(Path folder, String prefix, List<String> names, List<String> notes)
      throws IOException {
    int before = pointers.size();
    long bytes = 0;
    boolean sized = true;
    List<String> files = new ArrayList<>();
    for (String name : names) {
      Path file = folder.resolve(name);
      Optional<GitLfsPointer> p = pointer(file, prefix + name);
      if (p.isPresent() && !p.get().hasSize()) {
        sized = false;
      } else {
        bytes += p.isPresent() ? p.get().size() : ModelFiles.size(file, root, file);
      }
      files.add(prefix + name);
    }
    int found = pointers.size() - before;
    if (found == 0) {
      return null;
    }
    return new Found(
        List.of(),
        sized ? OptionalLong.of(bytes) : OptionalLong.empty(),
        false,
        Framework.PYTORCH,
        (sized ? "file sizes" : "no weight figures")
            + " ("
            + (names.size() == 1
                ? prefix + names.get(0) + " is a Git LFS pointer"
                : found + " of " + names.size() + " safetensors files are Git LFS pointers")
            + "; no header read)",
        files,
        notes);
  }

  private Found readBinIndex(Path shownFolder, String prefix, Path index) throws IOException {
    Path shownIndex = shownFolder.resolve(index.getFileName());
    JsonNode tree = json.readObjectFile(index, root, shownIndex);
    OptionalLong totalSize = totalSize(tree, shownIndex);
    if (tree.has("weight_map")) {
      shardNames(tree, shownIndex);
    }
    return new Found(
        List.of(),
        totalSize,
        false,
        Framework.PYTORCH,
        totalSize.isPresent()
            ? "metadata.total_size of "
                + prefix
                + index.getFileName()
                + " (PyTorch pickles are not opened)"
            : prefix + index.getFileName() + " declares no total_size",
        List.of(prefix + index.getFileName()),
        List.of());
  }

  /**
   * The shard file names an index's {@code weight_map} lists, each a plain file name in the model
   * folder: a loader would open whatever it names, so a name that climbs out is refused even where
   * neuronfit itself opens no shard.
   */
  private Set<String> shardNames(JsonNode tree, Path shownIndex) throws ModelFormatException {
    JsonNode map = tree.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new ModelFormatException(
          shownIndex, "key weight_map", "expected an object of tensor name to file");
    }
    Set<String> shardNames = new LinkedHashSet<>();
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isTextual()) {
        throw new ModelFormatException(
            shownIndex,
            "weight_map \"" + e.getKey() + "\"",
            "expected a file name, found " + BoundedJson.kind(v));
      }
      String shard = v.asText();
      checkPlainName(shard, shownIndex, "weight_map \"" + e.getKey() + "\"");
      shardNames.add(shard);
      if (shardNames.size() > limits.maxWeightFiles()) {
        throw new ModelFormatException(
            shownIndex, "key weight_map", "lists more than " + limits.maxWeightFiles() + " files");
      }
    }
    return shardNames;
  }

  private static OptionalLong totalSize(JsonNode root, Path shownIndex)
      throws ModelFormatException {
    JsonNode meta = root.get("metadata");
    if (meta == null || meta.isNull()) {
      return OptionalLong.empty();
    }
    if (!meta.isObject()) {
      throw new ModelFormatException(
          shownIndex, "key metadata", "expected an object, found " + BoundedJson.kind(meta));
    }
    JsonNode total = meta.get("total_size");
    if (total == null || total.isNull()) {
      return OptionalLong.empty();
    }
    if (!total.isNumber()
        || !total.canConvertToExactIntegral()
        || !total.canConvertToLong()
        || total.asLong() < 0) {
      throw new ModelFormatException(
          shownIndex, "key metadata.total_size", "expected a non-negative integer, found " + total);
    }
    return OptionalLong.of(total.asLong());
  }

  /**
   * The safetensors files of a folder without an index: the plain {@code model.safetensors} (or
   * diffusers' name) when present, else every non-variant file, else the files of one variant.
   */
  private List<String> safetensorsFiles(Path folder) throws IOException {
    Set<String> all = new TreeSet<>();
    for (Path p : ModelFiles.list(folder, "*.safetensors")) {
      if (Files.isRegularFile(p)) {
        all.add(p.getFileName().toString());
        if (all.size() > limits.maxWeightFiles()) {
          throw new ModelFormatException(
              folder, "", "holds more than " + limits.maxWeightFiles() + " safetensors files");
        }
      }
    }
    for (String stem : SAFETENSORS_STEMS) {
      if (all.contains(stem + ".safetensors")) {
        return List.of(stem + ".safetensors");
      }
    }
    List<String> plain = all.stream().filter(n -> !isVariant(n, all)).toList();
    if (!plain.isEmpty()) {
      return plain;
    }
    return all.isEmpty() ? List.of() : List.of(all.iterator().next());
  }

  /** True for {@code x.fp16.safetensors} when the folder also has other files to prefer. */
  private static boolean isVariant(String name, Set<String> all) {
    var m = VARIANT.matcher(name);
    return m.matches() && all.size() > 1;
  }

  private static void checkPlainName(String name, Path shown, String place)
      throws ModelFormatException {
    if (!PLAIN_FILE_NAME.matcher(name).matches()
        || name.equals(".")
        || name.equals("..")
        || name.startsWith(".")
        || !isValidPath(name)) {
      throw new ModelFormatException(
          shown, place, "file name \"" + name + "\" is not a plain file name in the model folder");
    }
  }

  /** False for names the file system refuses, e.g. with a NUL character. */
  private static boolean isValidPath(String name) {
    try {
      return Path.of(name).getNameCount() == 1;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static List<String> withIndex(String index, List<String> files) {
    List<String> out = new ArrayList<>();
    out.add(index);
    out.addAll(files);
    return List.copyOf(out);
  }
}
