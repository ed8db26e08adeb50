package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PyTorch fixtures of {@code src/test/resources/torch/} and what torch said about each when
 * {@code generate.py} wrote them ({@code fixtures.tsv}).
 */
public final class TorchFixtures {
  private TorchFixtures() {}

  /**
   * One row of fixtures.tsv.
   *
   * @param names the state dict's keys (empty for a file without one)
   * @param elements elements of the state dict, each view counted once
   * @param bytes bytes of the state dict's storages, each counted once
   */
  public record Fact(String file, String family, List<String> names, long elements, long bytes) {
    public boolean torchScript() {
      return file.endsWith(".ptl") || file.contains("_scripted") || file.contains("_traced");
    }

    @Override
    public String toString() {
      return file;
    }
  }

  public static Path dir() {
    return TestFiles.repoRoot().resolve("core/src/test/resources/torch");
  }

  public static Path file(String name) {
    return dir().resolve(name);
  }

  public static List<Fact> facts() {
    try {
      List<Fact> out = new ArrayList<>();
      for (String line : Files.readAllLines(dir().resolve("fixtures.tsv"))) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] c = line.split("\t", -1);
        List<String> names = c[2].isEmpty() ? List.of() : Arrays.asList(c[2].split(","));
        out.add(new Fact(c[0], c[1], names, Long.parseLong(c[3]), Long.parseLong(c[4])));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a fixture as the CLI does: located by content, then read by the chosen reader. */
  public static ModelProfile read(String name) throws IOException {
    ModelLocator.Located l = new ModelLocator(ReadLimits.DEFAULT).locate(file(name)).get(0);
    return l.reader().read(l.path(), ReadLimits.DEFAULT);
  }
}
