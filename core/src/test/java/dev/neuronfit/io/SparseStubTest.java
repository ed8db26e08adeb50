package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stubs of the Hub's files stand for the whole file only in the sparse copy being read. */
class SparseStubTest {
  @TempDir Path tmp;

  /** A safetensors file cut after its header, with a side file claiming the whole length. */
  private Path stubFolder(String name) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve(name));
    Path file = folder.resolve("model.safetensors");
    new SafetensorsWriter().add("w", "F32", 1024, 1024).write(file);
    byte[] all = Files.readAllBytes(file);
    long headerLen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    byte[] prefix = Arrays.copyOf(all, (int) (8 + headerLen));
    Files.delete(file);
    SparseStub.writePrefix(file, prefix, all.length);
    return folder;
  }

  private static ModelProfile read(Path folder) throws IOException {
    ModelLocator.Located m = new ModelLocator(ReadLimits.DEFAULT).locate(folder).get(0);
    return m.reader().read(m.path(), ReadLimits.DEFAULT);
  }

  @Test
  void aSideFileInAUsersFolderIsNotHonoured() throws IOException {
    Path folder = stubFolder("user");
    assertThat(Files.exists(folder.resolve(".model.safetensors.size"))).isTrue();

    assertThatThrownBy(() -> read(folder))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("past the end");
  }

  @Test
  void theSameStubInsideTheSparseCopyBeingReadStandsForTheWholeFile() throws IOException {
    Path folder = stubFolder("copy");

    ModelProfile p = ModelFiles.readingSparseCopy(folder, () -> read(folder));

    assertThat(p.weights().parameters()).hasValue(1024L * 1024);
    long declared =
        Long.parseLong(Files.readAllLines(folder.resolve(".model.safetensors.size")).get(0));
    assertThat(declared).isGreaterThan(4L * 1024 * 1024);
    Path stub = folder.resolve("model.safetensors");
    assertThat(ModelFiles.readingSparseCopy(folder, () -> ModelFiles.size(stub, folder, stub)))
        .isEqualTo(declared);
    assertThat(ModelFiles.size(stub, folder, stub)).isEqualTo(Files.size(stub));
    // outside the call, the same folder is a user's folder again
    assertThatThrownBy(() -> read(folder)).isInstanceOf(ModelFormatException.class);
  }

  @Test
  void aStubServesItsRangesAndRefusesTheRest() throws IOException {
    Path file = tmp.resolve("f.bin");
    SparseStub.write(
        file,
        1000,
        List.of(new SparseStub.Range(0, 4), new SparseStub.Range(500, 2)),
        new byte[] {1, 2, 3, 4, 9, 8});
    try (ByteSource s =
        ModelFiles.readingSparseCopy(tmp, () -> ModelFiles.source(file, tmp, file))) {
      assertThat(s.size()).isEqualTo(1000);
      ByteBuffer b = ByteBuffer.allocate(10);
      assertThat(s.read(b, 500)).isEqualTo(2);
      assertThat(b.get(0)).isEqualTo((byte) 9);
      b.clear();
      assertThat(s.read(b, 2)).isEqualTo(2);
      assertThat(b.get(1)).isEqualTo((byte) 4);
      assertThatThrownBy(() -> s.read(ByteBuffer.allocate(1), 100))
          .isInstanceOf(ModelFormatException.class)
          .hasMessageContaining("byte 100")
          .hasMessageContaining("not in neuronfit's cached copy");
      assertThat(s.read(ByteBuffer.allocate(1), 1000)).isEqualTo(-1);
    }
  }
}
