package dev.neuronfit.report;

import java.util.Objects;

/**
 * A model or path that could not be read, for renderers that report such failures in their output
 * rather than only on stderr (SARIF's tool execution notifications).
 *
 * @param path the model's file or folder, or the path as given
 * @param error one line: the file, the place and the problem
 */
public record ReadFailure(String path, String error) {
  public ReadFailure {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(error, "error");
  }
}
