package dev.neuronfit.io.pickle;

import dev.neuronfit.io.ReadLimits;

/**
 * Bounds on one pickle read by {@link PickleMachine}, so that a hostile pickle costs bounded time
 * and memory. Derived from {@link ReadLimits} so that one set of limits governs every reader.
 *
 * @param maxBytes largest pickle read (all pickles of a legacy stream together)
 * @param maxOps most opcodes executed
 * @param maxStack most values on the stack at once
 * @param maxMemo most memo entries (indices themselves may be any unsigned 32-bit number)
 * @param maxStringBytes longest str kept (a longer one is refused) and longest bytes value whose
 *     content is kept (a longer one is skipped, its length kept)
 * @param maxDepth deepest nesting of containers walked after reading
 * @param maxHazards most distinct hazardous globals recorded; more are counted, not listed, and a
 *     code-running one takes the place of an import-only one
 * @param maxObjects most values pushed by one pickle (new values and memo references alike): each
 *     stays reachable from a container or the memo, so this bounds the memory a pickle of many
 *     small values (millions of empty dicts) can take, which the opcode count alone does not
 */
public record PickleLimits(
    long maxBytes,
    long maxOps,
    int maxStack,
    int maxMemo,
    int maxStringBytes,
    int maxDepth,
    int maxHazards,
    long maxObjects) {

  /** The object budget of the default limits; see {@link #from}. */
  static final long MIN_OBJECTS = 1_000_000L;

  public PickleLimits {
    if (maxBytes <= 0
        || maxOps <= 0
        || maxStack <= 0
        || maxMemo <= 0
        || maxStringBytes <= 0
        || maxDepth <= 0
        || maxHazards <= 0
        || maxObjects <= 0) {
      throw new IllegalArgumentException("pickle limits must be positive");
    }
  }

  /**
   * The pickle limits that follow from the general ones. A stored tensor costs a torch pickle about
   * 25 opcodes and 5 memo entries (its name, persistent id, storage key, size and the rebuilt
   * tensor), so opcodes, memo and stack scale with {@link ReadLimits#maxTensors()}. A module tree
   * doubles its depth through {@code _modules} dicts and a tensor adds three levels (rebuild call,
   * argument tuple, persistent id), so the depth is four times the JSON depth. A stored tensor
   * pushes about 30 values (measured with pickletools on the example checkpoints); the object
   * budget of 1 million (twice the default tensor cap, more when the cap is raised) covers a single
   * pickle of over 30,000 tensors, far beyond the largest state dict shard or training checkpoint,
   * while a pickle of millions of empty containers stops inside the launcher's 320 MB heap (a value
   * held costs about 150 bytes with its memo entry).
   */
  public static PickleLimits from(ReadLimits l) {
    long tensors = l.maxTensors();
    return new PickleLimits(
        l.maxZipEntryBytes(),
        Math.max(1_000_000L, 40 * tensors),
        (int) Math.min(Integer.MAX_VALUE, Math.max(100_000L, 2 * tensors)),
        (int) Math.min(Integer.MAX_VALUE, Math.max(100_000L, 8 * tensors)),
        l.maxJsonStringChars(),
        4 * l.maxJsonDepth(),
        100,
        Math.max(MIN_OBJECTS, 2L * tensors));
  }
}
