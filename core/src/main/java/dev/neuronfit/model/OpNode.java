package dev.neuronfit.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator node of a computation graph.
 *
 * @param name the node's name (may be empty in the file)
 * @param opType the operator, e.g. {@code MatMul}, {@code aten::lstm}
 * @param domain the operator set domain ({@code ""} for the default ONNX domain, e.g. {@code
 *     com.microsoft})
 * @param inputs names of the values it consumes (an empty name is an omitted optional input)
 * @param outputs names of the values it produces
 * @param attributes the attributes a reader kept (the ones detection and estimates use)
 * @param scope where the node sits: {@code ""} for the main graph, otherwise a path such as {@code
 *     Loop_3/body} or {@code function:MyFunc}
 */
public record OpNode(
    String name,
    String opType,
    String domain,
    List<String> inputs,
    List<String> outputs,
    Map<String, AttributeValue> attributes,
    String scope) {
  public OpNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(opType, "opType");
    Objects.requireNonNull(domain, "domain");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    attributes = Map.copyOf(attributes);
    Objects.requireNonNull(scope, "scope");
  }

  /**
   * The operator with its domain, e.g. {@code com.microsoft::Attention}; the bare name for ONNX.
   */
  public String qualifiedOp() {
    return domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + "::" + opType;
  }

  public Optional<AttributeValue> attribute(String attributeName) {
    return Optional.ofNullable(attributes.get(attributeName));
  }

  /** True for nodes of the main graph, false inside subgraphs and functions. */
  public boolean inMainGraph() {
    return scope.isEmpty();
  }
}
