package dev.neuronfit.testing;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.OpNode;
import java.util.List;
import java.util.Map;

/** Small operator graphs built in Java, for tests that need exact node sets. */
public final class Graphs {
  private Graphs() {}

  /** A graph of these nodes, produced by {@code producer} (e.g. {@code pytorch 1.13.0}). */
  public static Graph graph(String producer, OpNode... nodes) {
    return new Graph(
        Map.of("", 14L),
        producer,
        Map.of(),
        List.of(),
        List.of(),
        List.of(nodes),
        Map.of(),
        Map.of());
  }

  /** A node of the default ONNX domain in the main graph. */
  public static OpNode node(String name, String opType) {
    return in("", name, opType);
  }

  /** A node of the default ONNX domain in a scope ({@code ""} for the main graph). */
  public static OpNode in(String scope, String name, String opType) {
    return new OpNode(name, opType, "", List.of(), List.of(name + ":0"), Map.of(), scope);
  }

  /** A node of another operator domain, e.g. {@code com.microsoft}. */
  public static OpNode domain(String domain, String name, String opType) {
    return new OpNode(name, opType, domain, List.of(), List.of(name + ":0"), Map.of(), "");
  }

  /**
   * A control-flow node in a scope whose subgraph attribute {@code attribute} has scope {@code
   * body}.
   */
  public static OpNode withBody(
      String scope, String name, String opType, String attribute, String body) {
    return new OpNode(
        name,
        opType,
        "",
        List.of(),
        List.of(name + ":0"),
        Map.of(attribute, new AttributeValue.Subgraph(body)),
        scope);
  }
}
