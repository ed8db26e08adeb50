package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares rendered output with a committed golden file. Golden files change only when the tests
 * run with {@code -Dneuronfit.golden.update=true}; review the diff before committing it.
 */
final class GoldenFiles {
  private GoldenFiles() {}

  static void assertMatches(String name, String actual) throws IOException {
    if (name.endsWith(".json")) {
      JsonSchemas.report(actual);
    }
    Path file = TestFiles.repoRoot().resolve("core/src/test/resources/golden").resolve(name);
    if (Boolean.getBoolean("neuronfit.golden.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(file)
        .as("golden file " + name + " (create it with -Dneuronfit.golden.update=true)")
        .exists();
    assertThat(actual)
        .as("output differs from golden file " + name)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
