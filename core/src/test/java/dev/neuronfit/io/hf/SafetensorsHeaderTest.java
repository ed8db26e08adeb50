package dev.neuronfit.io.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary.DTypeTally;
import dev.neuronfit.testing.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsHeaderTest {
  @TempDir Path dir;

  private final BoundedJson json = new BoundedJson(ReadLimits.DEFAULT);

  private List<TensorInfo> read(Path file) throws IOException {
    return read(file, ReadLimits.DEFAULT.maxTensors());
  }

  private List<TensorInfo> read(Path file, int budget) throws IOException {
    return SafetensorsHeader.read(
        file, file, file, file.getFileName().toString(), "", ReadLimits.DEFAULT, json, budget);
  }

  /** A file with this header text and {@code dataBytes} bytes after it. */
  private Path raw(String header, long dataBytes) throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.writeRaw(file, header.getBytes(StandardCharsets.UTF_8), dataBytes);
    return file;
  }

  @Test
  void countsElementsAndBytesOfEveryDtypeAsWritten() throws IOException {
    Path file = dir.resolve("model.safetensors");
    long written =
        new SafetensorsWriter()
            .add("embed.weight", "F32", 10, 4)
            .add("norm.weight", "BF16", 4)
            .add("head.weight", "F16", 3, 4)
            .add("position_ids", "I64", 1, 7)
            .add("mask", "BOOL", 2, 3)
            .add("empty", "F32", 0, 5)
            .add("scale", "F32")
            .write(file);

    List<TensorInfo> tensors = read(file);

    assertThat(tensors)
        .extracting(TensorInfo::name)
        .containsExactly(
            "embed.weight", "norm.weight", "head.weight", "position_ids", "mask", "empty", "scale");
    assertThat(tensors.stream().mapToLong(TensorInfo::elements).sum())
        .isEqualTo(written)
        .isEqualTo(40 + 4 + 12 + 7 + 6 + 0 + 1);
    long dataBytes = 40 * 4 + 4 * 2 + 12 * 2 + 7 * 8 + 6 + 0 + 4;
    assertThat(tensors.stream().mapToLong(TensorInfo::bytes).sum()).isEqualTo(dataBytes);
    assertThat(tensors.get(0).shape()).containsExactly(10L, 4L);
    assertThat(tensors.get(5).elements()).isZero();
    assertThat(tensors.get(5).bytes()).isZero();
    assertThat(tensors.get(6).rank()).isZero();
    assertThat(tensors.get(6).elements()).isEqualTo(1);
    assertThat(tensors).extracting(TensorInfo::dtype).contains(DType.BF16, DType.I64, DType.BOOL);
    assertThat(tensors).allSatisfy(t -> assertThat(t.file()).isEqualTo("model.safetensors"));
  }

  @Test
  void readerSumsTheHeaderIntoAMeasuredSummaryPerDtype() throws IOException {
    Path file = dir.resolve("model.safetensors");
    new SafetensorsWriter()
        .add("a", "F32", 2, 3)
        .add("b", "BF16", 5)
        .add("c", "F16", 4)
        .add("d", "I64", 3)
        .add("e", "BOOL", 9)
        .add("z", "F16", 0)
        .write(file);

    ModelProfile profile = new HfReader().read(dir, ReadLimits.DEFAULT);

    assertThat(profile.weights().estimated()).isFalse();
    assertThat(profile.weights().parameters()).hasValue(6 + 5 + 4 + 3 + 9);
    assertThat(profile.weights().bytes()).hasValue(24 + 10 + 8 + 24 + 9);
    assertThat(profile.weights().dtypes())
        .containsEntry(DType.F32, new DTypeTally(6, 24))
        .containsEntry(DType.BF16, new DTypeTally(5, 10))
        .containsEntry(DType.F16, new DTypeTally(4, 8))
        .containsEntry(DType.I64, new DTypeTally(3, 24))
        .containsEntry(DType.BOOL, new DTypeTally(9, 9));
    // the data buffer holds exactly the bytes the header declares
    long headerLen =
        ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(Files.size(file) - 8 - headerLen).isEqualTo(profile.weights().bytes().getAsLong());
  }

  @Test
  void metadataEntryIsNotATensor() throws IOException {
    Path file =
        raw(
            """
            {"__metadata__": {"format": "pt", "note": "x"},
             "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""",
            8);

    assertThat(read(file)).extracting(TensorInfo::name).containsExactly("w");
  }

  @Test
  void metadataThatIsNotAnObjectIsRefused() throws IOException {
    Path file = raw("{\"__metadata__\": [1]}", 0);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("__metadata__");
  }

  @Test
  void headerPaddedWithSpacesIsAccepted() throws IOException {
    Path file =
        raw("{\"w\": {\"dtype\": \"U8\", \"shape\": [3], \"data_offsets\": [0, 3]}}    ", 3);

    assertThat(read(file)).singleElement().satisfies(t -> assertThat(t.bytes()).isEqualTo(3));
  }

  @Test
  void subByteDtypesRoundUpToWholeBytes() throws IOException {
    Path file = raw("{\"q\": {\"dtype\": \"F4\", \"shape\": [3], \"data_offsets\": [0, 2]}}", 2);

    TensorInfo q = read(file).get(0);

    assertThat(q.elements()).isEqualTo(3);
    assertThat(q.bytes()).isEqualTo(2);
  }

  @Test
  void namesArePrefixedAndFilesRelativeForAPipelineComponent() throws IOException {
    Path file = dir.resolve("diffusion_pytorch_model.safetensors");
    new SafetensorsWriter().add("conv_in.weight", "F16", 4, 4).write(file);

    List<TensorInfo> tensors =
        SafetensorsHeader.read(
            file,
            file,
            file,
            "unet/diffusion_pytorch_model.safetensors",
            "unet/",
            ReadLimits.DEFAULT,
            json,
            10);

    assertThat(tensors)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.name()).isEqualTo("unet/conv_in.weight");
              assertThat(t.file()).isEqualTo("unet/diffusion_pytorch_model.safetensors");
            });
  }

  @Test
  void moreTensorsThanTheBudgetAreRefused() throws IOException {
    Path file = dir.resolve("model.safetensors");
    new SafetensorsWriter().add("a", "F32", 1).add("b", "F32", 1).add("c", "F32", 1).write(file);

    assertThat(read(file, 3)).hasSize(3);
    assertThatThrownBy(() -> read(file, 2))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more tensors than the limit");
  }

  @Test
  void zeroSizeTensorsMayShareAnOffsetWithTheirNeighbours() throws IOException {
    Path file =
        raw(
            """
            {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
             "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
             "f": {"dtype": "F32", "shape": [0, 3], "data_offsets": [4, 4]},
             "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""",
            8);

    assertThat(read(file)).hasSize(4);
  }

  @Test
  void headerLengthIsReadAsUnsigned() throws IOException {
    Path file = dir.resolve("model.safetensors");
    byte[] bytes = new byte[64];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
    Files.write(file, bytes);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("18446744073709551615")
        .hasMessageContaining("byte 0");
  }

  @Test
  void overlappingTensorsAreNamedInTheMessage() throws IOException {
    Path file =
        raw(
            """
            {"first": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "second": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""",
            12);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("tensor \"second\"")
        .hasMessageContaining("overlap tensor \"first\"");
  }

  @Test
  void spanThatDisagreesWithDtypeAndShapeIsRefused() throws IOException {
    Path file =
        raw("{\"w\": {\"dtype\": \"BF16\", \"shape\": [2, 2], \"data_offsets\": [0, 4]}}", 4);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("tensor \"w\"")
        .hasMessageContaining("needs 8");
  }

  @Test
  void offsetsPastTheDataAreRefused() throws IOException {
    Path file = raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 7);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("past the end of the data (7 bytes");
  }

  @Test
  void nullTensorEntryIsRefused() throws IOException {
    Path file = raw("{\"w\": null}", 0);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("tensor \"w\": expected an object, found null");
  }

  @Test
  void firstBadEntryIsReportedEvenWhenTheRestIsNotJson() throws IOException {
    Path file = raw("{\"w\": {\"dtype\": \"F128\"}, \"x\": garbage", 0);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("unknown dtype \"F128\"");
  }

  @Test
  void tensorNameWithALineBreakStillGivesAOneLineMessage() throws IOException {
    Path file =
        raw("{\"bad\\nname\": {\"dtype\": \"X\", \"shape\": [], \"data_offsets\": [0, 0]}}", 0);

    assertThatThrownBy(() -> read(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("unknown dtype")
        .hasMessageNotContaining("\n");
  }
}
