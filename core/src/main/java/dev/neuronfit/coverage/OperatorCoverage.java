package dev.neuronfit.coverage;

import dev.neuronfit.kb.CpuPlacement;
import dev.neuronfit.kb.OpNaming;
import dev.neuronfit.kb.OperatorList;
import dev.neuronfit.kb.OperatorLists;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TfFunctions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Counts a graph's operators and checks them against the Neuron operator lists that apply to each
 * target. Pure: a function of the profile and the lists.
 *
 * <p>What counts: every node of the main graph, of subgraphs (If, Loop, Scan bodies) and of
 * model-local functions, except {@code Constant} and {@code Identity}, which hold a value or alias
 * one and compute nothing (Neuron's own TensorFlow check leaves out Const, Identity, Placeholder
 * and NoOp the same way; ONNX has no nodes for inputs), and except calls of model-local functions,
 * whose bodies are counted instead.
 *
 * <p>A node runs on the CPU when its operator is not supported, when a Neuron document places its
 * operator on the CPU on the target (RoI Align on NeuronCore-v1), or when it sits in a subgraph of
 * a node that runs on the CPU: a body runs where its If, Loop or Scan runs.
 */
public final class OperatorCoverage {
  static final Set<String> NOT_COMPUTATION = Set.of("Constant", "Identity");

  /**
   * TensorFlow ops left out: those Neuron's {@code tf_neuron_check_model.py} leaves out (inputs,
   * constants, variables, saving and restoring; aws-neuron-sdk, {@code
   * src/neuron-gatherinfo/tf_neuron_check_model.py}), the arguments and return values of functions
   * ({@code _Arg}, {@code _Retval}, as TensorFlow materializes a function body), and function
   * calls, whose bodies are counted instead.
   */
  static final Set<String> TF_NOT_COMPUTATION =
      Set.of(
          "Placeholder",
          "PlaceholderWithDefault",
          "NoOp",
          "Const",
          "Identity",
          "IdentityN",
          "VarHandleOp",
          "VarIsInitializedOp",
          "AssignVariableOp",
          "ReadVariableOp",
          "StringJoin",
          "ShardedFilename",
          "SaveV2",
          "MergeV2Checkpoints",
          "RestoreV2",
          "_Arg",
          "_Retval",
          "StatefulPartitionedCall",
          "PartitionedCall");

  /**
   * MXNet nodes left out: variables (op {@code null}: inputs and parameters), which Neuron's {@code
   * mx_neuron_check_model.py} leaves out too (aws-neuron-sdk, {@code
   * src/neuron-gatherinfo/mx_neuron_check_model.py}).
   */
  static final Set<String> MXNET_NOT_COMPUTATION = Set.of("null");

  private final Graph graph;
  private final List<OpNode> counted = new ArrayList<>();
  private final Map<String, OpNode> parentOf = new HashMap<>();
  private final boolean hasFunctions;
  private final List<String> countingNotes = new ArrayList<>();
  private final boolean tf;

  private OperatorCoverage(Graph graph, Optional<OpNaming> naming) {
    this.graph = graph;
    this.tf = naming.isPresent() && naming.get() == OpNaming.TENSORFLOW;
    boolean mxnet = naming.isPresent() && naming.get() == OpNaming.MXNET;
    Set<String> notComputation =
        tf ? TF_NOT_COMPUTATION : mxnet ? MXNET_NOT_COMPUTATION : NOT_COMPUTATION;
    Set<String> functions = new HashSet<>();
    for (OpNode n : graph.nodes()) {
      if (n.scope().startsWith("function:")) {
        functions.add(n.scope());
      }
      for (AttributeValue a : n.attributes().values()) {
        if (a instanceof AttributeValue.Subgraph s) {
          parentOf.put(s.scope(), n);
        }
      }
    }
    this.hasFunctions = !functions.isEmpty();
    Set<String> called = tf ? TfFunctions.called(graph) : Set.of();
    for (OpNode n : graph.nodes()) {
      String call = "function:" + (n.domain().isEmpty() ? "" : n.domain() + ".") + n.opType();
      if (!(defaultDomain(n) && notComputation.contains(n.opType()))
          && !functions.contains(call)
          && (!tf || n.inMainGraph() || called.contains(n.scope()))) {
        counted.add(n);
      }
    }
    if (mxnet) {
      countingNotes.add(
          "Not counted, as Neuron's mx_neuron_check_model.py does not count them: variables (op"
              + " null), the graph's inputs and parameters.");
    }
    if (tf) {
      countingNotes.add(
          "Not counted, as Neuron's tf_neuron_check_model.py does not count them: inputs,"
              + " constants, variables and the ops that save and restore them; nor function"
              + " arguments and return values (_Arg, _Retval) and calls"
              + " (StatefulPartitionedCall, PartitionedCall), whose bodies are counted.");
      if (called.size() < functions.size()) {
        countingNotes.add(
            (functions.size() - called.size())
                + " of "
                + functions.size()
                + " functions are not counted: the graph never calls them (other traces of the"
                + " same layers) or they save and restore variables.");
      }
    }
  }

  /**
   * The operator section of a graph model's report; empty for models without a graph.
   *
   * @param targets the ids of the targets the report covers, in report order
   */
  public static Optional<OperatorSummary> of(
      ModelProfile profile, OperatorLists lists, List<String> targets) {
    if (profile.graph().isEmpty()) {
      return Optional.empty();
    }
    Optional<OpNaming> naming = naming(profile.format());
    OperatorCoverage c = new OperatorCoverage(profile.graph().get(), naming);
    List<ListCoverage> coverage = new ArrayList<>();
    for (String t : targets) {
      if (naming.isEmpty()) {
        break;
      }
      for (OperatorList l : lists.exhaustiveLists(t, naming.get())) {
        coverage.add(c.byName(t, l, lists));
      }
      if (naming.get() == OpNaming.ONNX && profile.framework() == Framework.PYTORCH) {
        for (OperatorList l : lists.exhaustiveLists(t, OpNaming.TORCHSCRIPT)) {
          coverage.add(c.byExportOrigin(t, l, lists));
        }
      }
    }
    return Optional.of(c.summary(coverage));
  }

  /** Whose operator names a format's graph uses, when a Neuron list uses the same names. */
  static Optional<OpNaming> naming(ModelFormat format) {
    return Optional.ofNullable(
        switch (format) {
          case ONNX -> OpNaming.ONNX;
          case TORCHSCRIPT -> OpNaming.TORCHSCRIPT;
          case TF_SAVEDMODEL, TF_GRAPHDEF -> OpNaming.TENSORFLOW;
          case MXNET -> OpNaming.MXNET;
          default -> null;
        });
  }

  private OperatorSummary summary(List<ListCoverage> coverage) {
    Map<String, Integer> all = new HashMap<>();
    graph.nodes().forEach(n -> all.merge(n.qualifiedOp(), 1, Integer::sum));
    Map<String, Integer> left = new HashMap<>(all);
    counted.forEach(n -> left.merge(n.qualifiedOp(), -1, Integer::sum));
    left.values().removeIf(v -> v == 0);
    int main = (int) graph.nodes().stream().filter(OpNode::inMainGraph).count();
    return new OperatorSummary(graph.nodes().size(), main, sorted(all), sorted(left), coverage);
  }

  private ListCoverage byName(String target, OperatorList list, OperatorLists lists) {
    Map<OpNode, OpStatus> status = new IdentityHashMap<>();
    Map<String, String> notes = new HashMap<>();
    // TorchScript lists name operators with their namespace (aten::conv2d, prim::NumToTensor,
    // quantized::conv2d), so every TorchScript node is checked by its qualified name
    boolean qualified = list.naming() == OpNaming.TORCHSCRIPT;
    for (OpNode n : counted) {
      Optional<CpuPlacement> placed = lists.cpuPlacement(target, n.qualifiedOp());
      boolean checkable = qualified || defaultDomain(n);
      String name = qualified ? n.qualifiedOp() : n.opType();
      OpStatus s;
      if (placed.isPresent()) {
        s = OpStatus.CPU_BY_GUIDELINE;
        notes.put(n.qualifiedOp(), placed.get().reason() + " (" + placed.get().source() + ")");
      } else if (!checkable) {
        s = OpStatus.OTHER_DOMAIN;
      } else if (list.supports(name)) {
        s = OpStatus.SUPPORTED;
      } else if (list.limited(name)) {
        s = OpStatus.LIMITED;
      } else {
        s = OpStatus.NOT_LISTED;
      }
      status.put(n, s);
      if (!notes.containsKey(n.qualifiedOp()) && checkable) {
        list.condition(name).ifPresent(x -> notes.put(n.qualifiedOp(), x));
      }
    }
    Map<String, Boolean> scopeOnCpu = new HashMap<>();
    int cpu = 0;
    int inSubgraphs = 0;
    for (OpNode n : counted) {
      boolean own = status.get(n).onCpu();
      boolean enclosing = onCpu(n.scope(), status, scopeOnCpu, 0);
      if (own || enclosing) {
        cpu++;
      }
      if (!own && enclosing) {
        inSubgraphs++;
      }
    }
    List<String> remarks = new ArrayList<>(countingNotes);
    if (inSubgraphs > 0) {
      remarks.add(
          inSubgraphs
              + " node"
              + (inSubgraphs == 1 ? " whose operator is" : "s whose operators are")
              + " on the list sit in subgraphs ("
              + (tf ? "bodies of While, If and Case" : "If, Loop or Scan bodies")
              + ") of nodes that run on the CPU, so they are counted on the CPU too.");
    }
    if (hasFunctions) {
      remarks.add(
          "Nodes of model-local functions are counted once per function, however often it is"
              + " called.");
    }
    return new ListCoverage(
        target,
        list,
        ListCoverage.Basis.OP_NAMES,
        counted.size(),
        counted.size(),
        cpu,
        inSubgraphs,
        counted.isEmpty()
            ? OptionalDouble.empty()
            : OptionalDouble.of((double) cpu / counted.size()),
        tallies(counted, status, notes, Map.of()),
        remarks);
  }

  /** Whether the nodes of a scope run on the CPU because an enclosing node does. */
  private boolean onCpu(
      String scope, Map<OpNode, OpStatus> status, Map<String, Boolean> memo, int depth) {
    OpNode parent = parentOf.get(scope);
    if (parent == null || depth > graph.nodes().size()) {
      return false;
    }
    Boolean known = memo.get(scope);
    if (known != null) {
      return known;
    }
    OpStatus s = status.get(parent);
    boolean cpu = (s != null && s.onCpu()) || onCpu(parent.scope(), status, memo, depth + 1);
    memo.put(scope, cpu);
    return cpu;
  }

  /**
   * Checks against a list of framework operators the few graph operators whose framework origin is
   * known (kb {@code onnxExportOrigins}); every other node stays unchecked.
   */
  private ListCoverage byExportOrigin(String target, OperatorList list, OperatorLists lists) {
    Map<OpNode, OpStatus> status = new IdentityHashMap<>();
    Map<String, String> notes = new HashMap<>();
    Map<String, List<String>> origins = new HashMap<>();
    List<OpNode> checked = new ArrayList<>();
    for (OpNode n : counted) {
      List<String> from = defaultDomain(n) ? lists.pytorchOrigins().get(n.opType()) : null;
      if (from == null) {
        continue;
      }
      checked.add(n);
      origins.put(n.qualifiedOp(), from);
      Optional<CpuPlacement> placed =
          from.stream()
              .map(o -> lists.cpuPlacement(target, o))
              .flatMap(Optional::stream)
              .findFirst();
      long supported = from.stream().filter(list::supports).count();
      long limited = from.stream().filter(list::limited).count();
      OpStatus s =
          placed.isPresent()
              ? OpStatus.CPU_BY_GUIDELINE
              : supported == from.size()
                  ? OpStatus.SUPPORTED
                  : supported + limited == 0 ? OpStatus.NOT_LISTED : OpStatus.LIMITED;
      status.put(n, s);
      if (placed.isPresent()) {
        notes.put(n.qualifiedOp(), placed.get().reason() + " (" + placed.get().source() + ")");
      } else if (s == OpStatus.LIMITED) {
        List<String> parts = new ArrayList<>();
        for (String o : from) {
          parts.add(
              o
                  + ": "
                  + (list.supports(o) ? "supported" : list.condition(o).orElse("not on the list")));
        }
        notes.put(n.qualifiedOp(), String.join("; ", parts));
      }
    }
    int cpu = (int) checked.stream().filter(n -> status.get(n).onCpu()).count();
    List<String> remarks =
        List.of(
            list.name()
                + " names TorchScript operators (aten::, prim::), which the ONNX exporter"
                + " rewrites, so ONNX operator names cannot be matched to it in general. Only"
                + " operators the exporter writes for known PyTorch operators were checked ("
                + String.join(", ", lists.pytorchOrigins().keySet().stream().sorted().toList())
                + "): "
                + checked.size()
                + " of "
                + counted.size()
                + " counted nodes."
                + list.modelCheck()
                    .map(m -> " For the full check, run " + m + " on the PyTorch model.")
                    .orElse(""));
    return new ListCoverage(
        target,
        list,
        ListCoverage.Basis.EXPORT_ORIGINS,
        counted.size(),
        checked.size(),
        cpu,
        0,
        OptionalDouble.empty(),
        tallies(checked, status, notes, origins),
        remarks);
  }

  private static List<OpTally> tallies(
      List<OpNode> nodes,
      Map<OpNode, OpStatus> status,
      Map<String, String> notes,
      Map<String, List<String>> origins) {
    Map<String, List<OpNode>> byOp = new LinkedHashMap<>();
    nodes.forEach(n -> byOp.computeIfAbsent(n.qualifiedOp(), k -> new ArrayList<>()).add(n));
    List<OpTally> out = new ArrayList<>();
    byOp.forEach(
        (op, ns) ->
            out.add(
                new OpTally(
                    op,
                    ns.size(),
                    ns.stream().limit(OpTally.MAX_EXAMPLES).map(OperatorCoverage::example).toList(),
                    status.get(ns.get(0)),
                    origins.getOrDefault(op, List.of()),
                    Optional.ofNullable(notes.get(op)))));
    return out;
  }

  /**
   * A node named for people: its name, or its first output when it has none, followed by {@code "
   * in "} and its scope when it sits in a subgraph or function.
   */
  public static String example(OpNode n) {
    String name =
        !n.name().isEmpty()
            ? n.name()
            : n.outputs().isEmpty() ? "(unnamed)" : "(output " + n.outputs().get(0) + ")";
    return n.scope().isEmpty() ? name : name + " in " + n.scope();
  }

  private static boolean defaultDomain(OpNode n) {
    return n.domain().isEmpty() || n.domain().equals("ai.onnx");
  }

  private static List<OpCount> sorted(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .map(e -> new OpCount(e.getKey(), e.getValue()))
        .sorted(
            Comparator.comparing(OpCount::count, Comparator.reverseOrder())
                .thenComparing(OpCount::op))
        .toList();
  }
}
