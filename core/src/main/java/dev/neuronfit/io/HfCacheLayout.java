package dev.neuronfit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Hugging Face hub cache ({@code huggingface_hub}'s layout, e.g. {@code
 * ~/.cache/huggingface/hub}): one folder per repository named {@code models--ORG--NAME} (or {@code
 * models--NAME} for a repository without an organisation), {@code datasets--...} or {@code
 * spaces--...}, each holding {@code blobs/} (the files, named by hash), {@code refs/} (branch names
 * to revisions) and {@code snapshots/REV/}, where each revision's files are symbolic links into
 * {@code blobs/}.
 *
 * <p>A search reads models from {@code snapshots/} only: the blobs are the same files again, under
 * names that say nothing. Repository ids cannot contain {@code --}, so the folder name splits back
 * into the id unambiguously.
 */
final class HfCacheLayout {
  private static final String MODELS = "models--";
  private static final String SNAPSHOTS = "snapshots";

  private HfCacheLayout() {}

  /**
   * A repository folder of the cache: {@code models--*}, {@code datasets--*} or {@code spaces--*}.
   */
  static boolean isRepoFolder(Path dir) {
    String name = fileName(dir);
    return (name.startsWith(MODELS) || name.startsWith("datasets--") || name.startsWith("spaces--"))
        && Files.isDirectory(dir.resolve(SNAPSHOTS));
  }

  /** A model repository, whose {@code snapshots/} holds models. */
  static boolean isModelRepo(Path dir) {
    return fileName(dir).startsWith(MODELS) && isRepoFolder(dir);
  }

  /** A file in the {@code blobs/} folder of a cache repository, where snapshots link to. */
  static boolean isBlob(Path realFile) {
    Path blobs = realFile.getParent();
    Path repo = blobs == null ? null : blobs.getParent();
    return repo != null
        && fileName(blobs).equals("blobs")
        && fileName(repo).startsWith(MODELS)
        && Files.isDirectory(repo.resolve(SNAPSHOTS));
  }

  /**
   * True when {@code realRoot} lies in the {@code snapshots/} of a model repository of the cache
   * and {@code realTarget} in the same repository (its {@code blobs/}, or another file of its
   * snapshots): how a snapshot's files link to their contents. Both paths are fully resolved.
   */
  static boolean sameRepo(Path realRoot, Path realTarget) {
    for (int i = realRoot.getNameCount() - 2; i >= 0; i--) {
      String name = realRoot.getName(i).toString();
      if (name.startsWith(MODELS)
          && name.length() > MODELS.length()
          && realRoot.getName(i + 1).toString().equals(SNAPSHOTS)) {
        return realTarget.startsWith(rootOf(realRoot, i + 1));
      }
    }
    return false;
  }

  /** The folder of a model repository that a search descends into. */
  static Path snapshots(Path repo) {
    return repo.resolve(SNAPSHOTS);
  }

  /**
   * The name of a model found at or under a snapshot: {@code ORG/NAME}, then {@code @REV} (the
   * first 7 characters of the revision) when the cache holds several revisions, then the path
   * inside the snapshot, if any. Empty for a path outside a cache.
   */
  static Optional<String> modelName(Path found) throws IOException {
    int n = found.getNameCount();
    for (int i = n - 3; i >= 0; i--) {
      String repo = found.getName(i).toString();
      if (repo.startsWith(MODELS)
          && repo.length() > MODELS.length()
          && found.getName(i + 1).toString().equals(SNAPSHOTS)) {
        StringBuilder name = new StringBuilder(repo.substring(MODELS.length()).replace("--", "/"));
        Path snapshots = rootOf(found, i + 2);
        if (revisions(snapshots) > 1) {
          String rev = found.getName(i + 2).toString();
          name.append('@').append(rev, 0, Math.min(7, rev.length()));
        }
        for (int k = i + 3; k < n; k++) {
          name.append('/').append(found.getName(k));
        }
        return Optional.of(name.toString());
      }
    }
    return Optional.empty();
  }

  /** {@code found} cut to its first {@code count} names, keeping its root. */
  private static Path rootOf(Path found, int count) {
    Path sub = found.subpath(0, count);
    return found.getRoot() == null ? sub : found.getRoot().resolve(sub);
  }

  private static int revisions(Path snapshots) throws IOException {
    int count = 0;
    for (Path p : ModelFiles.list(snapshots, "*")) {
      if (Files.isDirectory(p) && !fileName(p).startsWith(".")) {
        count++;
      }
    }
    return count;
  }

  private static String fileName(Path p) {
    return p.getFileName() == null ? "" : p.getFileName().toString();
  }
}
