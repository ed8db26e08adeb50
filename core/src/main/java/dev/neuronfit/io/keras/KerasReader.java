package dev.neuronfit.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.NotAModelException;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Keras models: legacy HDF5 (.h5) files written by Keras 1 and 2, tf.keras and Keras 3's {@code
 * save("x.h5")}, and .keras archives (Keras 3) handed over by the zip reader.
 *
 * <p>An .h5 file holds the architecture as JSON in the root attribute {@code model_config}, with
 * {@code keras_version}, {@code backend} and {@code training_config} beside it, and the weights as
 * datasets under the group {@code model_weights} (optimizer state sits apart, under {@code
 * optimizer_weights}). A .keras archive holds {@code config.json}, {@code metadata.json} and {@code
 * model.weights.h5}, whose layer weights sit under {@code layers/} and whose optimizer state under
 * {@code optimizer/}. Parameters are counted from the weight datasets' shapes; their data is never
 * read. Without weights they are estimated from the layer configs and marked so.
 */
public final class KerasReader implements ModelReader {
  /** The weights entry of a .keras archive as Keras 3 names it. */
  static final String WEIGHTS_ENTRY = "model.weights.h5";

  /**
   * Largest weights entry of an archive read into memory to count its parameters: HDF5 metadata can
   * sit anywhere in the file, so the entry is read whole (never inflated to disk). A larger one is
   * left unread and the parameters are estimated from the config.
   */
  static final long MAX_WEIGHTS_ENTRY_BYTES = 64L << 20;

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    try (KerasHdf5 h5 = KerasHdf5.open(path)) {
      long max = limits.maxJsonFileBytes();
      Optional<String> config = h5.rootString("model_config", max);
      if (config.isEmpty()) {
        throw new NotAModelException(
            path,
            "attribute model_config",
            "missing: an HDF5 file without a Keras model config (weights saved alone with"
                + " save_weights, or not a Keras model); neuronfit needs the architecture");
      }
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("keras_format", "h5");
      h5.rootString("keras_version", ReadLimits.MAX_METADATA_TEXT)
          .ifPresent(v -> meta.put("keras_version", v));
      h5.rootString("backend", ReadLimits.MAX_METADATA_TEXT).ifPresent(v -> meta.put("backend", v));
      Optional<String> training = h5.rootString("training_config", max);
      BoundedJson json = new BoundedJson(limits);
      JsonNode root =
          json.parseObject(
              config.get().getBytes(StandardCharsets.UTF_8), path, "attribute model_config");
      Notes notes = new Notes(limits);
      if (training.isPresent()) {
        // the optimizer and loss are extras: a broken training config does not stop the read
        try {
          training(
              json.parseObject(
                  training.get().getBytes(StandardCharsets.UTF_8),
                  path,
                  "attribute training_config"),
              meta);
        } catch (ModelFormatException e) {
          notes.add("training_config ignored: " + e.getMessage());
        }
      }
      KerasLayers.Result layers =
          KerasLayers.read(root, path, "attribute model_config", limits, notes);
      String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
      List<TensorInfo> tensors = List.of();
      WeightSummary weights;
      if (h5.hasRootGroup("model_weights")) {
        KerasHdf5.Weights w = h5.weights(g -> g.equals("model_weights"), file, limits);
        tensors = w.tensors();
        weights = measured(w, "HDF5 dataset headers under model_weights", notes);
      } else {
        weights = estimated(layers, "the file holds no model_weights group", notes);
      }
      return profile(path, layers, weights, tensors, meta, notes);
    }
  }

  /**
   * Reads a .keras archive (config.json, metadata.json and model.weights.h5 inside a zip) that
   * {@link dev.neuronfit.io.ZipModelReader} recognised.
   *
   * @throws ModelFormatException when config.json is missing, malformed or not a Keras model
   *     config, or the weights entry is corrupt
   */
  public static ModelProfile readArchive(SafeZip zip, Path path, ReadLimits limits)
      throws IOException {
    if (!zip.has("config.json")) {
      throw new ModelFormatException(
          path,
          "zip entry config.json",
          "missing: a .keras archive keeps its model in config.json");
    }
    BoundedJson json = new BoundedJson(limits);
    byte[] configBytes = zip.read("config.json", limits.maxJsonFileBytes());
    JsonNode root = json.parseObject(configBytes, path, "zip entry config.json");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("keras_format", "keras");
    Notes notes = new Notes(limits);
    if (zip.has("metadata.json")) {
      // only the Keras version is taken from it: a broken one does not stop the read
      try {
        JsonNode m =
            json.parseObject(
                zip.read("metadata.json", limits.maxJsonFileBytes()),
                path,
                "zip entry metadata.json");
        text(m, "keras_version").ifPresent(v -> meta.put("keras_version", v));
      } catch (ModelFormatException e) {
        notes.add("metadata.json ignored: " + e.getMessage());
      }
    }
    JsonNode compile = root.get("compile_config");
    if (compile != null && compile.isObject()) {
      training(compile, meta);
    }
    KerasLayers.Result layers =
        KerasLayers.read(root, path, "zip entry config.json", limits, notes);
    List<TensorInfo> tensors = List.of();
    WeightSummary weights;
    Optional<String> entry = weightsEntry(zip);
    Optional<Long> size = entry.flatMap(zip::declaredSize);
    long cap = Math.min(MAX_WEIGHTS_ENTRY_BYTES, limits.maxZipEntryBytes());
    if (entry.isEmpty()) {
      weights = estimated(layers, "the archive holds no weights file", notes);
    } else if (size.isEmpty() || size.get() > cap) {
      weights =
          estimated(
              layers,
              "zip entry "
                  + entry.get()
                  + " ("
                  + size.map(s -> s + " bytes").orElse("size not declared")
                  + ") is over the "
                  + cap
                  + " bytes neuronfit reads",
              notes);
    } else {
      String place = "zip entry " + entry.get();
      try (KerasHdf5 h5 = KerasHdf5.fromBytes(zip.read(entry.get(), cap), path, place)) {
        // the layers' own weights; optimizer slots (optimizer/) are training state
        KerasHdf5.Weights w = h5.weights(g -> !g.equals("optimizer"), entry.get(), limits);
        tensors = w.tensors();
        weights = measured(w, "HDF5 dataset headers in " + entry.get(), notes);
      }
    }
    return profile(path, layers, weights, tensors, meta, notes);
  }

  private static Optional<String> weightsEntry(SafeZip zip) {
    if (zip.has(WEIGHTS_ENTRY)) {
      return Optional.of(WEIGHTS_ENTRY);
    }
    return zip.names().stream().filter(n -> n.endsWith(".weights.h5")).findFirst();
  }

  private static WeightSummary measured(KerasHdf5.Weights w, String basis, Notes notes) {
    if (!w.skipped().isEmpty()) {
      notes.add(
          w.skipped().size()
              + " HDF5 objects among the weights were not counted: links, which are never"
              + " followed, or datasets that do not hold numbers (first: "
              + w.skipped().get(0)
              + ")");
    }
    try {
      return WeightSummary.fromTensors(
          w.tensors(), basis + " (" + w.tensors().size() + " weights; optimizer state left out)");
    } catch (ArithmeticException e) {
      return WeightSummary.unknown(basis + ": sizes overflow a 64-bit count");
    }
  }

  private static WeightSummary estimated(KerasLayers.Result layers, String why, Notes notes) {
    KerasParameters.Estimate e = KerasParameters.estimate(layers.nodes(), layers.inputs());
    if (e.parameters().isEmpty()) {
      return WeightSummary.unknown(
          why
              + "; the layer configs do not give every size ("
              + String.join(", ", e.unsized().subList(0, Math.min(3, e.unsized().size())))
              + (e.unsized().size() > 3 ? ", ..." : "")
              + ")");
    }
    long p = e.parameters().get();
    long bytes;
    try {
      bytes = DType.F32.bytesFor(p);
    } catch (ArithmeticException overflow) {
      return WeightSummary.unknown(
          why + "; the layer configs give sizes that overflow a 64-bit count");
    }
    return new WeightSummary(
        OptionalLong.of(p),
        OptionalLong.of(bytes),
        Map.of(DType.F32, new WeightSummary.DTypeTally(p, bytes)),
        true,
        why + "; estimated from the layer configs, float32 assumed");
  }

  /** The optimizer and loss from a training_config (.h5) or compile_config (.keras). */
  private static void training(JsonNode t, Map<String, String> meta) {
    JsonNode opt = t.has("optimizer_config") ? t.get("optimizer_config") : t.get("optimizer");
    if (opt != null) {
      text(opt, "class_name").ifPresent(v -> meta.put("optimizer", v));
    }
    text(t, "loss").ifPresent(v -> meta.put("loss", v));
  }

  private static Optional<String> text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v != null && v.isTextual() && v.asText().length() <= ReadLimits.MAX_METADATA_TEXT
        ? Optional.of(v.asText())
        : Optional.empty();
  }

  private static ModelProfile profile(
      Path path,
      KerasLayers.Result layers,
      WeightSummary weights,
      List<TensorInfo> tensors,
      Map<String, String> meta,
      Notes notes) {
    meta.put("model_class", layers.modelClass());
    String backend = meta.getOrDefault("backend", "");
    if (!backend.isEmpty() && !backend.equals("tensorflow")) {
      notes.add(
          "saved with the Keras backend "
              + backend
              + "; the architecture is backend-neutral, and the TensorFlow Neuron packages are"
              + " listed as for any Keras model");
    }
    String producer =
        "keras" + (meta.containsKey("keras_version") ? " " + meta.get("keras_version") : "");
    Graph graph =
        new Graph(
            Map.of(),
            producer,
            meta,
            layers.inputs(),
            layers.outputs(),
            layers.nodes(),
            Map.of(),
            Map.of());
    return new ModelProfile(
        path.toString(),
        ModelFormat.KERAS,
        Framework.TENSORFLOW,
        weights,
        tensors,
        Optional.empty(),
        Optional.of(graph),
        layers.hazards(),
        notes.list());
  }
}
