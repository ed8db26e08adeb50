package dev.neuronfit.io.tf;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.TensorTotals;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Reads TensorFlow models: SavedModel folders ({@code saved_model.pb}, with the variables' names
 * and shapes from {@code variables/variables.index}) and frozen GraphDef files. The graph is read
 * field by field with tensor payloads skipped by seeking; the variables' data files are never
 * opened. A path naming {@code saved_model.pb} itself reads the SavedModel of its folder.
 *
 * <p>The graph has every node of the chosen meta graph (the one tagged {@code serve}, else the
 * first) and of its function library; see {@link TfGraphReader} for how nodes are represented.
 * Inputs and outputs are those of the {@code serving_default} signature (else the first), or, for a
 * frozen graph, its Placeholder nodes and its unconsumed nodes.
 */
public final class TfReader implements ModelReader {
  static final String SAVED_MODEL = "saved_model.pb";

  /** Messages nest at most this deep in the fields this reader descends into. */
  private static final int MAX_MESSAGE_DEPTH = 24;

  /** Ops that hold a variable; their {@code shape} attribute gives its shape. */
  private static final Set<String> VARIABLE_OPS =
      Set.of("VarHandleOp", "VariableV2", "Variable", "VarHandleOpV2");

  /** Sinks that are not results: initialisation, saving, bookkeeping. */
  private static final Set<String> NOT_OUTPUTS =
      Set.of(
          "Const",
          "NoOp",
          "Assign",
          "AssignVariableOp",
          "SaveV2",
          "RestoreV2",
          "MergeV2Checkpoints",
          "VarIsInitializedOp",
          "Placeholder");

  private static final int MAX_SINKS = 16;

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    return read(path, limits, n -> {});
  }

  /** Reads a model and reports how many bytes of the graph file were read (payloads skipped). */
  ModelProfile read(Path path, ReadLimits limits, LongConsumer bytesRead) throws IOException {
    Path pb = path;
    boolean savedModel;
    if (Files.isDirectory(path)) {
      pb = path.resolve(SAVED_MODEL);
      if (!Files.isRegularFile(pb)) {
        throw new ModelFormatException(
            path,
            "",
            Files.exists(path.resolve("saved_model.pbtxt"))
                ? "a SavedModel in text format (saved_model.pbtxt), which neuronfit does not read;"
                    + " save it in binary form (saved_model.pb)"
                : "no saved_model.pb: not a TensorFlow SavedModel folder");
      }
      savedModel = true;
    } else {
      savedModel =
          pb.getFileName().toString().equals(SAVED_MODEL)
              || ContentSniffer.sniff(pb) == ContentSniffer.Kind.TF_SAVEDMODEL;
    }
    if (ModelFiles.size(pb, path, pb) == 0) {
      throw new ModelFormatException(pb, "", "empty file");
    }
    String fileName = pb.getFileName().toString();
    Parse p = new Parse();
    try (ProtoReader r = ProtoReader.open(pb, path, pb, MAX_MESSAGE_DEPTH)) {
      p.graph = new TfGraphReader(r, limits, fileName);
      try {
        if (savedModel) {
          p.header = TfSavedModel.read(r, p.graph);
        } else {
          p.graph.readFile();
          if (p.graph.nodes().isEmpty()) {
            throw new ModelFormatException(pb, "", "not a TensorFlow GraphDef: no nodes");
          }
        }
      } finally {
        bytesRead.accept(r.bytesRead());
      }
      p.graph.checkCalls(4 * Math.max(1, limits.maxGraphDepth()));
    }
    Path folder = pb.getParent() != null ? pb.getParent() : Path.of("");
    return profile(path, pb, folder, savedModel, p, limits);
  }

  /** The state of one read. */
  private static final class Parse {
    TfGraphReader graph;
    TfSavedModel.Header header = TfSavedModel.Header.NONE;
  }

  private static ModelProfile profile(
      Path path, Path pb, Path folder, boolean savedModel, Parse p, ReadLimits limits)
      throws IOException {
    TfGraphReader g = p.graph;
    List<OpNode> nodes = g.nodes();
    Notes notes = new Notes(limits);
    notes.addAll(p.header.notes());
    notes.addAll(g.notes());
    List<TensorInfo> tensors = new ArrayList<>();
    String basis;
    int consts = g.tensors().size();
    Optional<TfVariables.Index> index =
        savedModel ? variables(folder, path, limits, notes) : Optional.empty();
    if (index.isPresent()) {
      TfVariables.Index ix = index.get();
      tensors.addAll(ix.tensors());
      basis =
          ix.tensors().size()
              + " variables in variables/variables.index"
              + (ix.trainingState() == 1
                  ? " (1 optimizer and training-state entry left out)"
                  : ix.trainingState() > 1
                      ? " ("
                          + ix.trainingState()
                          + " optimizer and training-state entries left out)"
                      : "");
      if (ix.copies() > 0) {
        notes.add(
            ix.copies()
                + " variables listed again under _all_variables/ (a Keras 3 export, whose data"
                + " files hold each variable twice) counted once");
      }
      if (ix.untyped() > 0) {
        notes.add(ix.untyped() + " variables of a type with no size (resource, variant) left out");
      }
      dataFiles(folder, ix, notes);
    } else {
      List<TensorInfo> declared = variableOps(nodes, pb.getFileName().toString());
      tensors.addAll(declared);
      basis =
          declared.isEmpty()
              ? ""
              : declared.size() + " variables declared by variable ops in " + pb.getFileName();
    }
    if (tensors.size() + consts > limits.maxTensors()) {
      throw new ModelFormatException(pb, "", "more than " + limits.maxTensors() + " tensors");
    }
    tensors.addAll(g.tensors());
    if (consts > 0) {
      basis += (basis.isEmpty() ? "" : " and ") + consts + " constants in " + pb.getFileName();
    }
    TensorTotals.check(pb, tensors);
    List<ValueInfo> inputs;
    List<ValueInfo> outputs;
    if (p.header.signature().isPresent()) {
      inputs = p.header.signature().get().inputs();
      outputs = p.header.signature().get().outputs();
    } else {
      inputs = placeholders(nodes);
      outputs = sinks(nodes);
    }
    String producer =
        !p.header.tensorflowVersion().isEmpty()
            ? "tensorflow " + p.header.tensorflowVersion()
            : g.producerVersion() >= 0
                ? "tensorflow (GraphDef version " + g.producerVersion() + ")"
                : "tensorflow";
    Graph graph =
        new Graph(
            Map.of(),
            producer,
            p.header.metadata(),
            inputs,
            outputs,
            nodes,
            g.constants(),
            Map.of());
    return new ModelProfile(
        path.toString(),
        savedModel ? ModelFormat.TF_SAVEDMODEL : ModelFormat.TF_GRAPHDEF,
        Framework.TENSORFLOW,
        tensors.isEmpty()
            ? WeightSummary.unknown("no variables or constants declared")
            : WeightSummary.fromTensors(tensors, basis),
        tensors,
        Optional.empty(),
        Optional.of(graph),
        List.of(),
        notes.list());
  }

  /** The SavedModel's variables from its index, or empty (with a note) when it has none. */
  private static Optional<TfVariables.Index> variables(
      Path folder, Path shownModel, ReadLimits limits, Notes notes) throws IOException {
    Path index = folder.resolve("variables").resolve("variables.index");
    if (!Files.isRegularFile(index)) {
      notes.add("no variables/variables.index: sizes come from the graph's variable shapes");
      return Optional.empty();
    }
    Path shown =
        Files.isDirectory(shownModel)
            ? shownModel.resolve("variables").resolve("variables.index")
            : index;
    try {
      return Optional.of(TfVariables.read(index, folder, shown, limits));
    } catch (ModelFormatException e) {
      // the graph still says what the model is; the index only adds sizes
      notes.add(
          "variables/variables.index not read ("
              + e.getMessage()
              + "); sizes come from the graph's variable shapes");
      return Optional.empty();
    }
  }

  /** Notes data files the index refers to that are missing; they are never opened. */
  private static void dataFiles(Path folder, TfVariables.Index ix, Notes notes) {
    Set<String> missing = new HashSet<>();
    for (TensorInfo t : ix.tensors()) {
      if (missing.size() < 3 && !Files.exists(folder.resolve(t.file()))) {
        missing.add(t.file());
      }
    }
    if (!missing.isEmpty()) {
      notes.add(
          "variable data files absent ("
              + String.join(", ", new java.util.TreeSet<>(missing))
              + "): sizes come from the index");
    }
  }

  /** Variables declared by VarHandleOp/VariableV2 nodes of the main graph, by their shapes. */
  private static List<TensorInfo> variableOps(List<OpNode> nodes, String file) {
    List<TensorInfo> out = new ArrayList<>();
    for (OpNode n : nodes) {
      if (!n.inMainGraph() || !VARIABLE_OPS.contains(n.opType())) {
        continue;
      }
      Optional<DType> dtype =
          n.attribute("dtype").map(AttributeValue::asLong).flatMap(TfTensor::dtypeOf);
      List<Long> shape = n.attribute("shape").map(AttributeValue::asLongs).orElse(List.of());
      if (dtype.isEmpty()
          || n.attribute("shape").isEmpty()
          || shape.stream().anyMatch(d -> d < 0)) {
        continue;
      }
      try {
        long elements = 1;
        for (long d : shape) {
          elements = Math.multiplyExact(elements, d);
        }
        if (elements <= Long.MAX_VALUE / 128) {
          out.add(
              new TensorInfo(
                  n.name(), dtype.get(), shape, elements, dtype.get().bytesFor(elements), file));
        }
      } catch (ArithmeticException e) {
        // a shape whose size overflows declares no usable variable; it is left out
      }
    }
    return out;
  }

  /** Placeholder nodes of the main graph, with their declared types and shapes. */
  private static List<ValueInfo> placeholders(List<OpNode> nodes) {
    List<ValueInfo> out = new ArrayList<>();
    for (OpNode n : nodes) {
      if (n.inMainGraph()
          && n.opType().equals("Placeholder")
          && out.size() < ReadLimits.MAX_GRAPH_PORTS) {
        Optional<DType> dtype =
            n.attribute("dtype").map(AttributeValue::asLong).flatMap(TfTensor::dtypeOf);
        List<Long> shape =
            n.attribute("shape")
                .or(() -> n.attribute("_output_shapes"))
                .map(AttributeValue::asLongs)
                .orElse(List.of());
        out.add(new ValueInfo(n.name(), dtype, dims(shape)));
      }
    }
    return out;
  }

  /** Main-graph nodes no other node consumes, leaving out bookkeeping (at most 16). */
  private static List<ValueInfo> sinks(List<OpNode> nodes) {
    Set<String> consumed = new HashSet<>();
    for (OpNode n : nodes) {
      if (n.inMainGraph()) {
        consumed.addAll(n.inputs());
      }
    }
    List<ValueInfo> out = new ArrayList<>();
    for (OpNode n : nodes) {
      if (n.inMainGraph()
          && !consumed.contains(n.name())
          && !NOT_OUTPUTS.contains(n.opType())
          && !n.opType().startsWith("Save")
          && out.size() < MAX_SINKS) {
        out.add(new ValueInfo(n.name(), Optional.empty(), List.of()));
      }
    }
    return out;
  }

  private static List<ValueInfo.Dim> dims(List<Long> shape) {
    return shape.stream()
        .map(d -> d >= 0 ? ValueInfo.Dim.of(d) : new ValueInfo.Dim(-1, ""))
        .toList();
  }
}
