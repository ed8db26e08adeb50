package dev.neuronfit.kb;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whose operator names a list uses; a list can be checked directly only against a graph that names
 * its operators the same way.
 */
public enum OpNaming {
  /** ONNX {@code op_type}s of the default domain, e.g. {@code Conv}. */
  ONNX("onnx"),
  /** TorchScript operators, e.g. {@code aten::linear}, {@code prim::Constant}. */
  TORCHSCRIPT("torchscript"),
  /** TensorFlow graph operators (REGISTER_OP names), e.g. {@code Conv2D}. */
  TENSORFLOW("tensorflow"),
  /**
   * MXNet operators (NNVM_REGISTER_OP names, as symbol files record them), e.g. {@code batch_dot}.
   */
  MXNET("mxnet"),
  /** XLA HLO operators as XlaBuilder names them, e.g. {@code DotGeneral}. */
  XLA("xla");

  private final String id;

  OpNaming(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<OpNaming> fromId(String id) {
    return Arrays.stream(values()).filter(n -> n.id.equals(id)).findFirst();
  }
}
