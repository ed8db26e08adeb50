package dev.neuronfit.io;

/**
 * Hard limits on what a reader accepts from a file, checked before allocating or recursing, so that
 * a hostile or broken file costs bounded time and memory.
 *
 * @param maxJsonFileBytes largest JSON metadata file read whole (config.json, index files)
 * @param maxSafetensorsHeaderBytes largest safetensors header; the safetensors library itself
 *     refuses headers over 100,000,000 bytes, and so do we by default
 * @param maxTensors most tensors declared by one model, over all its files
 * @param maxWeightFiles most weight files (shards) one model may list
 * @param maxJsonDepth deepest nesting of JSON arrays and objects
 * @param maxJsonStringChars longest JSON string (key or value)
 * @param maxSearchDepth how many folder levels below a path are searched for models
 * @param maxModelsFound most models one search may return
 * @param maxNotes most non-fatal notes kept per model
 * @param maxGraphNodes most operator nodes one graph model may have, subgraphs and functions
 *     included
 * @param maxGraphDepth deepest nesting of subgraphs (If, Loop, Scan bodies) read
 * @param maxConstantElements largest constant tensor whose numbers are kept for detection
 * @param maxZipEntries most entries an archive may list
 * @param maxZipEntryBytes largest archive entry read whole (pickles, TorchScript code, configs)
 * @param maxCompressionRatio largest ratio of an entry's uncompressed to compressed size accepted
 *     while reading it (zip bombs reach thousands)
 */
public record ReadLimits(
    long maxJsonFileBytes,
    long maxSafetensorsHeaderBytes,
    int maxTensors,
    int maxWeightFiles,
    int maxJsonDepth,
    int maxJsonStringChars,
    int maxSearchDepth,
    int maxModelsFound,
    int maxNotes,
    int maxGraphNodes,
    int maxGraphDepth,
    int maxConstantElements,
    int maxZipEntries,
    long maxZipEntryBytes,
    int maxCompressionRatio) {

  /** The limits used unless a caller chooses others. */
  public static final ReadLimits DEFAULT =
      new ReadLimits(
          32L << 20,
          100_000_000L,
          500_000,
          10_000,
          64,
          1 << 20,
          6,
          10_000,
          20,
          1_000_000,
          8,
          4096,
          200_000,
          256L << 20,
          200);

  // Fixed caps no caller tunes, beside the limits above. A "kept" cap cuts a list (the rest is
  // skipped); a count over a "refused" cap makes the file a ModelFormatException.

  /** Longest JSON number, in characters (Jackson's own default is 1000). */
  public static final int MAX_JSON_NUMBER_CHARS = 100;

  /**
   * Most JSON values (objects, arrays, strings, numbers ...) held as a tree from one file, or from
   * one top-level entry of a safetensors header; more are refused. A value costs about 100 bytes of
   * heap as a tree, so this bounds a 32 MB config of empty objects to about 100 MB, and still
   * admits an index of {@link #DEFAULT}'s 500,000 tensors.
   */
  public static final long MAX_JSON_VALUES = 1_000_000;

  /** Longest excerpt of a file quoted in an error message (a JSON token), in characters. */
  public static final int MAX_QUOTED_CHARS = 40;

  /** Most dimensions of one tensor or shape; a longer shape is refused or not kept. */
  public static final int MAX_RANK = 64;

  /** Most inputs, or outputs, of one graph node; more are refused. */
  public static final int MAX_NODE_PORTS = 10_000;

  /** Most attributes kept per graph node. */
  public static final int MAX_NODE_ATTRIBUTES = 256;

  /** Most numbers kept from one list attribute; longer lists are dropped whole. */
  public static final int MAX_ATTRIBUTE_VALUES = 4096;

  /** Longest string attribute kept, in bytes; longer ones are skipped. */
  public static final int MAX_ATTRIBUTE_TEXT = 4096;

  /** Most shapes kept from one list-of-shapes attribute (one shape per output of a node). */
  public static final int MAX_ATTRIBUTE_SHAPES = 64;

  /** Most functions kept from one list-of-functions attribute. */
  public static final int MAX_ATTRIBUTE_FUNCTIONS = 64;

  /** Node inputs, outputs and attribute values kept per allowed graph node (bounds the heap). */
  public static final long KEPT_PER_NODE = 16;

  /** Most inputs, or outputs, kept for one graph or function (Placeholders, signature entries). */
  public static final int MAX_GRAPH_PORTS = 10_000;

  /** Most metadata entries (ONNX metadata_props), and opset imports, kept per model. */
  public static final int MAX_METADATA_ENTRIES = 1000;

  /** Longest metadata string kept (Keras version, backend, optimizer, loss), in characters. */
  public static final int MAX_METADATA_TEXT = 200;

  /** Most meta graphs one SavedModel may hold; more are refused. */
  public static final int MAX_META_GRAPHS = 1000;

  /** Most signatures one SavedModel meta graph may hold; more are refused. */
  public static final int MAX_SIGNATURES = 1000;

  /** Most tags kept per SavedModel meta graph. */
  public static final int MAX_META_GRAPH_TAGS = 64;

  /** Longest string read from a SavedModel's meta graph header (tags, versions, keys), in bytes. */
  public static final int MAX_HEADER_STRING = 1 << 16;

  /** Most data files (shards) a TensorFlow variables index may announce; more are refused. */
  public static final long MAX_VARIABLE_SHARDS = 100_000;

  /** Longest array name in an MXNet NDArray list ({@code .params}), in bytes; longer is refused. */
  public static final int MAX_NDARRAY_NAME_BYTES = 1 << 16;

  /** Most {@code .params} files beside one MXNet symbol considered when pairing them. */
  public static final int MAX_MXNET_PARAMS_FILES = 10_000;

  /** Largest one-line marker entry of a torch archive read ({@code byteorder}, {@code version}). */
  public static final int MAX_MARKER_ENTRY_BYTES = 16;

  public ReadLimits {
    if (maxJsonFileBytes <= 0
        || maxSafetensorsHeaderBytes <= 0
        || maxTensors <= 0
        || maxWeightFiles <= 0
        || maxJsonDepth <= 0
        || maxJsonStringChars <= 0
        || maxSearchDepth < 0
        || maxModelsFound <= 0
        || maxNotes < 0
        || maxGraphNodes <= 0
        || maxGraphDepth < 0
        || maxConstantElements < 0
        || maxZipEntries <= 0
        || maxZipEntryBytes <= 0
        || maxCompressionRatio <= 0) {
      throw new IllegalArgumentException("read limits must be positive");
    }
  }

  /** These limits with another search depth (a scan searches deeper than a check). */
  public ReadLimits withMaxSearchDepth(int depth) {
    return new ReadLimits(
        maxJsonFileBytes,
        maxSafetensorsHeaderBytes,
        maxTensors,
        maxWeightFiles,
        maxJsonDepth,
        maxJsonStringChars,
        depth,
        maxModelsFound,
        maxNotes,
        maxGraphNodes,
        maxGraphDepth,
        maxConstantElements,
        maxZipEntries,
        maxZipEntryBytes,
        maxCompressionRatio);
  }
}
