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
