package dev.neuronfit.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The structure of a graph-format model (ONNX): operators and the values between them, never the
 * weights. Nodes of subgraphs (If, Loop, Scan bodies) and model-local functions are included, each
 * with its {@link OpNode#scope()}.
 *
 * @param opsets the operator sets imported, as domain to version ({@code ""} is the ONNX domain)
 * @param producer the producing tool and its version, e.g. {@code pytorch 1.13.1}
 * @param metadata the model's metadata properties
 * @param inputs the main graph's inputs that are not initializers
 * @param outputs the main graph's outputs
 * @param nodes every node, main graph first, in file order
 * @param constants numbers of small constant tensors by name (initializers and Constant outputs)
 * @param externalData initializers stored in external files, by tensor name
 */
public record Graph(
    Map<String, Long> opsets,
    String producer,
    Map<String, String> metadata,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    List<OpNode> nodes,
    Map<String, ConstantValue> constants,
    Map<String, ExternalRef> externalData) {

  public Graph {
    opsets = Map.copyOf(opsets);
    Objects.requireNonNull(producer, "producer");
    metadata = Map.copyOf(metadata);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    nodes = List.copyOf(nodes);
    constants = Map.copyOf(constants);
    externalData = Map.copyOf(externalData);
  }

  /**
   * Where an external initializer's bytes are.
   *
   * @param location the data file, relative to the model's folder
   * @param offset byte offset in it
   * @param length bytes
   */
  public record ExternalRef(String location, long offset, long length) {
    public ExternalRef {
      Objects.requireNonNull(location, "location");
    }
  }

  /** Nodes of the main graph only. */
  public List<OpNode> mainNodes() {
    return nodes.stream().filter(OpNode::inMainGraph).toList();
  }
}
