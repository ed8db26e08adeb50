package dev.neuronfit.classify;

import static dev.neuronfit.io.tf.TfBytes.INT32;
import static dev.neuronfit.io.tf.TfBytes.attrInts;
import static dev.neuronfit.io.tf.TfBytes.attrStr;
import static dev.neuronfit.io.tf.TfBytes.attrTensor;
import static dev.neuronfit.io.tf.TfBytes.attrType;
import static dev.neuronfit.io.tf.TfBytes.constant;
import static dev.neuronfit.io.tf.TfBytes.floatTensor;
import static dev.neuronfit.io.tf.TfBytes.intTensor;
import static dev.neuronfit.io.tf.TfBytes.node;
import static dev.neuronfit.io.tf.TfBytes.placeholder;

import dev.neuronfit.io.tf.TfBytes;
import dev.neuronfit.io.tf.TfBytes.Pb;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small TensorFlow graphs layer by layer for classification tests: each call adds the
 * NodeDefs of one layer (weights as zero-filled Const nodes) and returns the name of its output.
 */
public final class TfNet {
  private final List<Pb> nodes = new ArrayList<>();
  private int count;

  public String input(String name, int dtype, long... dims) {
    nodes.add(placeholder(name, dtype, dims));
    return name;
  }

  public String weight(long... dims) {
    String name = "w" + count++;
    nodes.add(constant(name, floatTensor(dims)));
    return name;
  }

  public String ints(long... values) {
    String name = "c" + count++;
    nodes.add(
        node(
            name,
            "Const",
            List.of(),
            attrType("dtype", INT32),
            attrTensor("value", intTensor(new long[] {values.length}, values))));
    return name;
  }

  /** An int32 scalar constant. */
  public String scalar(long value) {
    String name = "c" + count++;
    nodes.add(
        node(
            name,
            "Const",
            List.of(),
            attrType("dtype", INT32),
            attrTensor("value", intTensor(new long[0], value))));
    return name;
  }

  public String op(String op, List<String> inputs, Pb... attrs) {
    String name = op.toLowerCase(java.util.Locale.ROOT) + "_" + count++;
    nodes.add(node(name, op, inputs, attrs));
    return name;
  }

  /** Adds a node built elsewhere. */
  public void add(Pb node) {
    nodes.add(node);
  }

  /** Conv2D with a [k, k, in, out] filter, then BiasAdd and Relu. */
  public String conv(String x, int in, int out, int k, int stride) {
    String c =
        op(
            "Conv2D",
            List.of(x, weight(k, k, in, out)),
            attrInts("strides", 1, stride, stride, 1),
            attrStr("padding", "SAME"));
    return op("Relu", List.of(op("BiasAdd", List.of(c, weight(out)))));
  }

  /** A transposed convolution that doubles the resolution. */
  public String upsample(String x, int in, int out) {
    return op(
        "Conv2DBackpropInput",
        List.of(ints(1, 64, 64, out), weight(2, 2, out, in), x),
        attrInts("strides", 1, 2, 2, 1));
  }

  public String dense(String x, int in, int out) {
    return op("BiasAdd", List.of(op("MatMul", List.of(x, weight(in, out))), weight(out)));
  }

  /**
   * Self-attention: projections, scores by BatchMatMulV2, scaling, an optional additive mask,
   * Softmax, the product with the values, the output projection and the residual.
   */
  public String attention(String h, int d, String mask) {
    String q = dense(h, d, d);
    String k = dense(h, d, d);
    String v = dense(h, d, d);
    String scores = op("BatchMatMulV2", List.of(q, k));
    String scaled = op("Mul", List.of(scores, weight(1)));
    if (mask != null) {
      scaled = op("AddV2", List.of(scaled, mask));
    }
    String probs = op("Softmax", List.of(scaled));
    String ctx = op("BatchMatMulV2", List.of(probs, v));
    return op("AddV2", List.of(h, dense(ctx, d, d)));
  }

  public List<Pb> nodes() {
    return nodes;
  }

  public byte[] graphDef() {
    return TfBytes.graph(nodes).toBytes();
  }
}
