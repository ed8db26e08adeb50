package dev.neuronfit.io.tf;

import static dev.neuronfit.io.tf.TfBytes.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorFlow files are recognised by content, and SavedModel folders by their graph file. */
class TfLocatingTest {
  @TempDir Path tmp;

  private static byte[] savedModel() {
    return TfBytes.savedModel(
        TfReaderTest.matmulGraph(),
        List.of(TfBytes.tensorInfo("x", "x:0", FLOAT, -1, 8)),
        List.of(TfBytes.tensorInfo("y", "y:0", FLOAT, -1, 4)));
  }

  @Test
  void sniffsAGraphDefAndASavedModelByTheirFirstFields() throws IOException {
    Path graph = Files.write(tmp.resolve("a.bin"), TfReaderTest.matmulGraph().toBytes());
    Path saved = Files.write(tmp.resolve("b.bin"), savedModel());

    assertThat(ContentSniffer.sniff(graph)).isEqualTo(ContentSniffer.Kind.TF_GRAPHDEF);
    assertThat(ContentSniffer.sniff(saved)).isEqualTo(ContentSniffer.Kind.TF_SAVEDMODEL);
  }

  @Test
  void onnxModelsAreStillOnnx() throws IOException {
    for (String fixture : List.of("bert_tiny.onnx", "crnn_tiny.onnx", "single_matmul.onnx")) {
      Path onnx = TestFiles.onnxFixture(fixture);
      if (Files.exists(onnx)) {
        assertThat(ContentSniffer.sniff(onnx)).as(fixture).isEqualTo(ContentSniffer.Kind.ONNX);
      }
    }
  }

  @Test
  void aGraphDefWithAMisleadingExtensionIsFoundInASearchedFolder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("models"));
    Files.write(dir.resolve("weights.onnx"), TfReaderTest.matmulGraph().toBytes());
    Files.writeString(dir.resolve("notes.txt"), "not a model");

    List<ModelLocator.Located> found = new ModelLocator(ReadLimits.DEFAULT).locate(dir);

    assertThat(found)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.path().getFileName().toString()).isEqualTo("weights.onnx");
              assertThat(l.reader()).isInstanceOf(TfReader.class).isNotInstanceOf(OnnxReader.class);
            });
  }

  @Test
  void aSavedModelFolderIsOneModelAndItsGraphFileLeadsToIt() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("export/1"));
    Files.write(root.resolve("saved_model.pb"), savedModel());
    Files.write(root.resolve("fingerprint.pb"), new byte[] {0x08, 0x01});

    List<ModelLocator.Located> fromRoot = new ModelLocator(ReadLimits.DEFAULT).locate(tmp);
    List<ModelLocator.Located> fromFile =
        new ModelLocator(ReadLimits.DEFAULT).locate(root.resolve("saved_model.pb"));

    assertThat(fromRoot).singleElement().satisfies(l -> assertThat(l.path()).isEqualTo(root));
    assertThat(fromFile)
        .singleElement()
        .satisfies(l -> assertThat(l.reader()).isInstanceOf(TfReader.class));
  }

  @Test
  void aFolderWithOnlyVariablesIsNoModel() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("half/variables"));
    Files.write(dir.resolve("variables.index"), TfBytes.variablesIndex(List.of()));

    assertThatThrownBy(() -> new ModelLocator(ReadLimits.DEFAULT).locate(dir.getParent()))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("no model found");
  }
}
