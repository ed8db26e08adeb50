package dev.neuronfit.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.Quantization;
import dev.neuronfit.model.QuantizedWeights;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads Hugging Face model folders: a transformers model ({@code config.json} with weights), a
 * diffusers pipeline ({@code model_index.json} with one folder per component), a single diffusers
 * component ({@code config.json} with {@code _class_name}), or a folder or file of safetensors
 * weights alone. The path may name the folder, its {@code config.json}/{@code model_index.json}, or
 * a {@code .safetensors} file.
 */
public final class HfReader implements ModelReader {
  static final String CONFIG = "config.json";
  static final String MODEL_INDEX = "model_index.json";

  /** Quantization configs kept beside config.json: AutoGPTQ's, then AutoAWQ's. */
  static final List<String> QUANTIZE_CONFIGS = List.of("quantize_config.json", "quant_config.json");

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    BoundedJson json = new BoundedJson(limits);
    // every file read below stays inside this folder (see ModelFiles)
    Path root = Files.isDirectory(path) ? path : parentOf(path);
    WeightFiles weights = new WeightFiles(limits, json, root);
    Notes notes = new Notes(limits);
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve(MODEL_INDEX))) {
        return readPipeline(
            path, path, path.resolve(MODEL_INDEX), root, json, weights, limits, notes);
      }
      Optional<HfConfig> cfg =
          config(path.resolve(CONFIG), root, path.resolve(CONFIG), CONFIG, json, weights);
      return readModel(path, path, cfg, json, weights, limits, notes);
    }
    if (!Files.isRegularFile(path)) {
      throw new ModelFormatException(path, "", "no such file or folder");
    }
    Path folder = parentOf(path);
    String name = path.getFileName().toString();
    if (ContentSniffer.sniff(path) == ContentSniffer.Kind.SAFETENSORS) {
      List<TensorInfo> tensors =
          SafetensorsHeader.read(path, path, path, name, "", limits, json, limits.maxTensors());
      return new ModelProfile(
          path.toString(),
          ModelFormat.HF,
          Framework.PYTORCH,
          WeightSummary.fromTensors(tensors, "safetensors header of " + name),
          tensors,
          Optional.of(new HfMetadata(Optional.empty(), Optional.empty(), List.of())),
          Optional.empty(),
          List.of(),
          notes.list());
    }
    HfConfig cfg = readConfig(path, path, path, name, json);
    if (name.equals(MODEL_INDEX) || cfg.string("_class_name").orElse("").endsWith("Pipeline")) {
      return readPipeline(folder, path, path, root, json, weights, limits, notes);
    }
    return readModel(folder, path, Optional.of(cfg), json, weights, limits, notes);
  }

  private ModelProfile readModel(
      Path folder,
      Path shown,
      Optional<HfConfig> config,
      BoundedJson json,
      WeightFiles weights,
      ReadLimits limits,
      Notes notes)
      throws IOException {
    Path shownFolder = Files.isDirectory(shown) ? shown : parentOf(shown);
    WeightFiles.Found found = weights.read(folder, shownFolder, "", limits.maxTensors());
    notes.addAll(found.notes());
    if (config.isEmpty() && found.isEmpty() && weights.pointers().isEmpty()) {
      throw new ModelFormatException(
          shown,
          "",
          "no config.json, model_index.json or weight files: not a Hugging Face model folder");
    }
    Framework framework = found.isEmpty() ? frameworkFromConfig(config) : found.framework();
    List<Hazard> hazards = checkpointHazards(folder, shownFolder, "", limits, notes);
    Optional<HfConfig> quantize = Optional.empty();
    for (String name : QUANTIZE_CONFIGS) {
      quantize =
          config(folder.resolve(name), folder, shownFolder.resolve(name), name, json, weights);
      if (quantize.isPresent()) {
        break;
      }
    }
    HfMetadata meta = new HfMetadata(config, Optional.empty(), List.of(), quantize);
    Optional<Quantization> quantization = meta.quantization();
    WeightSummary summary =
        quantization.isPresent() && !found.isEmpty() && found.fromHeaders()
            ? QuantizedWeights.summarize(found.tensors(), quantization.get(), found.basis())
            : summary(found);
    return new ModelProfile(
        shown.toString(),
        ModelFormat.HF,
        framework,
        summary,
        found.tensors(),
        Optional.of(meta),
        Optional.empty(),
        withPointers(hazards, weights),
        notes.list());
  }

  private ModelProfile readPipeline(
      Path folder,
      Path shown,
      Path modelIndex,
      Path root,
      BoundedJson json,
      WeightFiles weights,
      ReadLimits limits,
      Notes notes)
      throws IOException {
    Path shownFolder = Files.isDirectory(shown) ? shown : parentOf(shown);
    Path shownIndex = Files.isDirectory(shown) ? shown.resolve(MODEL_INDEX) : shown;
    JsonNode index = json.readObjectFile(modelIndex, root, shownIndex);
    JsonNode className = index.get("_class_name");
    if (className == null || !className.isTextual()) {
      throw new ModelFormatException(
          shownIndex, "key _class_name", "expected the pipeline class name");
    }
    List<HfComponent> components = new ArrayList<>();
    List<TensorInfo> tensors = new ArrayList<>();
    List<Hazard> hazards = new ArrayList<>();
    List<String> withWeights = new ArrayList<>();
    List<String> withoutWeights = new ArrayList<>();
    OptionalLong declaredOnly = OptionalLong.of(0);
    boolean allFromHeaders = true;
    Iterator<Map.Entry<String, JsonNode>> fields = index.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.startsWith("_")
          || !v.isArray()
          || v.size() != 2
          || !v.get(0).isTextual()
          || !v.get(1).isTextual()) {
        continue; // metadata keys and optional components set to [null, null]
      }
      if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
        throw new ModelFormatException(
            shownIndex, "key " + name, "component name is not a plain folder name");
      }
      Path dir = folder.resolve(name);
      Path configFile = dir.resolve(CONFIG);
      Optional<HfConfig> cfg =
          config(
              configFile,
              root,
              shownFolder.resolve(name).resolve(CONFIG),
              name + "/" + CONFIG,
              json,
              weights);
      if (Files.isDirectory(dir)) {
        hazards.addAll(
            checkpointHazards(dir, shownFolder.resolve(name), name + "/", limits, notes));
      }
      if (cfg.isEmpty() || !Files.isDirectory(dir)) {
        // schedulers, tokenizers and feature extractors carry no weights
        components.add(new HfComponent(name, v.get(0).asText(), v.get(1).asText(), cfg));
        continue;
      }
      WeightFiles.Found found =
          weights.read(
              dir, shownFolder.resolve(name), name + "/", limits.maxTensors() - tensors.size());
      notes.addAll(found.notes());
      components.add(
          new HfComponent(name, v.get(0).asText(), v.get(1).asText(), cfg, summary(found)));
      if (found.isEmpty()) {
        withoutWeights.add(name);
        continue;
      }
      withWeights.add(name);
      tensors.addAll(found.tensors());
      allFromHeaders &= found.fromHeaders();
      if (declaredOnly.isPresent() && found.declaredBytes().isPresent()) {
        declaredOnly =
            OptionalLong.of(
                Quantities.saturatedSum(
                    declaredOnly.getAsLong(), found.declaredBytes().getAsLong()));
      } else {
        declaredOnly = OptionalLong.empty();
      }
    }
    if (!withoutWeights.isEmpty() && !withWeights.isEmpty()) {
      notes.add(
          "no weight files for component(s) "
              + String.join(", ", withoutWeights)
              + "; weight files cover "
              + String.join(", ", withWeights));
    }
    if (declaredOnly.isPresent() && declaredOnly.getAsLong() == Long.MAX_VALUE) {
      notes.add("the components' declared sizes add up beyond 2^63-1 bytes; the total is capped");
    }
    WeightSummary summary;
    if (withWeights.isEmpty()) {
      summary = WeightSummary.unknown("no weight files");
    } else if (allFromHeaders) {
      summary =
          WeightSummary.fromTensors(
              tensors, "safetensors headers of components " + String.join(", ", withWeights));
    } else {
      summary =
          new WeightSummary(
              OptionalLong.empty(),
              declaredOnly,
              Map.of(),
              true,
              "declared sizes of components " + String.join(", ", withWeights));
    }
    HfMetadata meta = new HfMetadata(Optional.empty(), Optional.of(className.asText()), components);
    return new ModelProfile(
        shown.toString(),
        ModelFormat.HF,
        Framework.PYTORCH, // diffusers pipelines are PyTorch code
        summary,
        tensors,
        Optional.of(meta),
        Optional.empty(),
        withPointers(hazards, weights),
        notes.list());
  }

  /** The hazards found in a folder's files, then the Git LFS pointers met in place of files. */
  private static List<Hazard> withPointers(List<Hazard> hazards, WeightFiles weights) {
    List<Hazard> all = new ArrayList<>(hazards);
    all.addAll(weights.pointers());
    return all;
  }

  /**
   * The config in {@code file} when there is one; a Git LFS pointer in its place is recorded (the
   * report goes on with the weights) instead of failing as JSON.
   */
  private static Optional<HfConfig> config(
      Path file, Path root, Path shown, String relative, BoundedJson json, WeightFiles weights)
      throws IOException {
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    // a config linked out of the folder, or to a device or FIFO, is refused, not passed over
    ModelFiles.size(file, root, shown);
    if (weights.pointer(file, relative).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(readConfig(file, root, shown, relative, json));
  }

  /** The pickle hazards of every PyTorch checkpoint file in a folder (see CheckpointFiles). */
  private static List<Hazard> checkpointHazards(
      Path folder, Path shownFolder, String prefix, ReadLimits limits, Notes notes)
      throws IOException {
    CheckpointFiles.Found f =
        CheckpointFiles.hazards(
            folder, shownFolder, prefix, limits, PickleLimits.from(limits).maxHazards());
    if (f.dropped() > 0) {
      notes.add(f.dropped() + " more hazardous globals in " + prefix + "*.bin/.pt not listed");
    }
    return f.hazards();
  }

  private static HfConfig readConfig(
      Path file, Path root, Path shown, String relative, BoundedJson json) throws IOException {
    return new HfConfig(relative, json.readObjectFile(file, root, shown));
  }

  private static WeightSummary summary(WeightFiles.Found found) {
    if (found.isEmpty()) {
      return WeightSummary.unknown("no weight files");
    }
    if (found.fromHeaders()) {
      return WeightSummary.fromTensors(found.tensors(), found.basis());
    }
    return new WeightSummary(
        OptionalLong.empty(), found.declaredBytes(), Map.of(), true, found.basis());
  }

  /**
   * Without weight files, the config's class names tell the framework: transformers prefixes
   * TensorFlow classes with {@code TF} and JAX classes with {@code Flax}; other names are PyTorch.
   */
  private static Framework frameworkFromConfig(Optional<HfConfig> config) {
    if (config.isEmpty()) {
      return Framework.UNKNOWN;
    }
    List<String> archs = config.get().strings("architectures");
    if (!archs.isEmpty()) {
      String a = archs.get(0);
      if (a.startsWith("TF")) {
        return Framework.TENSORFLOW;
      }
      return a.startsWith("Flax") ? Framework.UNKNOWN : Framework.PYTORCH;
    }
    // diffusers components and pipelines are PyTorch classes
    return config.get().has("_class_name") ? Framework.PYTORCH : Framework.UNKNOWN;
  }

  /** The folder of a file as the user named it; the current folder for a bare file name. */
  private static Path parentOf(Path file) {
    Path given = file.getParent();
    return given != null ? given : Path.of("");
  }
}
