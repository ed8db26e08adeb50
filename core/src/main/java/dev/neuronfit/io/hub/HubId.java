package dev.neuronfit.io.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model repository on the Hub and the revision asked for.
 *
 * <p>Spellings understood: {@code ORG/NAME}, {@code ORG/NAME@REVISION}, {@code hf://ORG/NAME[@REV]}
 * and a model page URL {@code https://HOST/ORG/NAME[/tree/REV]}. Repository names follow the Hub's
 * rules (letters, digits, {@code - _ .}, no {@code --} or {@code ..}, at most 96 characters), so an
 * id never escapes a cache folder.
 *
 * @param repo {@code ORG/NAME}
 * @param revision the branch, tag or commit asked for; {@code main} when none was given
 * @param explicitRevision whether the user named the revision
 */
public record HubId(String repo, String revision, boolean explicitRevision) {
  static final String DEFAULT_REVISION = "main";
  private static final int MAX_NAME_CHARS = 96;
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Branches and tags may hold slashes ({@code refs/pr/1}); nothing that walks out of a folder. */
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  public HubId {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(revision, "revision");
    if (!validRepo(repo) || !validRevision(revision)) {
      throw new IllegalArgumentException("not a Hub model id: " + repo + "@" + revision);
    }
  }

  /** The id of an argument, or empty when it is not spelt like one. */
  public static Optional<HubId> parse(String argument) {
    String s = argument;
    if (s.startsWith("hf://")) {
      return plain(s.substring("hf://".length()));
    }
    if (s.startsWith("https://") || s.startsWith("http://")) {
      return fromUrl(s);
    }
    return plain(s);
  }

  /** {@code ORG/NAME} with an optional {@code @REVISION}. */
  private static Optional<HubId> plain(String s) {
    int at = s.indexOf('@');
    String repo = at < 0 ? s : s.substring(0, at);
    String rev = at < 0 ? DEFAULT_REVISION : s.substring(at + 1);
    if (!validRepo(repo) || !validRevision(rev)) {
      return Optional.empty();
    }
    return Optional.of(new HubId(repo, rev, at >= 0));
  }

  /** A model page: {@code https://HOST/ORG/NAME}, optionally {@code /tree/REV} after it. */
  private static Optional<HubId> fromUrl(String s) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getHost() == null || uri.getRawPath() == null || uri.getRawQuery() != null) {
      return Optional.empty();
    }
    String[] parts = uri.getPath().replaceAll("^/+|/+$", "").split("/");
    if (parts.length < 2) {
      return Optional.empty();
    }
    String repo = parts[0] + "/" + parts[1];
    if (parts.length == 2) {
      return validRepo(repo)
          ? Optional.of(new HubId(repo, DEFAULT_REVISION, false))
          : Optional.empty();
    }
    if (parts.length >= 4 && parts[2].equals("tree")) {
      String rev = String.join("/", java.util.Arrays.copyOfRange(parts, 3, parts.length));
      return validRepo(repo) && validRevision(rev)
          ? Optional.of(new HubId(repo, rev, true))
          : Optional.empty();
    }
    return Optional.empty();
  }

  static boolean validRepo(String repo) {
    int slash = repo.indexOf('/');
    if (slash < 0 || repo.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    String org = repo.substring(0, slash);
    String name = repo.substring(slash + 1);
    return validPart(org) && validPart(name);
  }

  private static boolean validPart(String p) {
    return p.length() <= MAX_NAME_CHARS
        && PART.matcher(p).matches()
        && !p.contains("--")
        && !p.contains("..")
        && !p.endsWith(".")
        && !p.endsWith("-");
  }

  private static boolean validRevision(String rev) {
    return REVISION.matcher(rev).matches() && !rev.contains("..") && !rev.endsWith("/");
  }

  /** Whether the revision is a full commit hash, which never moves. */
  public boolean pinned() {
    return COMMIT.matcher(revision).matches();
  }

  /** {@code ORG--NAME}: the repository as one folder name, as huggingface_hub's cache spells it. */
  String folderName() {
    return repo.replace("/", "--");
  }

  @Override
  public String toString() {
    return explicitRevision ? repo + "@" + revision : repo;
  }
}
