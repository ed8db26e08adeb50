package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ContentSniffer.Kind;
import dev.neuronfit.testing.SafetensorsWriter;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentSnifferTest {
  @TempDir Path dir;

  private Kind sniff(byte[] bytes) throws IOException {
    Path file = dir.resolve("file");
    Files.write(file, bytes);
    return ContentSniffer.sniff(file);
  }

  private Kind sniff(String text) throws IOException {
    return sniff(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] lengthThen(long length, String text) {
    byte[] tail = text.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + tail.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(length)
        .put(tail)
        .array();
  }

  @Test
  void jsonObjectIsJson() throws IOException {
    assertThat(sniff("{\"model_type\": \"bert\"}")).isEqualTo(Kind.JSON_OBJECT);
    assertThat(sniff(" \r\n\t {}")).isEqualTo(Kind.JSON_OBJECT);
    assertThat(sniff("\uFEFF{}")).isEqualTo(Kind.JSON_OBJECT);
    assertThat(ContentSniffer.sniff(TestFiles.examples().resolve("gpt2/config.json")))
        .isEqualTo(Kind.JSON_OBJECT);
  }

  @Test
  void otherJsonValuesAreUnknown() throws IOException {
    assertThat(sniff("[{}]")).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff("\"config\"")).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff("42")).isEqualTo(Kind.UNKNOWN);
  }

  @Test
  void safetensorsIsRecognisedWhateverItsName() throws IOException {
    Path file = dir.resolve("weights.bin");
    new SafetensorsWriter().add("w", "F32", 2).write(file);

    assertThat(ContentSniffer.sniff(file)).isEqualTo(Kind.SAFETENSORS);
    assertThat(
            ContentSniffer.sniff(
                TestFiles.examples().resolve("tiny-faster-rcnn/model.safetensors")))
        .isEqualTo(Kind.SAFETENSORS);
  }

  @Test
  void lengthPrefixMustBeFollowedByAnObject() throws IOException {
    assertThat(sniff(lengthThen(2, "{}"))).isEqualTo(Kind.SAFETENSORS);
    // the sniffer only looks; the header reader checks the length against the file
    assertThat(sniff(lengthThen(Long.MAX_VALUE, "{"))).isEqualTo(Kind.SAFETENSORS);
    assertThat(sniff(lengthThen(1, "{"))).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff(lengthThen(-1, "{"))).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff(lengthThen(2, "[]"))).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff(lengthThen(2, ""))).isEqualTo(Kind.UNKNOWN);
  }

  @Test
  void recognisesZipPickleHdf5AndTfliteByTheirSignatures() throws IOException {
    assertThat(sniff(new byte[] {(byte) 0x80, 0x02, 'c', 't', 'o', 'r', 'c', 'h'}))
        .isEqualTo(Kind.PICKLE);
    // Python accepts a PROTO opcode of protocol 0 or 1, and so torch.load unpickles such a file
    assertThat(sniff(new byte[] {(byte) 0x80, 0x01, 'c'})).isEqualTo(Kind.PICKLE);
    assertThat(sniff(new byte[] {(byte) 0x80, 0x06, 'c'})).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0})).isEqualTo(Kind.ZIP);
    assertThat(sniff(new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0})).isEqualTo(Kind.ZIP);
    assertThat(sniff(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}))
        .isEqualTo(Kind.HDF5);
    assertThat(sniff(new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0})).isEqualTo(Kind.TFLITE);
  }

  @Test
  void otherBytesAreUnknown() throws IOException {
    assertThat(sniff(new byte[] {'P', 'K', 1, 2, 0, 0, 0, 0, 0, 0})).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff("1234567")).isEqualTo(Kind.UNKNOWN);
    assertThat(sniff("   ")).isEqualTo(Kind.UNKNOWN);
  }

  @Test
  void emptyFileIsRefused() throws IOException {
    Path file = dir.resolve("config.json");
    Files.write(file, new byte[0]);

    assertThatThrownBy(() -> ContentSniffer.sniff(file))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("empty file");
  }

  /** A tar header named {@code storages} whose checksum field is written by {@code field}. */
  private static byte[] tarHeaderWithChecksum(java.util.function.LongFunction<byte[]> field) {
    byte[] h = new byte[1024];
    byte[] name = "storages".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, h, 0, name.length);
    byte[] size = "00000000000\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, h, 124, size.length);
    long sum = 8 * ' ';
    for (int i = 0; i < 512; i++) {
      sum += h[i] & 0xFF;
    }
    System.arraycopy(field.apply(sum), 0, h, 148, 8);
    return h;
  }

  @Test
  void aTarHeaderWhoseChecksumOnlyPythonReadsIsTheLegacyTarTorchLoadTriesFirst(@TempDir Path dir)
      throws IOException {
    // Python's tarfile (torch.load's tar attempt) reads a base-256 checksum, or octal text with
    // a sign, a 0o prefix or underscores; Commons Compress refuses them, and such a file once
    // sniffed as no format at all
    Path base256 = dir.resolve("base256.pt");
    Files.write(
        base256,
        tarHeaderWithChecksum(
            sum -> {
              byte[] f = ByteBuffer.allocate(8).putLong(sum).array();
              f[0] = (byte) 0x80;
              return f;
            }));
    Path underscore = dir.resolve("underscore.pt");
    Files.write(
        underscore,
        tarHeaderWithChecksum(
            sum ->
                java.util.Arrays.copyOf(
                    ("+0o_" + Long.toOctalString(sum)).getBytes(StandardCharsets.US_ASCII), 8)));
    Path wrong = dir.resolve("wrong.pt");
    Files.write(
        wrong,
        tarHeaderWithChecksum(
            sum ->
                java.util.Arrays.copyOf(
                    ("0_" + Long.toOctalString(sum + 1)).getBytes(StandardCharsets.US_ASCII), 8)));

    assertThat(ContentSniffer.isTar(base256)).isTrue();
    assertThat(ContentSniffer.sniff(base256)).isEqualTo(Kind.PICKLE);
    assertThat(ContentSniffer.isTar(underscore)).isTrue();
    assertThat(ContentSniffer.isTar(wrong)).isFalse();
  }
}
