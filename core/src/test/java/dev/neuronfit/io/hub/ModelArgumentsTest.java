package dev.neuronfit.io.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelArgumentsTest {
  @Test
  void aLocalPathWinsOverAnIdOfTheSameSpelling() throws IOException {
    // a relative folder "target/NAME" is spelt like the id ORG/NAME
    Path folder = Path.of("target", "hub-ids-local-wins");
    Files.createDirectories(folder);
    Files.copy(
        TestFiles.examples().resolve("gpt2/config.json"),
        folder.resolve("config.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ModelArguments args =
        new ModelArguments(
            ReadLimits.DEFAULT,
            () -> {
              throw new AssertionError("the Hub must not be asked for a local path");
            });
    List<ModelLocator.Located> m = args.locate("target/hub-ids-local-wins");
    assertThat(m).singleElement().extracting(ModelLocator.Located::path).isEqualTo(folder);
  }
}
