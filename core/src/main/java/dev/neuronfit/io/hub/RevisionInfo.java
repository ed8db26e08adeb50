package dev.neuronfit.io.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the Hub's model API says of one revision ({@code GET /api/models/{id}/revision/{rev}}): the
 * commit it points at ({@code sha}) and the repository's file names ({@code siblings[].rfilename}).
 *
 * @param commit the 40-hex commit
 * @param files the file names, relative to the repository, checked to stay inside it
 */
record RevisionInfo(String commit, List<String> files) {
  static final int MAX_FILES = 200_000;
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  /** A path part: no separators, no control characters, not {@code .} or {@code ..}. */
  private static final Pattern PART = Pattern.compile("[^/\\\\\\p{Cntrl}]{1,255}");

  RevisionInfo {
    files = List.copyOf(files);
  }

  static RevisionInfo parse(byte[] json, HubId id, BoundedJson parser) throws HubException {
    Path shown = Path.of(id.repo() + " (model API)");
    JsonNode root;
    try {
      root = parser.parseObject(json, shown, "answer");
    } catch (ModelFormatException e) {
      throw new HubException(e.getMessage());
    }
    JsonNode sha = root.get("sha");
    if (sha == null || !sha.isTextual() || !COMMIT.matcher(sha.asText()).matches()) {
      throw new HubException(
          id.repo() + ": the model API gave no commit (\"sha\") for " + id.revision());
    }
    JsonNode siblings = root.get("siblings");
    if (siblings == null || !siblings.isArray()) {
      throw new HubException(id.repo() + ": the model API gave no file list (\"siblings\")");
    }
    if (siblings.size() > MAX_FILES) {
      throw new HubException(
          id.repo() + ": the repository lists more than " + MAX_FILES + " files");
    }
    List<String> files = new ArrayList<>();
    for (JsonNode s : siblings) {
      JsonNode name = s.get("rfilename");
      if (name != null && name.isTextual() && safe(name.asText())) {
        files.add(name.asText());
      }
    }
    return new RevisionInfo(sha.asText(), files);
  }

  /** A relative name that cannot leave the folder it is written into. */
  static boolean safe(String name) {
    if (name.length() > 1000) {
      return false;
    }
    for (String part : name.split("/", -1)) {
      if (!PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
