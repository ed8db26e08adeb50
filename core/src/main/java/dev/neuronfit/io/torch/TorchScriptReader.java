package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pickle.PickleHazards;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleMachine;
import dev.neuronfit.io.pickle.PickleSource;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import dev.neuronfit.io.torch.TensorWalk.Named;
import dev.neuronfit.io.torch.TorchTensors.TensorRef;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * TorchScript archives written by {@code torch.jit.save}, including mobile ({@code .ptl}) ones:
 *
 * <ul>
 *   <li>{@code <root>/data.pkl}: the module tree (objects of {@code __torch__} classes whose state
 *       holds submodules, parameters and buffers), read for tensor names, shapes, dtypes and the
 *       class of each module;
 *   <li>{@code <root>/constants.pkl}: the tensors the code uses as {@code CONSTANTS.cN} (weights of
 *       frozen or mobile-optimized models live here);
 *   <li>{@code <root>/code/**.py}: the compiled code, read into operator nodes by {@link
 *       TorchScriptCode};
 *   <li>{@code <root>/bytecode.pkl} (mobile): the operator table and instructions of each method,
 *       which give the nodes when the archive has no code;
 *   <li>{@code <root>/data/*} and {@code <root>/constants/*}: storages, never opened.
 * </ul>
 *
 * The module classes go to the graph's metadata: {@code torchscript.root} (the root module's
 * class), {@code torchscript.classes} (every class, one per line) and {@code torchscript.modules}
 * ({@code path<TAB>class} lines, the root's path empty); the code's call-aware dataflow goes to
 * {@code torchscript.flow} (see {@link ScriptFlow}).
 */
public final class TorchScriptReader {
  private static final int MAX_MODULE_LINES = 5000;

  private TorchScriptReader() {}

  /**
   * Reads the TorchScript archive in an open zip.
   *
   * @param root the archive's top folder with its slash, e.g. {@code resnet/}
   */
  public static ModelProfile read(SafeZip zip, String root, Path path, ReadLimits limits)
      throws IOException {
    PickleLimits pl = PickleLimits.from(limits);
    PickleHazards hazards = new PickleHazards(pl.maxHazards());
    Notes notes = new Notes(limits);
    TensorWalk data =
        new TensorWalk(path, "zip entry " + root + "data.pkl", pl, limits.maxTensors());
    if (zip.has(root + "data.pkl")) {
      data.walk(pickle(zip, root + "data.pkl", path, pl, hazards), "");
    }
    TensorWalk constants =
        new TensorWalk(path, "zip entry " + root + "constants.pkl", pl, limits.maxTensors());
    if (zip.has(root + "constants.pkl")) {
      PickleValue c = pickle(zip, root + "constants.pkl", path, pl, hazards);
      List<PickleValue> items = c instanceof Tuple t ? t.items() : List.of(c);
      for (int i = 0; i < items.size(); i++) {
        constants.walk(items.get(i), "CONSTANTS.c" + i);
      }
    }
    Map<String, String> modules = new LinkedHashMap<>();
    data.modules().forEach((p, c) -> modules.put(p, TorchScriptCode.clean(c)));
    String rootClass = modules.getOrDefault("", "");
    Map<String, String> classToPath = new LinkedHashMap<>();
    modules.forEach((p, c) -> classToPath.putIfAbsent(c, p));

    TorchScriptCode code =
        new TorchScriptCode(path, limits.maxGraphNodes(), classToPath, rootClass);
    long codeBytes = 0;
    for (String entry : new TreeSet<>(zip.names())) {
      if (entry.startsWith(root + "code/") && entry.endsWith(".py")) {
        byte[] text = zip.read(entry, limits.maxZipEntryBytes());
        codeBytes += text.length;
        if (codeBytes > limits.maxZipEntryBytes()) {
          throw new ModelFormatException(
              path, entry, "more than " + limits.maxZipEntryBytes() + " bytes of code in all");
        }
        String module = entry.substring((root + "code/").length(), entry.length() - 3);
        code.read(entry, module.replace('/', '.'), new String(text, StandardCharsets.UTF_8));
        code.checkSize(entry);
      }
    }
    List<OpNode> nodes = new ArrayList<>(code.nodes());
    if (!nodes.isEmpty()) {
      notes.add(
          "operators are counted per call in the code (every branch, and the training-only code"
              + " of scripted modules, included), once per module class, not per execution");
    }
    String producer =
        "TorchScript archive" + version(zip, root).map(v -> " version " + v).orElse("");
    if (zip.has(root + "bytecode.pkl")) {
      PickleValue bc = pickle(zip, root + "bytecode.pkl", path, pl, hazards);
      MobileBytecode mobile =
          MobileBytecode.of(bc, rootClass, limits.maxGraphNodes(), path, root + "bytecode.pkl");
      producer += ", mobile bytecode version " + mobile.version();
      if (nodes.isEmpty()) {
        nodes.addAll(mobile.nodes());
      } else {
        notes.add(
            "operators from the code; bytecode.pkl lists the same methods with "
                + mobile.nodes().size()
                + " operator calls");
      }
    }
    if (nodes.size() > limits.maxGraphNodes()) {
      throw new ModelFormatException(path, root, "more than " + limits.maxGraphNodes() + " nodes");
    }
    List<Named> tensors = new ArrayList<>();
    prefixKeys(data.tensors(), "data/", tensors);
    prefixKeys(constants.tensors(), "constants/", tensors);
    missingStorages(zip, root, tensors, notes);
    int unreadable = data.unreadable() + constants.unreadable();
    if (unreadable > 0) {
      notes.add(
          unreadable + " tensors of other layouts (sparse, nested or device-specific) not counted");
    }
    if (hazards.dropped() > 0) {
      notes.add(hazards.dropped() + " more hazardous globals not listed");
    }
    Graph graph =
        new Graph(
            Map.of(),
            producer,
            metadata(rootClass, modules, code),
            code.inputs(),
            code.returns().isEmpty()
                ? List.of()
                : List.of(new ValueInfo(code.returns(), Optional.empty(), List.of())),
            nodes,
            Map.of(),
            Map.of());
    List<TensorInfo> infos = new ArrayList<>();
    WeightSummary weights;
    try {
      for (Named n : tensors) {
        String file =
            root
                + (n.tensor().storageKey().startsWith("constants/") ? "constants.pkl" : "data.pkl");
        infos.addAll(TorchWeights.infos(List.of(n), file));
      }
      weights =
          tensors.isEmpty()
              ? WeightSummary.unknown(
                  "TorchScript archive: no tensors in data.pkl or constants.pkl")
              : TorchWeights.summary(tensors, "TorchScript " + root + "data.pkl and constants.pkl");
    } catch (ArithmeticException e) {
      throw new ModelFormatException(
          path, root + "data.pkl", "tensor sizes overflow a 64-bit count");
    }
    return new ModelProfile(
        path.toString(),
        ModelFormat.TORCHSCRIPT,
        Framework.PYTORCH,
        weights,
        infos,
        Optional.empty(),
        Optional.of(graph),
        hazards.hazards(),
        notes.list());
  }

  private static PickleValue pickle(
      SafeZip zip, String entry, Path path, PickleLimits pl, PickleHazards hazards)
      throws IOException {
    byte[] bytes = zip.read(entry, pl.maxBytes());
    PickleSource src = PickleSource.of(bytes, path, "zip entry " + entry, pl.maxBytes());
    return new PickleMachine(src, pl, hazards, true).read();
  }

  private static Optional<String> version(SafeZip zip, String root) {
    for (String name : List.of(root + "version", root + ".data/version")) {
      if (zip.has(name)
          && zip.declaredSize(name).orElse(Long.MAX_VALUE) <= ReadLimits.MAX_MARKER_ENTRY_BYTES) {
        try {
          String v =
              new String(
                      zip.read(name, ReadLimits.MAX_MARKER_ENTRY_BYTES), StandardCharsets.US_ASCII)
                  .strip();
          if (v.matches("\\d{1,4}")) {
            return Optional.of(v);
          }
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static void prefixKeys(List<Named> from, String dir, List<Named> to) {
    for (Named n : from) {
      TensorRef t = n.tensor();
      String key = t.storageKey().isEmpty() ? "" : dir + t.storageKey();
      to.add(
          new Named(
              n.name(), new TensorRef(t.dtype(), t.shape(), key, t.storageElements(), t.offset())));
    }
  }

  private static void missingStorages(SafeZip zip, String root, List<Named> tensors, Notes notes) {
    Set<String> missing = new LinkedHashSet<>();
    for (Named n : tensors) {
      String key = n.tensor().storageKey();
      if (!key.isEmpty() && !zip.has(root + key)) {
        missing.add(root + key);
      }
    }
    if (!missing.isEmpty()) {
      notes.add(
          missing.size()
              + " storage entries named by the pickles are missing, e.g. "
              + missing.iterator().next());
    }
  }

  private static Map<String, String> metadata(
      String rootClass, Map<String, String> modules, TorchScriptCode code) {
    Set<String> classes = new TreeSet<>(modules.values());
    classes.addAll(code.classes().keySet());
    StringBuilder tree = new StringBuilder();
    int lines = 0;
    for (Map.Entry<String, String> e : modules.entrySet()) {
      if (lines++ >= MAX_MODULE_LINES) {
        break;
      }
      tree.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("torchscript.root", rootClass);
    m.put("torchscript.classes", String.join("\n", classes));
    m.put("torchscript.modules", tree.toString());
    m.put("torchscript.flow", code.flow().text());
    return m;
  }
}
