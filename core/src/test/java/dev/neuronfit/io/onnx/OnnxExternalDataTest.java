package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxBytes.FLOAT;
import static dev.neuronfit.io.onnx.OnnxBytes.externalTensor;
import static dev.neuronfit.io.onnx.OnnxBytes.graph;
import static dev.neuronfit.io.onnx.OnnxBytes.initializer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data: sizes come from the {@code length} entries and a stat of the data file, which is
 * never opened; locations outside the model's folder are refused.
 */
class OnnxExternalDataTest {
  private static final long WEIGHTS_BYTES = 208256; // external_data/weights.bin, see its README

  @TempDir Path tmp;

  /** A copy of external_data/ in a temporary folder, to change its weights.bin. */
  private Path copyOfFixture() throws IOException {
    Path src = OnnxReaderTest.fixture("external_data");
    Path dir = Files.createDirectories(tmp.resolve("external_data"));
    Files.copy(src.resolve("bert_tiny.onnx"), dir.resolve("bert_tiny.onnx"));
    Files.copy(src.resolve("weights.bin"), dir.resolve("weights.bin"));
    return dir;
  }

  private static ModelProfile read(Path file) throws IOException {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(5), () -> new OnnxReader().read(file, ReadLimits.DEFAULT));
  }

  @Test
  void takesSizesFromTheLengthEntries() throws IOException {
    ModelProfile p = read(OnnxReaderTest.fixture("external_data/bert_tiny.onnx"));
    Graph g = p.graph().orElseThrow();

    assertThat(g.externalData()).hasSize(23);
    assertThat(g.externalData().values())
        .allSatisfy(ref -> assertThat(ref.location()).isEqualTo("weights.bin"));
    assertThat(g.externalData().values().stream().mapToLong(Graph.ExternalRef::length).sum())
        .isEqualTo(WEIGHTS_BYTES);
    assertThat(p.tensors().stream().filter(t -> t.file().equals("weights.bin")))
        .hasSize(23)
        .allSatisfy(t -> assertThat(g.externalData().get(t.name()).length()).isEqualTo(t.bytes()));
    assertThat(p.tensors().stream().filter(t -> t.file().equals("weights.bin")))
        .extracting(TensorInfo::bytes)
        .containsExactlyElementsOf(
            p.tensors().stream()
                .filter(t -> t.file().equals("weights.bin"))
                .map(t -> t.dtype().bytesFor(t.elements()))
                .toList());
    assertThat(p.weights().basis()).contains("23 in external data");
    assertThat(p.notes()).isEmpty();
  }

  @Test
  void readsTheSameWhenTheDataFileIsUnreadable() throws IOException {
    Path dir = copyOfFixture();
    ModelProfile before = read(dir.resolve("bert_tiny.onnx"));
    Files.setPosixFilePermissions(
        dir.resolve("weights.bin"), PosixFilePermissions.fromString("---------"));

    // as root the mode does not stop reads, so the FIFO test below is the stronger proof
    assertThat(read(dir.resolve("bert_tiny.onnx"))).isEqualTo(before);
  }

  @Test
  void readsTheSameWhenTheDataFileIsAHoleOfTheRightSize() throws IOException {
    Path dir = copyOfFixture();
    ModelProfile before = read(dir.resolve("bert_tiny.onnx"));
    Files.delete(dir.resolve("weights.bin"));
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("weights.bin").toFile(), "rw")) {
      f.setLength(WEIGHTS_BYTES);
    }

    assertThat(read(dir.resolve("bert_tiny.onnx"))).isEqualTo(before);
  }

  /**
   * Opening a FIFO for reading blocks until a writer comes, so a reader that opened the data file
   * would hang here. A FIFO has no size, so it is refused, quickly.
   */
  @Test
  void neverOpensTheDataFileSoAFifoCannotBlockIt() throws Exception {
    Path dir = copyOfFixture();
    Files.delete(dir.resolve("weights.bin"));
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("weights.bin").toString()).start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");

    assertThatThrownBy(() -> read(dir.resolve("bert_tiny.onnx")))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("bert_tiny.onnx")
        .hasMessageContaining("\"weights.bin\" is refused: not a regular file");
  }

  @Test
  void aMissingDataFileGivesANoteAndSizesFromTheDims() throws IOException {
    Path dir = copyOfFixture();
    Files.delete(dir.resolve("weights.bin"));

    ModelProfile p = read(dir.resolve("bert_tiny.onnx"));

    assertThat(p.notes())
        .containsExactly(
            "external data file weights.bin is not in the model's folder; sizes come from the"
                + " tensor dims");
    assertThat(p.weights().bytes()).hasValue(WEIGHTS_BYTES + 648); // plus the inline constants
  }

  @Test
  void refusesAnAbsoluteLocation() throws IOException {
    assertRefused(model("/etc/passwd", "0", "16"), "is absolute", "CVE-2022-25882");
  }

  @Test
  void refusesALocationThatClimbsOutOfTheFolder() throws IOException {
    assertRefused(
        model("../weights.bin", "0", "16"), "leaves the model's folder", "CVE-2022-25882");
    assertRefused(model("sub/../../weights.bin", "0", "16"), "leaves the model's folder");
    assertRefused(model("sub\\..\\..\\weights.bin", "0", "16"), "leaves the model's folder");
  }

  @Test
  void refusesALinkThatLeadsOutOfTheFolder() throws IOException {
    Path outside = Files.write(tmp.resolve("secret.bin"), new byte[16]);
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.createSymbolicLink(dir.resolve("weights.bin"), outside);
    Path file = Files.write(dir.resolve("model.onnx"), model("weights.bin", "0", "16"));

    assertThatThrownBy(() -> read(file))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("\"weights.bin\" is refused: a symbolic link to " + outside)
        .hasMessageContaining("outside the model folder; not followed");
  }

  @Test
  void acceptsALinkThatStaysInsideTheFolder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.write(dir.resolve("data.bin"), new byte[16]);
    Files.createSymbolicLink(dir.resolve("weights.bin"), Path.of("data.bin"));
    Path file = Files.write(dir.resolve("model.onnx"), model("weights.bin", "0", "16"));

    assertThat(read(file).weights().bytes()).hasValue(16);
  }

  @Test
  void refusesOffsetAndLengthPastTheEndOfTheDataFile() throws IOException {
    assertRefused(model("weights.bin", "8", "16"), "offset 8 + length 16 runs past the end");
    assertRefused(model("weights.bin", "17", "16"), "runs past the end");
  }

  @Test
  void refusesALengthThatDisagreesWithTheDims() throws IOException {
    assertRefused(model("weights.bin", "0", "12"), "length 12 but F32 [2, 2] needs 16 bytes");
  }

  @Test
  void refusesOffsetsThatAreNotNumbers() throws IOException {
    assertRefused(model("weights.bin", "x", "16"), "offset \"x\" is not a non-negative integer");
    assertRefused(
        model("weights.bin", "0", "99999999999999999999"), "is not a non-negative integer");
  }

  @Test
  void readsATensorAtAnOffsetThatEndsExactlyAtTheEnd() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.write(dir.resolve("weights.bin"), new byte[32]);
    Path file = Files.write(dir.resolve("model.onnx"), model("weights.bin", "16", "16"));

    ModelProfile p = read(file);

    assertThat(p.graph().orElseThrow().externalData().get("W"))
        .isEqualTo(new Graph.ExternalRef("weights.bin", 16, 16));
    assertThat(p.tensors().stream().map(TensorInfo::file).collect(Collectors.toSet()))
        .isEqualTo(Set.of("weights.bin"));
  }

  /** A model whose one FLOAT [2, 2] initializer W is external. */
  private static byte[] model(String location, String offset, String length) {
    return OnnxBytes.model(
        graph(
            initializer(
                externalTensor(
                    "W",
                    FLOAT,
                    new long[] {2, 2},
                    "location",
                    location,
                    "offset",
                    offset,
                    "length",
                    length))));
  }

  private void assertRefused(byte[] model, String... problems) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("case"));
    Files.write(dir.resolve("weights.bin"), new byte[16]);
    Path file = Files.write(dir.resolve("model.onnx"), model);
    assertThatThrownBy(() -> read(file))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContainingAll(problems);
  }
}
