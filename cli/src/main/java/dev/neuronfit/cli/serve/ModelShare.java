package dev.neuronfit.cli.serve;

import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.report.Safe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --models} folder: which of its paths a request may name (none outside it, links
 * included) and the models it holds.
 */
final class ModelShare {
  private ModelShare() {}

  /** A path under the models folder, refusing anything that leads out of it (links included). */
  static Path resolve(Path root, String rel) throws IOException {
    Path p;
    try {
      p = root.resolve(rel).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new Problems.HttpProblem(400, "not a path: " + Safe.escapeControls(rel));
    }
    if (Path.of(rel).isAbsolute() || !p.startsWith(root)) {
      throw new Problems.HttpProblem(400, "path must lie inside the --models folder");
    }
    if (!Files.exists(p)) {
      throw new Problems.HttpProblem(404, "no such model under the --models folder: " + rel);
    }
    Path real = p.toRealPath();
    if (!real.startsWith(root)) {
      throw new Problems.HttpProblem(400, "path must lie inside the --models folder");
    }
    return real;
  }

  /** The models under the folder, by relative path; an unreadable folder lists none. */
  static List<String> list(Path root) {
    List<String> names = new ArrayList<>();
    try {
      for (ModelLocator.Located m : new ModelLocator(ReadLimits.DEFAULT).locate(root)) {
        names.add(root.relativize(m.path()).toString());
      }
    } catch (IOException e) {
      // an empty or unreadable share lists nothing
    }
    return names;
  }
}
