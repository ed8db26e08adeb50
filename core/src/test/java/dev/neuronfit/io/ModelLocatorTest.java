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
import java.util.ArrayList;
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

  /** What a scan's walk reports, in order: models by name, unreadable paths by path. */
  private List<String> walk(Path path) throws Exception {
    List<String> seen = new ArrayList<>();
    ModelLocator.forScan(ReadLimits.DEFAULT)
        .walk(
            path,
            new ModelLocator.Visitor() {
              @Override
              public void model(Located model) {
                seen.add(model.name());
              }

              @Override
              public void unreadable(Path where, IOException problem) {
                seen.add("unreadable " + where);
              }
            });
    return seen;
  }

  private static void linkedBlob(Path snapshot, String file, Path blob, String text)
      throws IOException {
    write(blob, text);
    Files.createDirectories(snapshot.resolve(file).getParent());
    Files.createSymbolicLink(
        snapshot.resolve(file), snapshot.resolve(file).getParent().relativize(blob));
  }

  @Test
  void walkGivesWhatLocateFindsInTheSameOrder() throws Exception {
    write(dir.resolve("zeta/config.json"), CONFIG);
    write(dir.resolve("alpha/config.json"), CONFIG);
    new SafetensorsWriter().add("w", "F32", 1).write(dir.resolve("mid.safetensors"));

    assertThat(walk(dir))
        .containsExactlyElementsOf(locate(dir).stream().map(Located::name).toList());
  }

  @Test
  void huggingFaceCacheModelsAreNamedByTheirRepositoryAndBlobsAreNotModels() throws Exception {
    Path hub = mkdirs(dir.resolve("hub"));
    Path repo = hub.resolve("models--openai-community--gpt2");
    Path snap = repo.resolve("snapshots/607a30d783dfa663caf39e06633721c8d4cfcd7e");
    linkedBlob(
        snap,
        "config.json",
        repo.resolve("blobs/10c66461e4c109db5a2196bff4bb59be30396ed8"),
        "{\"model_type\": \"gpt2\"}");
    new SafetensorsWriter().add("w", "F32", 1).write(repo.resolve("blobs/248dfc3911869ec4"));
    Files.createSymbolicLink(
        snap.resolve("model.safetensors"), Path.of("../../blobs/248dfc3911869ec4"));
    write(repo.resolve("refs/main"), "607a30d783dfa663caf39e06633721c8d4cfcd7e");
    Path bare = hub.resolve("models--gpt2");
    write(bare.resolve("snapshots/abc/config.json"), CONFIG);
    Path dataset = hub.resolve("datasets--squad--plain");
    new SafetensorsWriter()
        .add("w", "F32", 1)
        .write(mkdirs(dataset.resolve("snapshots/r1")).resolve("data.safetensors"));
    write(dataset.resolve("blobs/ff00"), CONFIG);

    assertThat(walk(hub)).containsExactly("gpt2", "openai-community/gpt2");
    assertThat(walk(snap)).containsExactly("openai-community/gpt2");
    assertThat(locate(hub))
        .extracting(Located::path)
        .containsExactly(bare.resolve("snapshots/abc"), snap);
  }

  @Test
  void severalRevisionsOfACachedModelAreNamedWithTheirRevision() throws Exception {
    Path repo = dir.resolve("models--org--name");
    write(repo.resolve("snapshots/1111111aaaa/config.json"), CONFIG);
    write(repo.resolve("snapshots/2222222bbbb/config.json"), CONFIG);
    write(repo.resolve("snapshots/3333333cccc/onnx/decoder.onnx"), "not really onnx");

    assertThat(walk(dir))
        .containsExactly(
            "org/name@1111111", "org/name@2222222", "org/name@3333333/onnx/decoder.onnx");
  }

  @Test
  void aFileReachedThroughSeveralLinksIsOneModel() throws Exception {
    Path real = dir.resolve("a/w.safetensors");
    new SafetensorsWriter()
        .add("w", "F32", 1)
        .write(mkdirs(real.getParent()).resolve("w.safetensors"));
    Files.createSymbolicLink(mkdirs(dir.resolve("b")).resolve("again.safetensors"), real);
    Files.createSymbolicLink(dir.resolve("c"), dir.resolve("a"));

    assertThat(walk(dir)).containsExactly(real.toString());
  }

  @Test
  void aLinkOutOfTheTreeIsFollowedOncePerTarget() throws Exception {
    Path outside = dir.resolve("elsewhere");
    write(outside.resolve("shared-model/config.json"), CONFIG);
    Path tree = mkdirs(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("a-link"), outside);
    Files.createSymbolicLink(tree.resolve("b-link"), outside);
    Files.createSymbolicLink(tree.resolve("c-link"), outside.resolve("shared-model"));
    Files.createSymbolicLink(outside.resolve("back"), tree);

    assertThat(walk(tree)).containsExactly(tree.resolve("a-link/shared-model").toString());
  }

  @Test
  void aScanPassesOverFilesThatAreNotModels() throws Exception {
    write(dir.resolve("README.md"), "# models");
    write(dir.resolve("notes.txt"), "hello");
    write(dir.resolve("train.py"), "import torch");
    write(dir.resolve("labels.json"), "{\"0\": \"cat\"}");
    Files.write(dir.resolve("cat.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    write(dir.resolve("weights.bin"), "not a model and not named like one");

    assertThat(walk(dir)).isEmpty();
  }

  @Test
  void aScanReportsFilesNamedLikeModelsThatAreNotReadable() throws Exception {
    write(dir.resolve("broken.onnx"), "garbage that is no protobuf");
    Files.createFile(dir.resolve("empty.pt"));
    write(
        dir.resolve("weights.safetensors"),
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 548105171\n");
    List<Located> found = new ArrayList<>();
    ModelLocator.forScan(ReadLimits.DEFAULT)
        .walk(
            dir,
            new ModelLocator.Visitor() {
              @Override
              public void model(Located model) {
                found.add(model);
              }

              @Override
              public void unreadable(Path where, IOException problem) {}
            });

    assertThat(found)
        .extracting(l -> l.path().getFileName().toString())
        .containsExactly("broken.onnx", "empty.pt", "weights.safetensors");
    assertThatThrownBy(() -> found.get(0).reader().read(found.get(0).path(), ReadLimits.DEFAULT))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("broken.onnx")
        .hasMessageContaining("named like a model");
    assertThatThrownBy(() -> found.get(1).reader().read(found.get(1).path(), ReadLimits.DEFAULT))
        .hasMessageContaining("empty file");
    assertThatThrownBy(() -> found.get(2).reader().read(found.get(2).path(), ReadLimits.DEFAULT))
        .hasMessageContaining("Git LFS pointer");
    // a check's search passes over them as before
    write(dir.resolve("ok/config.json"), CONFIG);
    assertThat(relative(locate(dir))).containsExactly(Path.of("ok"));
  }

  @Test
  void aFileNamedInAScanIsAModelEvenWhenItCannotBeRead() throws Exception {
    Path readme = dir.resolve("README.md");
    write(readme, "# not a model");

    assertThat(walk(readme)).containsExactly(readme.toString());
  }

  private static Path mkdirs(Path p) throws IOException {
    return Files.createDirectories(p);
  }
}
