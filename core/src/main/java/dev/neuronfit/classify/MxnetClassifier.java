package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Family detection for MXNet symbols. The graph is read with ONNX op names ({@link MxnetOps}),
 * parameters (variables that are not graph inputs) become Constant nodes, and an input that feeds
 * an Embedding is read as integer token ids; then the same signals as for an ONNX graph decide
 * ({@link GraphClassifier}): RoI pooling with proposals or NMS (GluonCV's Faster and Mask R-CNN:
 * {@code _contrib_ROIAlign} with {@code _contrib_box_nms}), recurrent layers ({@code RNN}, or
 * {@code _foreach} loops whose body gates with sigmoid and tanh), attention ({@code batch_dot} or
 * GluonNLP's interleaved products around a softmax), then convolutions. Evidence shows the MXNet
 * op.
 */
final class MxnetClassifier {
  private static final String VARIABLE_OP = "null";

  private MxnetClassifier() {}

  /** Fills {@code v} from the model's graph; leaves it undecided when there is none. */
  static void classify(ModelProfile profile, FamilyTally v) {
    Optional<Graph> graph = profile.graph();
    if (graph.isEmpty()) {
      return;
    }
    Graph src = graph.get();
    Set<String> inputs = new HashSet<>();
    src.inputs().forEach(i -> inputs.add(i.name()));
    Map<String, TensorInfo> stored = new HashMap<>();
    profile.tensors().forEach(t -> stored.putIfAbsent(t.name(), t));
    Set<String> tokenIds = new HashSet<>();
    List<OpNode> nodes = new ArrayList<>();
    List<TensorInfo> weights = new ArrayList<>();
    int operators = 0;
    for (OpNode n : src.nodes()) {
      if (n.opType().equals("Embedding") && !n.inputs().isEmpty()) {
        tokenIds.add(n.inputs().get(0));
      }
      if (n.opType().equals(VARIABLE_OP)) {
        // a body's variables stand for its owner's inputs: left unproduced, as unknown values
        if (n.inMainGraph() && !inputs.contains(n.name())) {
          nodes.add(
              new OpNode(
                  n.name(), "Constant", "", List.of(), n.outputs(), sourceOp(n, Map.of()), ""));
          weights.add(stored.getOrDefault(n.name(), declared(n)));
        }
        continue;
      }
      operators++;
      nodes.add(
          new OpNode(
              n.name(),
              MxnetOps.onnxOp(n),
              "",
              MxnetOps.inputs(n),
              n.outputs(),
              sourceOp(n, MxnetOps.attributes(n)),
              n.scope()));
    }
    List<ValueInfo> graphInputs = new ArrayList<>();
    for (ValueInfo i : src.inputs()) {
      graphInputs.add(
          tokenIds.contains(i.name())
              ? new ValueInfo(i.name(), Optional.of(DType.I32), i.shape())
              : i);
    }
    Graph g =
        new Graph(
            Map.of(),
            src.producer(),
            src.metadata(),
            graphInputs,
            src.outputs(),
            nodes,
            Map.of(),
            Map.of());
    ModelProfile p =
        new ModelProfile(
            profile.path(),
            profile.format(),
            profile.framework(),
            profile.weights(),
            weights,
            Optional.empty(),
            Optional.of(g),
            List.of(),
            List.of());
    GraphEvidence text = new GraphEvidence(new GraphIndex(p, g));
    Evidence scope =
        text.of(
            "symbol graph",
            operators + " operator nodes, read with ONNX op names",
            "what the model computes, read op by op");
    v.evidence(scope.source(), scope.key(), scope.value(), scope.meaning());
    GraphClassifier.classify(p, g, v);
  }

  /**
   * A parameter as its {@code __shape__} declares it, for the signals that look at shapes (an
   * embedding table has rank 2); dimensions Gluon infers later are 0, and then so is the size.
   */
  private static TensorInfo declared(OpNode variable) {
    List<Long> shape = MxnetOps.declaredShape(variable);
    long elements = shape.isEmpty() ? 0 : 1;
    for (long d : shape) {
      elements = d > 0 && elements <= Long.MAX_VALUE / 64 / d ? elements * d : 0;
    }
    return new TensorInfo(
        variable.name(), DType.F32, shape, elements, DType.F32.bytesFor(elements), "");
  }

  private static Map<String, AttributeValue> sourceOp(OpNode n, Map<String, AttributeValue> a) {
    Map<String, AttributeValue> out = new HashMap<>(a);
    out.put(GraphIndex.SOURCE_OP, new AttributeValue.Text(n.opType()));
    return out;
  }
}
