package dev.neuronfit.report;

import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a graph model is made of, as reports show it: producer, operator sets, inputs and outputs
 * with their shapes, and node counts.
 *
 * @param producer e.g. {@code pytorch 1.13.1}; empty when the file does not say
 * @param opsets operator set versions by domain ({@code ""} is the ONNX domain), sorted
 * @param inputs the main graph's inputs
 * @param outputs the main graph's outputs
 * @param nodes all nodes
 * @param subgraphNodes nodes inside subgraphs and functions
 */
public record GraphSummary(
    String producer,
    Map<String, Long> opsets,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    int nodes,
    int subgraphNodes) {
  public GraphSummary {
    Objects.requireNonNull(producer, "producer");
    opsets = Map.copyOf(opsets);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** The summary of a graph. */
  public static GraphSummary of(Graph g) {
    int sub = (int) g.nodes().stream().filter(n -> !n.inMainGraph()).count();
    return new GraphSummary(
        g.producer(), g.opsets(), g.inputs(), g.outputs(), g.nodes().size(), sub);
  }

  /** Opsets sorted by domain, the ONNX domain first. */
  public Map<String, Long> opsetsSorted() {
    return new TreeMap<>(opsets);
  }

  /** One line, e.g. {@code pytorch 1.13.1 · opset 14 · 541 nodes (24 in subgraphs)}. */
  public String line() {
    StringBuilder sb = new StringBuilder(producer.isEmpty() ? "producer not stated" : producer);
    Long onnx = opsets.get("");
    if (onnx != null) {
      sb.append(" · opset ").append(onnx);
    }
    sb.append(" · ").append(nodes).append(" nodes");
    if (subgraphNodes > 0) {
      sb.append(" (").append(subgraphNodes).append(" in subgraphs and functions)");
    }
    return sb.toString();
  }

  /** e.g. {@code input_ids I64 [batch, 128]}. */
  static String describe(ValueInfo v) {
    return v.name()
        + v.elementType().map(t -> " " + t.name()).orElse("")
        + (v.shape().isEmpty() ? "" : " " + v.shapeText());
  }
}
