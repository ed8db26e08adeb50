package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neuronfit.io.ModelLocator.Located;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.testing.SafetensorsWriter;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
  private static final String CONFIG = "{\"model_type\": \"bert\"}";

  @TempDir Path dir;

  private static List<Located> locate(Path path) throws IOException {
    return new ModelLocator(ReadLimits.DEFAULT).locate(path);
  }

  private static ReadLimits withSearch(int maxSearchDepth, int maxModelsFound) {
    ReadLimits d = ReadLimits.DEFAULT;
    return new ReadLimits(
        d.maxJsonFileBytes(),
        d.maxSafetensorsHeaderBytes(),
        d.maxTensors(),
        d.maxWeightFiles(),
        d.maxJsonDepth(),
        d.maxJsonStringChars(),
        maxSearchDepth,
        maxModelsFound,
        d.maxNotes(),
        d.maxGraphNodes(),
        d.maxGraphDepth(),
        d.maxConstantElements(),
        d.maxZipEntries(),
        d.maxZipEntryBytes(),
        d.maxCompressionRatio());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private List<Path> relative(List<Located> found) {
    return found.stream().map(l -> dir.relativize(l.path())).toList();
  }

  @Test
  void folderOfSeveralModelsGivesEachOnceInSortedOrder() throws IOException {
    write(dir.resolve("zeta/config.json"), CONFIG);
    write(dir.resolve("alpha/config.json"), CONFIG);
    new SafetensorsWriter()
        .add("w", "F32", 1)
        .write(mkdirs(dir.resolve("mid")).resolve("w.safetensors"));
    write(dir.resolve("group/beta/model_index.json"), "{\"_class_name\": \"XPipeline\"}");
    write(dir.resolve("group/beta/unet/config.json"), CONFIG);
    write(dir.resolve("group/gamma/model.safetensors.index.json"), "{\"weight_map\": {}}");
    write(dir.resolve("group/delta/pytorch_model.bin.index.json"), "{\"weight_map\": {}}");
    write(dir.resolve("notes/readme.txt"), "no model here");

    List<Located> found = locate(dir);

    assertThat(relative(found))
        .containsExactly(
            Path.of("alpha"),
            Path.of("group/beta"),
            Path.of("group/delta"),
            Path.of("group/gamma"),
            Path.of("mid/w.safetensors"),
            Path.of("zeta"));
    assertThat(found).allSatisfy(l -> assertThat(l.reader()).isInstanceOf(HfReader.class));
  }

  @Test
  void neverDescendsIntoAModelFolder() throws IOException {
    write(dir.resolve("model/config.json"), CONFIG);
    write(dir.resolve("model/checkpoint-500/config.json"), CONFIG);

    assertThat(relative(locate(dir))).containsExactly(Path.of("model"));
  }

  @Test
  void aModelFolderItselfIsOneModel() throws IOException {
    write(dir.resolve("config.json"), CONFIG);
    write(dir.resolve("sub/config.json"), CONFIG);

    assertThat(locate(dir)).extracting(Located::path).containsExactly(dir);
  }

  @Test
  void pipelineExampleIsOneModelNotOnePerComponent() throws IOException {
    Path sd = TestFiles.examples().resolve("stable-diffusion-v1-5");

    assertThat(locate(sd)).extracting(Located::path).containsExactly(sd);
  }

  @Test
  void hiddenFoldersAreSkipped() throws IOException {
    write(dir.resolve(".cache/model/config.json"), CONFIG);
    write(dir.resolve(".git/config.json"), CONFIG);
    write(dir.resolve("seen/config.json"), CONFIG);

    assertThat(relative(locate(dir))).containsExactly(Path.of("seen"));
  }

  @Test
  void searchStopsAtTheDepthLimit() throws IOException {
    write(dir.resolve("a/config.json"), CONFIG);
    write(dir.resolve("b/c/config.json"), CONFIG);
    write(dir.resolve("d/e/f/g/h/i/config.json"), CONFIG);
    write(dir.resolve("j/k/l/m/n/o/p/config.json"), CONFIG);

    assertThat(relative(locate(dir)))
        .containsExactly(Path.of("a"), Path.of("b/c"), Path.of("d/e/f/g/h/i"));
    assertThat(relative(new ModelLocator(withSearch(1, 100)).locate(dir)))
        .containsExactly(Path.of("a"));
  }

  @Test
  void moreModelsThanTheLimitAreRefused() throws IOException {
    for (int i = 0; i < 4; i++) {
      write(dir.resolve("m" + i + "/config.json"), CONFIG);
    }

    assertThat(new ModelLocator(withSearch(6, 4)).locate(dir)).hasSize(4);
    assertThatThrownBy(() -> new ModelLocator(withSearch(6, 3)).locate(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 3 models");
  }

  @Test
  void symlinkLoopsAreSearchedOnce() throws IOException {
    Path root = mkdirs(dir.resolve("root"));
    write(root.resolve("deep/model/config.json"), CONFIG);
    for (int i = 0; i < 30; i++) {
      Files.createSymbolicLink(root.resolve("loop" + i), root);
    }

    List<Located> found = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> locate(root));

    assertThat(found).extracting(Located::path).containsExactly(root.resolve("deep/model"));
  }

  @Test
  void emptyFolderHasNoModel() {
    assertThatThrownBy(() -> locate(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("no model found");
  }

  @Test
  void folderOfOtherFilesHasNoModel() throws IOException {
    write(dir.resolve("photos/cat.jpg"), "not a model");
    write(dir.resolve("weights.bin"), "not looked at in a search");

    assertThatThrownBy(() -> locate(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("no model found");
  }

  @Test
  void missingPathIsRefused() {
    Path missing = dir.resolve("does-not-exist");

    assertThatThrownBy(() -> locate(missing))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("does-not-exist")
        .hasMessageContaining("no such file or folder");
  }

  @Test
  void filesAreRecognisedByContentNotName() throws IOException {
    Path weights = dir.resolve("weights.bin");
    new SafetensorsWriter().add("w", "F32", 1).write(weights);
    Path config = dir.resolve("foo.txt");
    write(config, CONFIG);

    assertThat(locate(weights))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.path()).isEqualTo(weights);
              assertThat(l.reader()).isInstanceOf(HfReader.class);
            });
    assertThat(locate(config)).extracting(Located::path).containsExactly(config);
  }

  @Test
  void fileOfAnotherFormatIsRefused() throws IOException {
    Path pickle = dir.resolve("model.safetensors");
    Files.write(pickle, new byte[] {'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0});

    assertThatThrownBy(() -> locate(pickle))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("not a format neuronfit reads");
  }

  private static Path mkdirs(Path p) throws IOException {
    return Files.createDirectories(p);
  }
}
