package dev.neuronfit.io.tf;

/**
 * Field numbers of the TensorFlow protobuf messages this reader uses, as facts from TensorFlow's
 * tensorflow/core/framework/*.proto (graph, node_def, function, op_def, attr_value, tensor,
 * tensor_shape, types, versions) and tensorflow/core/protobuf/*.proto (saved_model, meta_graph,
 * tensor_bundle). The .proto files are not part of neuronfit; fields not listed here are skipped by
 * their wire type.
 */
final class TfFields {
  private TfFields() {}

  /** SavedModel. */
  static final int SAVED_MODEL_SCHEMA_VERSION = 1;

  static final int SAVED_MODEL_META_GRAPHS = 2;

  /** MetaGraphDef. */
  static final int META_INFO_DEF = 1;

  static final int META_GRAPH_DEF = 2;
  static final int META_SIGNATURE_DEF = 5;

  /** MetaGraphDef.MetaInfoDef. */
  static final int INFO_TAGS = 4;

  static final int INFO_TENSORFLOW_VERSION = 5;

  /** SignatureDef: maps of TensorInfo by key. */
  static final int SIGNATURE_INPUTS = 1;

  static final int SIGNATURE_OUTPUTS = 2;

  /** TensorInfo (of a signature). */
  static final int TENSOR_INFO_NAME = 1;

  static final int TENSOR_INFO_DTYPE = 2;
  static final int TENSOR_INFO_SHAPE = 3;

  /** Map entries (map<string, V> on the wire). */
  static final int ENTRY_KEY = 1;

  static final int ENTRY_VALUE = 2;

  /** GraphDef. */
  static final int GRAPH_NODE = 1;

  static final int GRAPH_LIBRARY = 2;
  static final int GRAPH_VERSION = 3;
  static final int GRAPH_VERSIONS = 4;

  /** VersionDef. */
  static final int VERSIONS_PRODUCER = 1;

  /** FunctionDefLibrary. */
  static final int LIBRARY_FUNCTION = 1;

  /** FunctionDef. */
  static final int FUNCTION_SIGNATURE = 1;

  static final int FUNCTION_NODE_DEF = 3;
  static final int FUNCTION_RET = 4;

  /** OpDef (a function's signature) and its ArgDef. */
  static final int OPDEF_NAME = 1;

  static final int OPDEF_INPUT_ARG = 2;
  static final int OPDEF_OUTPUT_ARG = 3;
  static final int ARGDEF_NAME = 1;

  /** NodeDef. */
  static final int NODE_NAME = 1;

  static final int NODE_OP = 2;
  static final int NODE_INPUT = 3;
  static final int NODE_ATTR = 5;

  /** AttrValue (a oneof). */
  static final int ATTR_LIST = 1;

  static final int ATTR_S = 2;
  static final int ATTR_I = 3;
  static final int ATTR_F = 4;
  static final int ATTR_B = 5;
  static final int ATTR_TYPE = 6;
  static final int ATTR_SHAPE = 7;
  static final int ATTR_TENSOR = 8;
  static final int ATTR_FUNC = 10;

  /** AttrValue.ListValue. */
  static final int LIST_S = 2;

  static final int LIST_I = 3;
  static final int LIST_F = 4;
  static final int LIST_SHAPE = 7;
  static final int LIST_FUNC = 9;

  /** NameAttrList. */
  static final int NAME_ATTR_LIST_NAME = 1;

  /** TensorProto. */
  static final int TENSOR_DTYPE = 1;

  static final int TENSOR_SHAPE = 2;
  static final int TENSOR_CONTENT = 4;
  static final int TENSOR_FLOAT_VAL = 5;
  static final int TENSOR_DOUBLE_VAL = 6;
  static final int TENSOR_INT_VAL = 7;
  static final int TENSOR_INT64_VAL = 10;
  static final int TENSOR_BOOL_VAL = 11;
  static final int TENSOR_HALF_VAL = 13;

  /** TensorShapeProto and its Dim. */
  static final int SHAPE_DIM = 2;

  static final int SHAPE_UNKNOWN_RANK = 3;
  static final int DIM_SIZE = 1;

  /** BundleHeaderProto and BundleEntryProto (the values of variables.index). */
  static final int HEADER_NUM_SHARDS = 1;

  static final int HEADER_ENDIANNESS = 2;
  static final int BUNDLE_DTYPE = 1;
  static final int BUNDLE_SHAPE = 2;
  static final int BUNDLE_SHARD_ID = 3;
  static final int BUNDLE_SIZE = 5;
  static final int BUNDLE_SLICES = 7;
}
