package dev.neuronfit.io.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.SparseStub;
import dev.neuronfit.io.gguf.GgufReader;
import dev.neuronfit.io.onnx.OnnxReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Builds the sparse copy of one revision that a check reads: the config files whole, of each
 * safetensors file only its 8-byte header length and header, and of each ONNX and GGUF file the
 * bytes its reader reads (the graph or header, payloads skipped), by range requests (see {@link
 * SparseStub} and {@link RangeSource}), and of each PyTorch zip checkpoint its directory and
 * pickles (a sparse file, see {@link ZipRanges}). Files come from the user's Hugging Face cache
 * when it has them, else from the Hub, several at a time.
 *
 * <p>Which files: at the top of the repository (and one folder down for diffusers pipelines and
 * repositories without a top-level config) {@code config.json}, {@code model_index.json}, {@code
 * quantize_config.json}, {@code quant_config.json}, {@code adapter_config.json}, the scheduler's
 * config and {@code *.index.json}; then the safetensors shards that an index names, or every {@code
 * .safetensors} file of a folder without an index; without any safetensors, each {@code .bin},
 * {@code .pt} and {@code .pth} file as a PyTorch checkpoint.
 */
final class SparseSnapshot {
  /** Bytes asked for first: the length and, for most shards, the whole header in one request. */
  static final int FIRST_RANGE = 16 * 1024;

  private static final Set<String> CONFIGS =
      Set.of(
          "config.json",
          "model_index.json",
          "quantize_config.json",
          "quant_config.json",
          "adapter_config.json",
          "scheduler_config.json");

  private static final List<String> INDEXES =
      List.of("model.safetensors.index.json", "diffusion_pytorch_model.safetensors.index.json");

  /** Hidden file listing weight files that were not read (formats not yet read over ranges). */
  static final String SKIPPED = ".neuronfit-not-fetched";

  private static final java.util.regex.Pattern UNREAD_WEIGHTS =
      java.util.regex.Pattern.compile(".*\\.(bin|h5|pt|pth|ckpt|msgpack)");

  /** PyTorch checkpoints read over ranges when a folder has no safetensors. */
  private static final java.util.regex.Pattern TORCH =
      java.util.regex.Pattern.compile(".*\\.(bin|pt|pth)");

  /**
   * Largest legacy (non-zip) or tar checkpoint fetched: the pickle checker reads it whole, and
   * nothing in it says where its pickles end without reading it.
   */
  static final long MAX_WHOLE_CHECKPOINT = 16L << 20;

  /** Most bytes one ONNX or GGUF file may cost over the network (its graph or header). */
  static final long MAX_RANGE_BYTES = 256L << 20;

  private final HubId id;
  private final RevisionInfo revision;
  private final ReadLimits limits;
  private final Optional<Path> hfSnapshot;
  private final Transfer transfer;
  private final HubClient client;
  private final ExecutorService pool;

  SparseSnapshot(
      HubId id,
      RevisionInfo revision,
      ReadLimits limits,
      Optional<Path> hfSnapshot,
      Transfer transfer,
      HubClient client,
      ExecutorService pool) {
    this.id = id;
    this.revision = revision;
    this.limits = limits;
    this.hfSnapshot = hfSnapshot;
    this.transfer = transfer;
    this.client = client;
    this.pool = pool;
  }

  /**
   * Writes the sparse copy into {@code folder}, which must be empty. Everything the file list alone
   * decides starts at once: the small files, the ONNX, GGUF and PyTorch files, and the safetensors
   * headers of the shards an index will most likely name (see {@link #likelyShards}); only shards
   * an index names beyond those wait for the index.
   */
  void writeTo(Path folder) throws IOException {
    Set<String> all = new LinkedHashSet<>(revision.files());
    boolean topConfig = all.contains("config.json");
    boolean pipeline = all.contains("model_index.json");
    int depth = topConfig && !pipeline ? 0 : 1;
    List<String> small = new ArrayList<>();
    for (String f : all) {
      if (depthOf(f) <= depth && (CONFIGS.contains(baseName(f)) || f.endsWith(".index.json"))) {
        small.add(f);
      }
    }
    Set<String> folders = new LinkedHashSet<>();
    for (String f : all) {
      if (depthOf(f) <= depth && f.endsWith(".safetensors")) {
        folders.add(parentOf(f));
      }
    }
    List<String> walked = new ArrayList<>();
    for (String f : all) {
      if (depthOf(f) <= depth && (f.endsWith(".onnx") || f.endsWith(".gguf"))) {
        walked.add(f);
      }
    }
    if (walked.size() > limits.maxWeightFiles()) {
      throw new HubException(
          id.repo()
              + ": "
              + walked.size()
              + " ONNX and GGUF files, over the limit of "
              + limits.maxWeightFiles());
    }
    List<String> checkpoints = new ArrayList<>();
    if (folders.isEmpty()) {
      for (String f : all) {
        if (depthOf(f) <= depth && TORCH.matcher(f).matches()) {
          checkpoints.add(f);
        }
      }
    }
    if (checkpoints.size() > limits.maxWeightFiles()) {
      throw new HubException(
          id.repo()
              + ": "
              + checkpoints.size()
              + " PyTorch checkpoint files, over the limit of "
              + limits.maxWeightFiles());
    }
    List<String> early = new ArrayList<>();
    for (String dir : folders) {
      early.addAll(likelyShards(dir, all));
    }
    if (early.size() > limits.maxWeightFiles()) {
      // not guessed ahead: the count the index gives is checked below
      early.clear();
    }
    Set<String> unread = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // guessed shards' stubs wait here until the index names them (written at once, not held:
    // a header may be large)
    Path guessed = folder.resolve(".neuronfit-guessed");
    Set<String> external = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (Batch batch = new Batch()) {
      List<Future<?>> smallDone = batch.submit(small, f -> write(folder, f, smallFile(f)));
      // a guessed file's failure counts only if the index names it
      Map<String, IOException> failed = new java.util.concurrent.ConcurrentHashMap<>();
      batch.submit(
          early,
          f -> {
            try {
              writeHeader(guessed, f);
            } catch (java.io.InterruptedIOException e) {
              throw e;
            } catch (IOException e) {
              failed.put(f, e);
            }
          });
      batch.submit(walked, f -> walk(folder, f, external));
      batch.submit(checkpoints, f -> checkpoint(folder, f, unread));
      batch.await(smallDone);
      List<String> shards = new ArrayList<>();
      for (String dir : folders) {
        shards.addAll(shardsOf(folder, dir, all));
      }
      if (shards.size() > limits.maxWeightFiles()) {
        throw new HubException(
            id.repo()
                + ": "
                + shards.size()
                + " safetensors files, over the limit of "
                + limits.maxWeightFiles());
      }
      List<String> late = new ArrayList<>(shards);
      late.removeAll(early);
      batch.submit(late, f -> writeHeader(folder, f));
      batch.awaitAll();
      for (String f : shards) {
        if (failed.containsKey(f)) {
          throw failed.get(f);
        }
      }
      // the guessed stubs the index named move into the copy; the others are dropped
      for (String f : shards) {
        Path staged = target(guessed, f);
        if (Files.exists(staged)) {
          Path to = target(folder, f);
          Files.createDirectories(to.getParent());
          SparseStub.move(staged, to);
        }
      }
      HubModels.deleteTree(guessed);
      if (external.size() > limits.maxWeightFiles()) {
        throw new HubException(
            id.repo()
                + ": "
                + external.size()
                + " ONNX external-data files, over the limit of "
                + limits.maxWeightFiles());
      }
      batch.submit(List.copyOf(new java.util.TreeSet<>(external)), f -> externalStub(folder, f));
      batch.awaitAll();
    }
    List<String> skipped = new ArrayList<>();
    for (String f : all) {
      if (depthOf(f) <= depth
          && !f.endsWith(".safetensors")
          && UNREAD_WEIGHTS.matcher(f).matches()
          && (!checkpoints.contains(f) || unread.contains(f))) {
        skipped.add(f);
      }
    }
    if (!skipped.isEmpty()) {
      Files.write(folder.resolve(SKIPPED), skipped);
    }
  }

  /** {@code NAME-00001-of-00004.safetensors}, as transformers and diffusers name shards. */
  private static final java.util.regex.Pattern SHARD =
      java.util.regex.Pattern.compile("[^/]*-\\d{5}-of-\\d{5}\\.safetensors");

  /**
   * The safetensors files of a folder whose headers are fetched before its index is read: all of
   * them when the folder has no index (they are what is read then), else those named as shards
   * ({@link #SHARD}), which is what an index names in practice. A guessed file the index does not
   * name costs its header's requests and is dropped.
   */
  private static List<String> likelyShards(String dir, Set<String> all) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    boolean indexed = INDEXES.stream().anyMatch(i -> all.contains(prefix + i));
    List<String> out = new ArrayList<>();
    for (String f : all) {
      if (f.endsWith(".safetensors")
          && parentOf(f).equals(dir)
          && (!indexed || SHARD.matcher(baseName(f)).matches())) {
        out.add(f);
      }
    }
    return out;
  }

  /** The shards an index of the folder names (those that exist), else all its safetensors. */
  private List<String> shardsOf(Path folder, String dir, Set<String> all) throws IOException {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    for (String index : INDEXES) {
      Path local = folder.resolve(prefix + index);
      if (Files.isRegularFile(local)) {
        JsonNode root =
            new BoundedJson(limits).readObjectFile(local, Path.of(id.repo(), prefix + index));
        JsonNode map = root.get("weight_map");
        Set<String> named = new LinkedHashSet<>();
        if (map != null && map.isObject()) {
          Iterator<Map.Entry<String, JsonNode>> it = map.fields();
          while (it.hasNext()) {
            JsonNode v = it.next().getValue();
            if (v.isTextual() && all.contains(prefix + v.asText()) && !v.asText().contains("/")) {
              named.add(prefix + v.asText());
            }
          }
        }
        return List.copyOf(named);
      }
    }
    List<String> out = new ArrayList<>();
    for (String f : all) {
      if (f.endsWith(".safetensors") && parentOf(f).equals(dir)) {
        out.add(f);
      }
    }
    return out;
  }

  private byte[] smallFile(String f) throws IOException {
    int max = (int) Math.min(Integer.MAX_VALUE - 8, limits.maxJsonFileBytes());
    Optional<Path> cached = fromHfCache(f);
    if (cached.isPresent()) {
      Path root = hfSnapshot.get();
      if (ModelFiles.size(cached.get(), root, cached.get()) > max) {
        throw new HubException(
            cached.get() + ": over the limit of " + max + " bytes for a config file");
      }
      return ModelFiles.readAll(cached.get(), root, cached.get(), max);
    }
    return client.file(id, revision.commit(), f, max);
  }

  /**
   * Fetches the length field and header of one safetensors file and writes its stub in {@code dir}.
   */
  private void writeHeader(Path dir, String f) throws IOException {
    Header h = header(f);
    Path target = target(dir, f);
    Files.createDirectories(target.getParent());
    SparseStub.writePrefix(target, h.prefix(), Math.max(h.total(), h.prefix().length));
  }

  /** The first bytes of a safetensors file (its length field and header) and its length. */
  private record Header(byte[] prefix, long total) {}

  /** Fetches the length field and header of one safetensors file. */
  private Header header(String f) throws IOException {
    Optional<Path> cached = fromHfCache(f);
    byte[] prefix;
    long total;
    if (cached.isPresent()) {
      total = ModelFiles.size(cached.get(), hfSnapshot.get(), cached.get());
      prefix = localPrefix(cached.get(), total);
    } else {
      HubClient.Range first = client.range(id, revision.commit(), f, 0, FIRST_RANGE);
      total = first.total();
      prefix = first.bytes();
      long need = needed(prefix, total);
      if (need > prefix.length) {
        HubClient.Range rest =
            client.range(id, revision.commit(), f, prefix.length, (int) (need - prefix.length));
        byte[] joined = new byte[(int) need];
        System.arraycopy(prefix, 0, joined, 0, prefix.length);
        System.arraycopy(rest.bytes(), 0, joined, prefix.length, rest.bytes().length);
        if (prefix.length + rest.bytes().length != need) {
          throw new HubException(id.repo() + "/" + f + ": the header came short");
        }
        prefix = joined;
      } else if (prefix.length > need) {
        prefix = java.util.Arrays.copyOf(prefix, (int) need);
      }
    }
    return new Header(prefix, total);
  }

  /**
   * Reads an ONNX graph or a GGUF header by ranges, as the reader reads the file on disk (payloads
   * skipped), and writes what was fetched as the file's stub. A malformed file still gets its stub:
   * reading the copy then fails as reading the file on disk does. The external-data files an ONNX
   * graph names are added to {@code external} (repository names).
   */
  private void walk(Path folder, String f, Set<String> external) throws IOException {
    RangeSource source = source(f);
    try {
      if (f.endsWith(".onnx")) {
        for (String location : OnnxReader.walk(source, limits)) {
          inRepository(parentOf(f), location).ifPresent(external::add);
        }
      } else {
        GgufReader.walk(source, limits);
      }
    } catch (ModelFormatException e) {
      // the check of the copy says so, naming the place
    }
    Path target = target(folder, f);
    Files.createDirectories(target.getParent());
    source.writeStub(target);
  }

  /**
   * The repository name of an external-data location written in a graph of folder {@code dir}, when
   * it is a plain relative path to a file the revision has (the reader refuses the others, on the
   * copy as on disk, and a missing file is a note).
   */
  private Optional<String> inRepository(String dir, String location) {
    if (location.isEmpty() || location.contains("\\") || location.startsWith("/")) {
      return Optional.empty();
    }
    String joined = dir.isEmpty() ? location : dir + "/" + location;
    List<String> parts = new ArrayList<>();
    for (String part : joined.split("/")) {
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return Optional.empty();
        }
        parts.remove(parts.size() - 1);
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    String name = String.join("/", parts);
    return revision.files().contains(name) ? Optional.of(name) : Optional.empty();
  }

  /**
   * Writes the stub of an external-data file: its first bytes and its size. The ONNX reader asks
   * only its size; the first bytes are there because a search of the copy looks at every file's
   * start to tell models from other files ({@link dev.neuronfit.io.ContentSniffer}), as it does on
   * disk. A file the copy already holds (written as something else) is left as it is.
   */
  private void externalStub(Path folder, String f) throws IOException {
    Path target = target(folder, f);
    if (Files.exists(target)) {
      return;
    }
    int head = dev.neuronfit.io.ContentSniffer.HEAD_BYTES;
    Optional<Path> cached = fromHfCache(f);
    byte[] start;
    long size;
    if (cached.isPresent()) {
      size = ModelFiles.size(cached.get(), hfSnapshot.get(), cached.get());
      start =
          RangeSource.local(cached.get(), hfSnapshot.get(), id, f, head)
              .bytes(0, (int) Math.min(head, size));
    } else {
      HubClient.Range r = client.range(id, revision.commit(), f, 0, head);
      start = r.bytes();
      size = r.total();
    }
    Files.createDirectories(target.getParent());
    SparseStub.writePrefix(target, start, Math.max(size, start.length));
  }

  /** The file read by ranges: from the Hugging Face cache when it has it, else from the Hub. */
  private RangeSource source(String f) {
    Optional<Path> cached = fromHfCache(f);
    return cached.isPresent()
        ? RangeSource.local(cached.get(), hfSnapshot.get(), id, f, MAX_RANGE_BYTES)
        : new RangeSource(client, id, revision.commit(), f, MAX_RANGE_BYTES);
  }

  /**
   * Reads a PyTorch checkpoint by ranges: of a zip checkpoint its directory and every entry but the
   * tensor storages (see {@link ZipRanges}), written as a sparse file; a legacy or tar checkpoint,
   * which the pickle checker needs whole, only when it is at most {@link #MAX_WHOLE_CHECKPOINT}
   * bytes, else it is named in {@code unread}. A malformed zip still gets its file: reading the
   * copy then fails as reading the file on disk does.
   */
  private void checkpoint(Path folder, String f, Set<String> unread) throws IOException {
    RangeSource source = source(f);
    Path target = target(folder, f);
    if (ZipRanges.isZip(source)) {
      try {
        ZipRanges.fetch(source, limits);
      } catch (ModelFormatException e) {
        // the check of the copy says so, naming the place
      }
      Files.createDirectories(target.getParent());
      source.writeSparse(target);
    } else if (source.size() <= MAX_WHOLE_CHECKPOINT) {
      byte[] whole = source.bytes(0, (int) source.size());
      Files.createDirectories(target.getParent());
      Files.write(target, whole);
    } else {
      unread.add(f);
    }
  }

  /**
   * How many bytes from the start the reader needs: 8 and the header, or fewer when the header
   * length is over the limit or past the file's end (the reader then says so, as for a local file).
   */
  private long needed(byte[] start, long total) {
    if (start.length < 8) {
      return start.length;
    }
    long headerLen = ByteBuffer.wrap(start, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLen < 0 || headerLen > limits.maxSafetensorsHeaderBytes() || 8 + headerLen > total) {
      return 8;
    }
    return 8 + headerLen;
  }

  private byte[] localPrefix(Path file, long total) throws IOException {
    // a file of the user's Hugging Face cache is model input: it is opened by the same policy
    try (FileChannel ch = ModelFiles.channel(file, hfSnapshot.get(), file)) {
      ByteBuffer first = ByteBuffer.allocate((int) Math.min(8, total));
      ch.read(first, 0);
      long need = needed(first.array(), total);
      ByteBuffer all = ByteBuffer.allocate((int) need);
      while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
        // read until the header is in
      }
      return all.array();
    }
  }

  private Optional<Path> fromHfCache(String f) {
    if (hfSnapshot.isEmpty()) {
      return Optional.empty();
    }
    Path p = hfSnapshot.get().resolve(f);
    if (Files.isRegularFile(p)) {
      transfer.hfCacheFile();
      return Optional.of(p);
    }
    return Optional.empty();
  }

  private static void write(Path folder, String f, byte[] bytes) throws IOException {
    Path target = target(folder, f);
    Files.createDirectories(target.getParent());
    Files.write(target, bytes);
  }

  private static Path target(Path folder, String f) throws HubException {
    Path t = folder.resolve(f).normalize();
    if (!t.startsWith(folder) || t.equals(folder)) {
      throw new HubException("refused a file name that leaves the model folder: " + f);
    }
    return t;
  }

  private interface Step {
    void run(String file) throws IOException;
  }

  /**
   * Steps run on the pool, awaited in groups; the first failure cancels all of them and is thrown.
   * Closing it cancels what is still running (after a failure elsewhere).
   */
  private final class Batch implements AutoCloseable {
    private final List<Future<?>> futures = new ArrayList<>();

    List<Future<?>> submit(List<String> files, Step step) {
      List<Future<?>> out = new ArrayList<>();
      for (String f : files) {
        Callable<Void> c =
            () -> {
              step.run(f);
              return null;
            };
        out.add(pool.submit(c));
      }
      futures.addAll(out);
      return out;
    }

    void awaitAll() throws IOException {
      await(List.copyOf(futures));
    }

    void await(List<Future<?>> some) throws IOException {
      try {
        for (Future<?> fu : some) {
          fu.get();
        }
      } catch (ExecutionException e) {
        close();
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        throw new IllegalStateException(c);
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    }

    @Override
    public void close() {
      futures.forEach(fu -> fu.cancel(true));
    }
  }

  private static int depthOf(String f) {
    return (int) f.chars().filter(c -> c == '/').count();
  }

  private static String baseName(String f) {
    return f.substring(f.lastIndexOf('/') + 1);
  }

  private static String parentOf(String f) {
    int i = f.lastIndexOf('/');
    return i < 0 ? "" : f.substring(0, i);
  }
}
