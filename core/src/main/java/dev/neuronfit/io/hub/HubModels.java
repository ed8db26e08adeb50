package dev.neuronfit.io.hub;

import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Models on the Hub by id: resolves the revision to a commit, builds (or finds) the sparse copy of
 * that commit in neuronfit's cache ({@code HUB_CACHE/ORG--NAME/COMMIT/}) and locates the models in
 * it as {@link ModelLocator} does on disk, named {@code ORG/NAME@COMMIT7}.
 *
 * <p>No request is made when the commit's copy is already cached (a branch's commit is remembered
 * for {@link HubSettings#refTtl()}), nor when {@code HF_HUB_OFFLINE} is set: then the copy, or the
 * revision in the user's Hugging Face cache, is read, or the check fails saying so.
 *
 * <p>Thread-safe; one instance serves many ids.
 */
public final class HubModels {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final int MAX_API_BYTES = 64 * 1024 * 1024;
  private static final int SHORT_COMMIT = 7;

  private final HubSettings settings;
  private final ReadLimits limits;

  /** Made on the first request: a check served from the cache never pays for it. */
  private HttpClient http;

  private final java.util.concurrent.atomic.LongAdder received =
      new java.util.concurrent.atomic.LongAdder();

  public HubModels(HubSettings settings, ReadLimits limits) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * The HTTP client, built at the first request rather than up front: building it sets up TLS (the
   * JDK's trust store), about 0.15 s of a check that the cache then answers alone.
   */
  private synchronized HttpClient http() {
    if (http == null) {
      http = HubClient.httpClient(settings);
    }
    return http;
  }

  /**
   * The models of a Hub revision.
   *
   * @throws HubException when the model cannot be reached, is missing, gated, or not cached offline
   * @throws dev.neuronfit.io.ModelFormatException when its files are malformed
   */
  public List<ModelLocator.Located> locate(HubId id) throws IOException {
    Transfer transfer = new Transfer();
    try {
      return locate(id, transfer);
    } finally {
      received.add(transfer.bytes());
    }
  }

  private List<ModelLocator.Located> locate(HubId id, Transfer transfer) throws IOException {
    Path repoDir = settings.cacheRoot().resolve(id.folderName());
    Optional<String> commit = knownCommit(id, repoDir);
    if (commit.isPresent() && Files.isDirectory(repoDir.resolve(commit.get()))) {
      return located(
          id,
          repoDir.resolve(commit.get()),
          commit.get(),
          "read from neuronfit's cache of " + settings.endpoint() + " (no request)",
          true);
    }
    Optional<Path> hfRepo = hfRepo(id);
    if (settings.offline()) {
      Optional<String> c = commit.or(() -> hfRepo.flatMap(r -> hfRef(r, id.revision())));
      if (c.isPresent() && hfRepo.isPresent()) {
        Path snap = hfRepo.get().resolve("snapshots").resolve(c.get());
        if (Files.isDirectory(snap)) {
          return located(
              id, snap, c.get(), "read from the Hugging Face cache (HF_HUB_OFFLINE)", false);
        }
      }
      throw new HubException(
          id
              + ": HF_HUB_OFFLINE is set and this revision is in neither neuronfit's cache ("
              + settings.cacheRoot()
              + ") nor the Hugging Face cache ("
              + settings.hfCache()
              + "); unset HF_HUB_OFFLINE to fetch it");
    }
    HubClient client = new HubClient(settings, http(), transfer);
    RevisionInfo info =
        RevisionInfo.parse(
            client.revisionJson(id, commit.orElse(id.revision()), MAX_API_BYTES),
            id,
            new BoundedJson(limits));
    if (!id.pinned()) {
      remember(repoDir, id.revision(), info.commit());
    }
    Path folder = repoDir.resolve(info.commit());
    if (!Files.isDirectory(folder)) {
      Optional<Path> hfSnap =
          hfRepo.map(r -> r.resolve("snapshots").resolve(info.commit())).filter(Files::isDirectory);
      build(id, info, hfSnap, transfer, client, repoDir, folder);
    }
    String hfNote =
        transfer.hfCacheFiles() == 0
            ? ""
            : "; " + transfer.hfCacheFiles() + " file(s) from the Hugging Face cache";
    return located(
        id,
        folder,
        info.commit(),
        String.format(
            Locale.ROOT,
            "read from %s: %d request(s), %,d bytes received%s",
            settings.endpoint(),
            transfer.requests(),
            transfer.bytes(),
            hfNote),
        true);
  }

  /** Body bytes received from the Hub by all of this instance's checks so far (for metrics). */
  public long bytesReceived() {
    return received.sum();
  }

  private void build(
      HubId id,
      RevisionInfo info,
      Optional<Path> hfSnap,
      Transfer transfer,
      HubClient client,
      Path repoDir,
      Path folder)
      throws IOException {
    Files.createDirectories(repoDir);
    Path tmp = Files.createTempDirectory(repoDir, ".partial-");
    ExecutorService pool =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            r -> {
              Thread t = new Thread(r, "neuronfit-hub");
              t.setDaemon(true);
              return t;
            });
    try {
      new SparseSnapshot(id, info, limits, hfSnap, transfer, client, pool).writeTo(tmp);
      try {
        Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // another check of the same commit finished first: its copy is as good
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, folder);
      }
    } finally {
      pool.shutdownNow();
      deleteTree(tmp);
    }
  }

  /**
   * @param sparse whether {@code folder} is a sparse copy in neuronfit's cache, whose stubs are
   *     read as the files they stand for (never a folder of the Hugging Face cache)
   */
  private List<ModelLocator.Located> located(
      HubId id, Path folder, String commit, String note, boolean sparse) throws IOException {
    String shown = id.repo() + "@" + commit.substring(0, SHORT_COMMIT);
    List<String> notes = new ArrayList<>();
    notes.add(note + " (revision " + id.revision() + " = commit " + commit + ")");
    Path skipped = folder.resolve(SparseSnapshot.SKIPPED);
    if (Files.isRegularFile(skipped)) {
      List<String> names = Files.readAllLines(skipped, StandardCharsets.UTF_8);
      notes.add(
          "not read over the network (configs, safetensors headers, ONNX graphs, GGUF headers,"
              + " the directories and pickles of PyTorch zip checkpoints without safetensors, and"
              + " legacy checkpoints of at most 16 MiB are): "
              + String.join(", ", names.subList(0, Math.min(5, names.size())))
              + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : ""));
    }
    List<ModelLocator.Located> out = new ArrayList<>();
    List<ModelLocator.Located> found =
        sparse
            ? ModelFiles.readingSparseCopy(folder, () -> new ModelLocator(limits).locate(folder))
            : new ModelLocator(limits).locate(folder);
    for (ModelLocator.Located m : found) {
      Path rel = folder.relativize(m.path());
      String name = rel.toString().isEmpty() ? shown : shown + "/" + rel;
      out.add(
          new ModelLocator.Located(
              m.path(), new HubReader(m.reader(), folder, sparse, shown, notes), name));
    }
    return out;
  }

  /** The commit of a revision without asking: a commit hash, or a branch remembered lately. */
  private Optional<String> knownCommit(HubId id, Path repoDir) throws IOException {
    if (id.pinned()) {
      return Optional.of(id.revision());
    }
    Path ref = refFile(repoDir, id.revision());
    if (!Files.isRegularFile(ref)) {
      return Optional.empty();
    }
    Instant written = Files.getLastModifiedTime(ref).toInstant();
    if (!settings.offline() && written.plus(settings.refTtl()).isBefore(Instant.now())) {
      return Optional.empty();
    }
    String c = Files.readString(ref, StandardCharsets.US_ASCII).strip();
    return COMMIT.matcher(c).matches() ? Optional.of(c) : Optional.empty();
  }

  private void remember(Path repoDir, String revision, String commit) throws IOException {
    Path ref = refFile(repoDir, revision);
    Files.createDirectories(ref.getParent());
    Path tmp = Files.createTempFile(ref.getParent(), ".ref-", "");
    Files.writeString(tmp, commit, StandardCharsets.US_ASCII);
    Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.setLastModifiedTime(ref, FileTime.from(Instant.now()));
  }

  private static Path refFile(Path repoDir, String revision) {
    return repoDir.resolve("refs").resolve(URLEncoder.encode(revision, StandardCharsets.UTF_8));
  }

  /** huggingface_hub's folder for the repository, when it exists. */
  private Optional<Path> hfRepo(HubId id) {
    Path p = settings.hfCache().resolve("models--" + id.folderName());
    return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
  }

  /** The commit huggingface_hub recorded for a branch ({@code refs/REV}), or the commit itself. */
  private static Optional<String> hfRef(Path hfRepo, String revision) {
    if (COMMIT.matcher(revision).matches()) {
      return Optional.of(revision);
    }
    Path ref = hfRepo.resolve("refs").resolve(revision).normalize();
    try {
      if (ref.startsWith(hfRepo.resolve("refs"))
          && Files.isRegularFile(ref)
          && Files.size(ref) < 100) {
        String c = Files.readString(ref, StandardCharsets.US_ASCII).strip();
        return COMMIT.matcher(c).matches() ? Optional.of(c) : Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Writes a sparse file of {@code size} bytes into neuronfit's cache: {@code ranges} (offset to
   * bytes) in place, the rest a hole never written. Here because this class owns the cache's files.
   */
  static void writeSparse(Path target, long size, java.util.SortedMap<Long, byte[]> ranges)
      throws IOException {
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(target.toFile(), "rw")) {
      raf.setLength(size);
      for (java.util.Map.Entry<Long, byte[]> e : ranges.entrySet()) {
        raf.seek(e.getKey());
        raf.write(e.getValue());
      }
    }
  }

  /** Deletes a folder of neuronfit's cache and all in it. Here because this class owns them. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
