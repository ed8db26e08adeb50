package dev.neuronfit.io.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.report.Report;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders cloned without Git LFS: pointers in place of configs and weights. */
class LfsPointerFolderTest {
  private static final Path SHARDED = TestFiles.examples().resolve("tiny-llama-2-sharded");
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final String OID =
      "sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

  @TempDir Path dir;

  private static void pointer(Path file, long size) throws IOException {
    Files.writeString(
        file, "version https://git-lfs.github.com/spec/v1\noid " + OID + "\nsize " + size + "\n");
  }

  private Path copy() throws IOException {
    Path to = dir.resolve("tiny-llama");
    Files.createDirectories(to);
    for (String f :
        List.of(
            "config.json",
            "model.safetensors.index.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors")) {
      Files.copy(SHARDED.resolve(f), to.resolve(f));
    }
    return to;
  }

  private static Report inspect(Path folder) throws IOException {
    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    ModelLocator.Located m = inspector.locate(folder).get(0);
    return inspector.inspect(m, KB.defaultEdition(), Selection.ALL);
  }

  @Test
  void weightPointersLeaveTheConfigEstimatesAndAFinding() throws IOException {
    Path folder = copy();
    pointer(folder.resolve("model-00001-of-00002.safetensors"), 400_000);
    pointer(folder.resolve("model-00002-of-00002.safetensors"), 252_500);

    ModelProfile p = new HfReader().read(folder, ReadLimits.DEFAULT);
    assertThat(p.hazards())
        .extracting(Hazard::kind, Hazard::place)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("lfs-pointer", "model-00001-of-00002.safetensors"),
            org.assertj.core.groups.Tuple.tuple("lfs-pointer", "model-00002-of-00002.safetensors"));
    assertThat(p.tensors()).isEmpty();
    assertThat(p.weights().bytes()).hasValue(652_500);
    assertThat(p.hf().get().config()).isPresent();

    Report r = inspect(folder);
    assertThat(r.model().weights().parameters()).isPresent();
    assertThat(r.model().weights().basis()).startsWith("parameters estimated from the config");
    assertThat(r.findings())
        .filteredOn(f -> f.rule().equals("lfs-pointer"))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .startsWith("2 files are Git LFS pointers");
  }

  @Test
  void aConfigPointerLeavesTheWeightsFromTheirHeaders() throws IOException {
    Path folder = copy();
    pointer(folder.resolve("config.json"), 611);

    ModelProfile p = new HfReader().read(folder, ReadLimits.DEFAULT);

    assertThat(p.hf().get().config()).isEmpty();
    assertThat(p.tensors()).isNotEmpty();
    assertThat(p.hazards()).singleElement().extracting(Hazard::place).isEqualTo("config.json");
    assertThat(p.hazards().get(0).detail()).contains("611 bytes");
  }

  @Test
  void anIndexPointerFallsBackToTheShardsThemselves() throws IOException {
    Path folder = copy();
    pointer(folder.resolve("model.safetensors.index.json"), 23_950);

    ModelProfile p = new HfReader().read(folder, ReadLimits.DEFAULT);

    assertThat(p.hazards())
        .singleElement()
        .extracting(Hazard::place)
        .isEqualTo("model.safetensors.index.json");
    assertThat(p.weights().parameters()).isPresent();
    assertThat(p.weights().estimated()).isFalse();
  }

  @Test
  void aPointerNamedDirectlyIsAOneLineErrorWithTheFix() throws IOException {
    Path file = dir.resolve("model.onnx");
    pointer(file, 1_000_000);

    assertThatThrownBy(() -> new ModelLocator(ReadLimits.DEFAULT).locate(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("Git LFS pointer to 1,000,000 bytes")
        .hasMessageContaining("git lfs pull");
  }

  @Test
  void aRealFileBeginningLikeAPointerButLongIsNotOne() throws IOException {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "version https://git-lfs.github.com/spec/v1\n" + "x".repeat(2000));

    assertThat(dev.neuronfit.io.GitLfsPointer.read(file, dir)).isEmpty();
  }
}
