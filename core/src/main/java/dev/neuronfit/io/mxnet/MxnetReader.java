package dev.neuronfit.io.mxnet;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.TensorTotals;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an MXNet model named by its symbol ({@code PREFIX-symbol.json}) or its arrays file ({@code
 * PREFIX-0000.params}); the other file of the pair is found beside it ({@link MxnetFiles}). The
 * graph comes from the symbol ({@link MxnetSymbol}); parameters and bytes from the arrays' headers
 * ({@link NdArrayList}), or, without an arrays file, from the shapes the symbol declares when it
 * declares all of them. An arrays file alone gives the parameters, and no graph.
 *
 * <p>A variable of the graph is a parameter when the arrays file names it, when it has the
 * attributes Gluon gives parameters, or when its name ends as MXNet's layers name parameters
 * ({@code _weight}, {@code _bias}, {@code _gamma}, {@code _moving_var} ...); the other variables
 * are the graph's inputs.
 */
public final class MxnetReader implements ModelReader {
  /** Name endings MXNet's layers give their parameters and auxiliary states. */
  private static final List<String> PARAMETER_SUFFIXES =
      List.of(
          "_weight",
          "_bias",
          "_gamma",
          "_beta",
          "_moving_mean",
          "_moving_var",
          "_running_mean",
          "_running_var",
          "_alpha",
          "_parameters");

  private static final int NAMES_SHOWN = 3;

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new ModelFormatException(path, "", "not a file: an MXNet model is read from its files");
    }
    Notes notes = new Notes(limits);
    Path symbol;
    Optional<Path> params;
    if (isParams(path)) {
      params = Optional.of(path);
      symbol = MxnetFiles.symbolFor(path).orElse(null);
    } else {
      symbol = path;
      List<String> others = new ArrayList<>();
      params = MxnetFiles.paramsFor(path, others);
      if (!others.isEmpty()) {
        notes.add(
            "other checkpoints beside it not read: "
                + shown(others)
                + " (the highest epoch is read)");
      }
    }
    Path root = path.toAbsolutePath().getParent();
    Optional<NdArrayList.Arrays> arrays = Optional.empty();
    if (params.isPresent()) {
      Path p = params.get();
      arrays = Optional.of(NdArrayList.read(p, p.equals(path) ? path : root, p, limits));
    }
    if (symbol == null) {
      return arraysOnly(path, arrays.orElseThrow(), notes);
    }
    MxnetSymbol.Parsed s =
        MxnetSymbol.read(symbol, symbol.equals(path) ? path : root, symbol, limits);
    return profile(path, symbol, params, s, arrays, notes, limits);
  }

  /** True when the file is named {@code .params} or starts with the NDArray list magic. */
  private static boolean isParams(Path file) throws IOException {
    if (MxnetFiles.fileName(file).endsWith(MxnetFiles.PARAMS_SUFFIX)) {
      return true;
    }
    byte[] head = new byte[16];
    int n;
    try (InputStream in = ModelFiles.stream(file, file, file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return NdArrayList.hasMagic(head, n);
  }

  private static ModelProfile arraysOnly(Path path, NdArrayList.Arrays a, Notes notes)
      throws ModelFormatException {
    TensorTotals.check(path, a.tensors());
    notes.add(
        "no "
            + MxnetFiles.SYMBOL_SUFFIX
            + " beside it: parameters only, no graph (export the model with its symbol, e.g."
            + " Gluon's HybridBlock.export)");
    empties(a, notes);
    return new ModelProfile(
        path.toString(),
        ModelFormat.MXNET,
        Framework.UNKNOWN,
        WeightSummary.fromTensors(a.tensors(), basis(path, a)),
        a.tensors(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        notes.list());
  }

  private static ModelProfile profile(
      Path path,
      Path symbol,
      Optional<Path> params,
      MxnetSymbol.Parsed s,
      Optional<NdArrayList.Arrays> arrays,
      Notes notes,
      ReadLimits limits)
      throws ModelFormatException {
    Set<String> stored = new HashSet<>();
    arrays.ifPresent(a -> a.tensors().forEach(t -> stored.add(t.name())));
    List<ValueInfo> inputs = new ArrayList<>();
    List<MxnetSymbol.Variable> parameters = new ArrayList<>();
    for (MxnetSymbol.Variable v : s.variables()) {
      if (stored.contains(v.name()) || v.declaredParameter() || parameterName(v.name())) {
        parameters.add(v);
      } else if (inputs.size() < ReadLimits.MAX_GRAPH_PORTS) {
        inputs.add(
            new ValueInfo(
                v.name(),
                NdArrayList.dtypeOf(v.dtypeFlag()),
                v.shape().map(MxnetReader::dims).orElse(List.of())));
      }
    }
    if (parameters.size() > limits.maxTensors()) {
      throw new ModelFormatException(
          symbol, "", "more than " + limits.maxTensors() + " parameters, over the limit");
    }
    List<TensorInfo> tensors;
    WeightSummary weights;
    if (arrays.isPresent()) {
      NdArrayList.Arrays a = arrays.get();
      tensors = a.tensors();
      weights = WeightSummary.fromTensors(tensors, basis(params.get(), a));
      empties(a, notes);
      List<String> missing = new ArrayList<>();
      for (MxnetSymbol.Variable v : parameters) {
        if (!stored.contains(v.name())) {
          missing.add(v.name());
        }
      }
      if (!missing.isEmpty()) {
        notes.add(
            missing.size()
                + " parameters of the symbol are not in "
                + MxnetFiles.fileName(params.get())
                + ": "
                + shown(missing));
      }
      Set<String> inGraph = new HashSet<>();
      s.variables().forEach(v -> inGraph.add(v.name()));
      List<String> extra =
          tensors.stream().map(TensorInfo::name).filter(n -> !inGraph.contains(n)).toList();
      if (!extra.isEmpty()) {
        notes.add(
            extra.size()
                + " arrays of "
                + MxnetFiles.fileName(params.get())
                + " are not variables of the symbol: "
                + shown(extra));
      }
    } else {
      List<TensorInfo> declared = declared(parameters, MxnetFiles.fileName(symbol));
      if (parameters.isEmpty()) {
        tensors = List.of();
        weights =
            WeightSummary.unknown("the symbol has no parameters and no .params file is beside it");
      } else if (declared.size() == parameters.size()) {
        tensors = declared;
        weights =
            WeightSummary.fromTensors(
                tensors,
                declared.size()
                    + " parameter shapes declared in "
                    + MxnetFiles.fileName(symbol)
                    + " (__shape__); no .params file beside it");
      } else {
        tensors = List.of();
        weights =
            WeightSummary.unknown(
                (parameters.size() - declared.size())
                    + " of "
                    + parameters.size()
                    + " parameter shapes are not declared in "
                    + MxnetFiles.fileName(symbol)
                    + " (Gluon leaves 0 for a dimension it infers at first use), and no"
                    + " PREFIX-0000.params file is beside it");
      }
    }
    if (tensors.size() > limits.maxTensors()) {
      throw new ModelFormatException(symbol, "", "more than " + limits.maxTensors() + " tensors");
    }
    TensorTotals.check(path, tensors);
    List<ValueInfo> outputs =
        s.heads().stream().map(h -> new ValueInfo(h, Optional.empty(), List.of())).toList();
    long computing =
        s.nodes().stream().filter(n -> !n.opType().equals(MxnetSymbol.VARIABLE_OP)).count();
    notes.add(
        MxnetFiles.fileName(symbol)
            + ": "
            + (s.version().isEmpty() ? "" : "MXNet " + s.version() + ", ")
            + computing
            + " operator nodes, "
            + s.variables().size()
            + " variables ("
            + parameters.size()
            + " parameters)");
    Graph graph =
        new Graph(
            Map.of(),
            s.version().isEmpty() ? "mxnet" : "mxnet " + s.version(),
            Map.of(),
            inputs,
            outputs,
            s.nodes(),
            Map.of(),
            Map.of());
    return new ModelProfile(
        path.toString(),
        ModelFormat.MXNET,
        Framework.UNKNOWN,
        weights,
        tensors,
        Optional.empty(),
        Optional.of(graph),
        List.of(),
        notes.list());
  }

  private static boolean parameterName(String name) {
    return PARAMETER_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /** The parameters whose declared shapes are whole (no dimension left 0 to infer). */
  private static List<TensorInfo> declared(List<MxnetSymbol.Variable> parameters, String file) {
    List<TensorInfo> out = new ArrayList<>();
    for (MxnetSymbol.Variable v : parameters) {
      if (v.shape().isEmpty() || v.shape().get().isEmpty() || v.shape().get().contains(0L)) {
        continue;
      }
      DType dtype = NdArrayList.dtypeOf(v.dtypeFlag()).orElse(DType.F32);
      try {
        long elements = 1;
        for (long d : v.shape().get()) {
          elements = Math.multiplyExact(elements, d);
        }
        out.add(
            new TensorInfo(
                v.name(), dtype, v.shape().get(), elements, dtype.bytesFor(elements), file));
      } catch (ArithmeticException e) {
        // a shape whose size overflows declares nothing usable: the parameter counts as unknown
      }
    }
    return out;
  }

  private static List<ValueInfo.Dim> dims(List<Long> shape) {
    // Gluon writes 0 for a dimension not yet known (the batch, a sequence length)
    return shape.stream()
        .map(d -> d > 0 ? ValueInfo.Dim.of(d) : new ValueInfo.Dim(-1, ""))
        .toList();
  }

  private static String basis(Path params, NdArrayList.Arrays a) {
    return a.tensors().size()
        + " arrays in "
        + MxnetFiles.fileName(params)
        + " (NDArray headers; data skipped)";
  }

  private static void empties(NdArrayList.Arrays a, Notes notes) {
    if (a.empty() > 0) {
      notes.add(a.empty() + " arrays saved empty (no shape) hold no data and are not counted");
    }
    if (a.unnamed()) {
      notes.add("the arrays file has no names (a plain list saved by mx.nd.save)");
    }
  }

  private static String shown(List<String> names) {
    return String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())))
        + (names.size() > NAMES_SHOWN ? " and " + (names.size() - NAMES_SHOWN) + " more" : "");
  }
}
