package dev.neuronfit.kb;

import java.util.Objects;

/**
 * Where an edition's page comes from.
 *
 * @param repository e.g. {@code aws-neuron/aws-neuron-sdk}
 * @param path the file in the repository
 * @param ref the release tag
 * @param commit the commit that last changed the page before that tag
 * @param url a link to the page at that tag
 */
public record SourceRef(String repository, String path, String ref, String commit, String url) {
  public SourceRef {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(url, "url");
  }

  /** A short citation such as {@code model-architecture-fit.rst@v2.5.0}. */
  public String cite() {
    String file = path.substring(path.lastIndexOf('/') + 1);
    return file + "@" + ref;
  }
}
