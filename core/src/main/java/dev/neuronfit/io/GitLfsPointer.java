package dev.neuronfit.io;

import dev.neuronfit.model.Hazard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Git LFS pointer file: what a clone without Git LFS (or with {@code GIT_LFS_SKIP_SMUDGE=1})
 * leaves in place of a large file. Its text, per the Git LFS pointer specification (git-lfs
 * docs/spec.md), is {@code version https://git-lfs.github.com/spec/v1}, then {@code oid sha256:<64
 * hex>} and {@code size <bytes>}, one per line; Git LFS itself treats only blobs under 1024 bytes
 * as pointers, and so do we.
 *
 * @param oid the object id, e.g. {@code sha256:4d7a...}
 * @param size the size in bytes of the file it stands for
 */
public record GitLfsPointer(String oid, long size) {
  /** The first line's prefix; {@link ContentSniffer} recognises pointers by it. */
  public static final String VERSION_PREFIX = "version https://git-lfs.github.com/spec/";

  /** The {@link Hazard#kind()} readers record for a pointer found in place of a model's file. */
  public static final String HAZARD_KIND = "lfs-pointer";

  private static final int MAX_POINTER_BYTES = 1024;
  private static final Pattern OID = Pattern.compile("(?m)^oid (sha256:[0-9a-f]{64})$");
  private static final Pattern SIZE = Pattern.compile("(?m)^size ([0-9]{1,18})$");

  /**
   * The pointer in {@code file}, or empty when the file is not one, or cannot be read within the
   * model's {@code root} (see {@link ModelFiles}).
   */
  public static Optional<GitLfsPointer> read(Path file, Path root) {
    try {
      if (!ModelFiles.isAllowedFile(file, root)
          || ModelFiles.size(file, root, file) >= MAX_POINTER_BYTES) {
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = ModelFiles.stream(file, root, file)) {
        bytes = in.readNBytes(MAX_POINTER_BYTES);
      }
      return parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The pointer in this text, or empty when it is not one. */
  static Optional<GitLfsPointer> parse(String text) {
    if (!text.startsWith(VERSION_PREFIX)) {
      return Optional.empty();
    }
    Matcher oid = OID.matcher(text);
    Matcher size = SIZE.matcher(text);
    if (!oid.find() || !size.find()) {
      // the first line alone makes it a pointer; a damaged one still is not the model
      return Optional.of(new GitLfsPointer("", -1));
    }
    return Optional.of(new GitLfsPointer(oid.group(1), Long.parseLong(size.group(1))));
  }

  /** True when the pointer declares the size of the file it stands for. */
  public boolean hasSize() {
    return size >= 0;
  }

  /** One phrase saying what the file is, e.g. {@code a Git LFS pointer to 548,105,171 bytes}. */
  public String describe() {
    return hasSize()
        ? String.format("a Git LFS pointer to %,d bytes (%s)", size, shortOid())
        : "a Git LFS pointer (without a valid oid and size)";
  }

  private String shortOid() {
    return oid.length() > 19 ? oid.substring(0, 19) + "..." : oid;
  }

  /** The hazard a reader records for this pointer standing in place of {@code name}. */
  public Hazard hazard(String name) {
    return new Hazard(HAZARD_KIND, name + " is " + describe(), name);
  }

  /** The one-line error for a file named directly that is a pointer. */
  public ModelFormatException error(Path shown) {
    return new ModelFormatException(
        shown,
        "",
        describe()
            + ", not the model itself: the repository was cloned without Git LFS (run git lfs"
            + " install, then git lfs pull in the clone, or download the file from its hub)");
  }
}
