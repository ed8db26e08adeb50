package dev.neuronfit.estimate.graph;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node during shape propagation: its attributes with ONNX defaults, and what is known about its
 * inputs (an omitted optional input is {@link TensorValue#UNKNOWN} and not {@link #present}).
 */
public final class NodeView {
  private final OpNode node;
  private final List<TensorValue> inputs;

  public NodeView(OpNode node, List<TensorValue> inputs) {
    this.node = node;
    this.inputs = List.copyOf(inputs);
  }

  /**
   * A view of an ONNX operator standing in for a node of another format with the same meaning
   * (TensorFlow's ConcatV2 read as Concat with its axis as an attribute), so that the ONNX shape
   * functions serve both.
   */
  public static NodeView of(
      String op, List<TensorValue> inputs, Map<String, AttributeValue> attributes, int outputs) {
    List<String> in = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      in.add("in" + i);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.max(1, outputs); i++) {
      out.add("out" + i);
    }
    return new NodeView(new OpNode(op, op, "", in, out, attributes, ""), inputs);
  }

  public OpNode node() {
    return node;
  }

  /** Inputs the node lists, omitted optional ones included. */
  public int inputCount() {
    return inputs.size();
  }

  public int outputCount() {
    return node.outputs().size();
  }

  /** True when input {@code i} is given (not omitted). */
  public boolean present(int i) {
    return i < inputs.size() && !node.inputs().get(i).isEmpty();
  }

  public TensorValue in(int i) {
    return present(i) ? inputs.get(i) : TensorValue.UNKNOWN;
  }

  public boolean has(String attribute) {
    return node.attribute(attribute).isPresent();
  }

  public long integer(String attribute, long fallback) {
    return node.attribute(attribute)
        .filter(a -> a instanceof AttributeValue.Int)
        .map(AttributeValue::asLong)
        .orElse(fallback);
  }

  public double real(String attribute, double fallback) {
    return node.attribute(attribute)
        .map(
            a ->
                a instanceof AttributeValue.Float f
                    ? f.value()
                    : a instanceof AttributeValue.Int i ? (double) i.value() : fallback)
        .orElse(fallback);
  }

  public String text(String attribute, String fallback) {
    return node.attribute(attribute)
        .map(a -> a instanceof AttributeValue.Text t ? t.value() : fallback)
        .orElse(fallback);
  }

  /** An integer-list attribute, or null when absent (a single integer counts as a list of one). */
  public long[] ints(String attribute) {
    return node.attribute(attribute)
        .map(
            a ->
                a instanceof AttributeValue.Int i
                    ? new long[] {i.value()}
                    : a.asLongs().stream().mapToLong(Long::longValue).toArray())
        .filter(a -> a.length > 0)
        .orElse(null);
  }

  /** A float-list attribute, or null when absent. */
  public double[] floats(String attribute) {
    return node.attribute(attribute)
        .map(
            a ->
                a instanceof AttributeValue.Floats f
                    ? f.values().stream().mapToDouble(Double::doubleValue).toArray()
                    : null)
        .orElse(null);
  }

  /**
   * Integers given either by an attribute (older opsets) or by a constant input (newer ones), e.g.
   * the axes of Squeeze or the pads of Pad; null when neither is known.
   */
  public long[] intsFrom(String attribute, int input) {
    long[] a = ints(attribute);
    if (a != null) {
      return a;
    }
    return present(input) ? in(input).longs() : null;
  }
}
