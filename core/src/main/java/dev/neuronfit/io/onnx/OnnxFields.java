package dev.neuronfit.io.onnx;

/**
 * Field numbers of the ONNX protobuf messages this reader uses, as facts from the ONNX
 * specification (onnx/onnx.proto, IR version 10). The .proto file itself is not part of neuronfit;
 * fields not listed here are skipped by their wire type.
 */
final class OnnxFields {
  private OnnxFields() {}

  /** ModelProto. */
  static final int MODEL_IR_VERSION = 1;

  static final int MODEL_PRODUCER_NAME = 2;
  static final int MODEL_PRODUCER_VERSION = 3;
  static final int MODEL_GRAPH = 7;
  static final int MODEL_OPSET_IMPORT = 8;
  static final int MODEL_METADATA_PROPS = 14;
  static final int MODEL_FUNCTIONS = 25;

  /** OperatorSetIdProto. */
  static final int OPSET_DOMAIN = 1;

  static final int OPSET_VERSION = 2;

  /** StringStringEntryProto. */
  static final int ENTRY_KEY = 1;

  static final int ENTRY_VALUE = 2;

  /** GraphProto. */
  static final int GRAPH_NODE = 1;

  static final int GRAPH_NAME = 2;
  static final int GRAPH_INITIALIZER = 5;
  static final int GRAPH_INPUT = 11;
  static final int GRAPH_OUTPUT = 12;
  static final int GRAPH_VALUE_INFO = 13;
  static final int GRAPH_SPARSE_INITIALIZER = 15;

  /** NodeProto. */
  static final int NODE_INPUT = 1;

  static final int NODE_OUTPUT = 2;
  static final int NODE_NAME = 3;
  static final int NODE_OP_TYPE = 4;
  static final int NODE_ATTRIBUTE = 5;
  static final int NODE_DOMAIN = 7;

  /** AttributeProto. */
  static final int ATTR_NAME = 1;

  static final int ATTR_F = 2;
  static final int ATTR_I = 3;
  static final int ATTR_S = 4;
  static final int ATTR_T = 5;
  static final int ATTR_G = 6;
  static final int ATTR_FLOATS = 7;
  static final int ATTR_INTS = 8;
  static final int ATTR_GRAPHS = 11;

  /** TensorProto. */
  static final int TENSOR_DIMS = 1;

  static final int TENSOR_DATA_TYPE = 2;
  static final int TENSOR_FLOAT_DATA = 4;
  static final int TENSOR_INT32_DATA = 5;
  static final int TENSOR_STRING_DATA = 6;
  static final int TENSOR_INT64_DATA = 7;
  static final int TENSOR_NAME = 8;
  static final int TENSOR_RAW_DATA = 9;
  static final int TENSOR_DOUBLE_DATA = 10;
  static final int TENSOR_UINT64_DATA = 11;
  static final int TENSOR_EXTERNAL_DATA = 13;
  static final int TENSOR_DATA_LOCATION = 14;

  /** TensorProto.DataLocation value meaning the data is in another file. */
  static final int LOCATION_EXTERNAL = 1;

  /** SparseTensorProto. */
  static final int SPARSE_VALUES = 1;

  static final int SPARSE_INDICES = 2;
  static final int SPARSE_DIMS = 3;

  /** ValueInfoProto. */
  static final int VALUE_NAME = 1;

  static final int VALUE_TYPE = 2;

  /** TypeProto, TypeProto.Tensor, TensorShapeProto and its Dimension. */
  static final int TYPE_TENSOR = 1;

  static final int TYPE_TENSOR_ELEM_TYPE = 1;
  static final int TYPE_TENSOR_SHAPE = 2;
  static final int SHAPE_DIM = 1;
  static final int DIM_VALUE = 1;
  static final int DIM_PARAM = 2;

  /** FunctionProto. */
  static final int FUNCTION_NAME = 1;

  static final int FUNCTION_NODE = 7;
  static final int FUNCTION_DOMAIN = 10;
}
