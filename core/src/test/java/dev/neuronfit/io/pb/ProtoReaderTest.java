package dev.neuronfit.io.pb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtoReaderTest {
  @TempDir Path tmp;

  private ProtoReader open(int... bytes) throws IOException {
    return openNested(16, bytes);
  }

  private ProtoReader openNested(int maxDepth, int... bytes) throws IOException {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return openBytes(b, maxDepth);
  }

  private ProtoReader openBytes(byte[] b, int maxDepth) throws IOException {
    Path file = Files.write(tmp.resolve("m.pb"), b);
    return ProtoReader.open(file, Path.of("shown.onnx"), maxDepth);
  }

  @Test
  void readsVarintsOfOneToTenBytes() throws IOException {
    try (ProtoReader r =
        open(
            0x01, // 1
            0xAC, 0x02, // 300
            0xFF, 0xFF, 0xFF, 0xFF, 0x07, // 2^31 - 1
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // -1, ten bytes
            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)) { // Long.MIN_VALUE
      assertThat(r.readVarint()).isEqualTo(1);
      assertThat(r.readVarint()).isEqualTo(300);
      assertThat(r.readVarint()).isEqualTo(Integer.MAX_VALUE);
      assertThat(r.readVarint()).isEqualTo(-1);
      assertThat(r.readVarint()).isEqualTo(Long.MIN_VALUE);
      assertThat(r.position()).isEqualTo(28);
      assertThat(r.atEnd()).isTrue();
    }
  }

  @Test
  void acceptsOverlongButValidEncodings() throws IOException {
    // 0 and 1 padded with continuation bytes: not canonical, but protobuf parsers accept them
    try (ProtoReader r = open(0x80, 0x80, 0x00, 0x81, 0x80, 0x80, 0x00)) {
      assertThat(r.readVarint()).isZero();
      assertThat(r.readVarint()).isEqualTo(1);
    }
  }

  @Test
  void refusesAVarintOfElevenBytes() throws IOException {
    try (ProtoReader r =
        open(0x05, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)) {
      r.readVarint();
      assertThatThrownBy(r::readVarint)
          .isExactlyInstanceOf(ModelFormatException.class)
          .hasMessage("shown.onnx: byte 1: varint longer than 10 bytes");
    }
  }

  @Test
  void refusesAVarintCutByTheEndOfTheFile() throws IOException {
    try (ProtoReader r = open(0x80, 0x80)) {
      assertThatThrownBy(r::readVarint).hasMessageContaining("unexpected end of file");
    }
  }

  @Test
  void readsFixedWidthLittleEndian() throws IOException {
    try (ProtoReader r =
        open(
            0x78, 0x56, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00,
            0x80, 0x3F)) {
      assertThat(r.readFixed32()).isEqualTo(0x12345678);
      assertThat(r.readFixed64()).isEqualTo(0x8000_0000_0000_0001L);
      assertThat(Float.intBitsToFloat(r.readFixed32())).isEqualTo(1.0f);
    }
  }

  @Test
  void refusesFixedWidthValuesCutShort() throws IOException {
    try (ProtoReader r = open(0x01, 0x02, 0x03)) {
      assertThatThrownBy(r::readFixed32).hasMessageContaining("unexpected end of file");
    }
    try (ProtoReader r = open(0x01, 0x02, 0x03, 0x04, 0x05)) {
      assertThatThrownBy(r::readFixed64).hasMessageContaining("unexpected end of file");
    }
  }

  @Test
  void splitsTagsIntoFieldAndWireType() throws IOException {
    try (ProtoReader r =
        open(0x08, 0x96, 0x01, 0x3A, 0x00, 0x4D, 0, 0, 0, 0, 0x51, 0, 0, 0, 0, 0, 0, 0, 0)) {
      int t = r.nextTag();
      assertThat(ProtoReader.fieldNumber(t)).isEqualTo(1);
      assertThat(ProtoReader.wireType(t)).isEqualTo(ProtoReader.VARINT);
      assertThat(r.readVarint()).isEqualTo(150);
      t = r.nextTag();
      assertThat(ProtoReader.fieldNumber(t)).isEqualTo(7);
      assertThat(ProtoReader.wireType(t)).isEqualTo(ProtoReader.LENGTH_DELIMITED);
      r.skipValue(t);
      t = r.nextTag();
      assertThat(ProtoReader.fieldNumber(t)).isEqualTo(9);
      assertThat(ProtoReader.wireType(t)).isEqualTo(ProtoReader.FIXED32);
      r.skipValue(t);
      t = r.nextTag();
      assertThat(ProtoReader.fieldNumber(t)).isEqualTo(10);
      assertThat(ProtoReader.wireType(t)).isEqualTo(ProtoReader.FIXED64);
      r.skipValue(t);
      assertThat(r.nextTag()).isEqualTo(-1);
    }
  }

  @Test
  void refusesGroupWireTypesAndTheUndefinedOnes() throws IOException {
    for (int wire : new int[] {3, 4, 6, 7}) {
      try (ProtoReader r = open((5 << 3) | wire, 0x00)) {
        assertThatThrownBy(r::nextTag)
            .isExactlyInstanceOf(ModelFormatException.class)
            .hasMessage("shown.onnx: byte 0: wire type " + wire + " of field 5 is not supported");
      }
    }
  }

  @Test
  void refusesFieldNumberZeroAndNumbersOverTheMaximum() throws IOException {
    try (ProtoReader r = open(0x00, 0x00)) {
      assertThatThrownBy(r::nextTag).hasMessageContaining("field number 0 is not valid");
    }
    // field 2^29 (one over the protobuf maximum), varint wire type
    try (ProtoReader r = open(0x80, 0x80, 0x80, 0x80, 0x10, 0x00)) {
      assertThatThrownBy(r::nextTag).hasMessageContaining("field number 536870912 is not valid");
    }
  }

  @Test
  void refusesLengthsPastTheEndOfTheFile() throws IOException {
    try (ProtoReader r = open(0x0A, 0x05, 'a', 'b')) {
      r.nextTag();
      assertThatThrownBy(r::readLength)
          .isExactlyInstanceOf(ModelFormatException.class)
          .hasMessage(
              "shown.onnx: byte 1: length 5 runs past the end of its message (2 bytes left)");
    }
    // a ten-byte length of 2^64 - 1: negative as a signed long
    try (ProtoReader r = open(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)) {
      assertThatThrownBy(r::readLength)
          .hasMessageContaining("length 18446744073709551615 runs past");
    }
  }

  @Test
  void refusesSkipsAndRawReadsPastTheEnd() throws IOException {
    try (ProtoReader r = open(1, 2, 3, 4)) {
      assertThatThrownBy(() -> r.skip(5)).hasMessageContaining("cannot skip 5 bytes");
      assertThatThrownBy(() -> r.skip(-1)).hasMessageContaining("cannot skip -1 bytes");
      assertThatThrownBy(() -> r.readRaw(5)).hasMessageContaining("run past the end");
      assertThatThrownBy(() -> r.seek(5)).hasMessageContaining("outside the current message");
      assertThat(r.readRaw(4)).containsExactly(1, 2, 3, 4);
    }
  }

  @Test
  void skipsALargeFieldBySeekingNotReading() throws IOException {
    long big = 200L << 20;
    byte[] head = concat(new byte[] {0x0A}, varint(big));
    byte[] tail = {0x10, 0x2A}; // field 2 = 42
    Path file = tmp.resolve("big.pb");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write(head);
      f.seek(head.length + big); // a hole: 200 MiB that cost no disk and must not be read
      f.write(tail);
    }

    try (ProtoReader r = ProtoReader.open(file, file, 4)) {
      r.skipValue(r.nextTag());
      int t = r.nextTag();
      assertThat(ProtoReader.fieldNumber(t)).isEqualTo(2);
      assertThat(r.readVarint()).isEqualTo(42);
      assertThat(r.nextTag()).isEqualTo(-1);
      assertThat(r.fileSize()).isGreaterThan(big);
      // a small read-ahead at the start and one at the end, never the 200 MiB between
      assertThat(r.bytesRead()).isLessThanOrEqualTo(1024L);
    }
  }

  @Test
  void readsFieldsThatStraddleManyRefills() throws IOException {
    // 5,000 strings of 1 to 300 bytes, then one of 100 KiB: reads cross every refill boundary
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < 5000; i++) {
      byte[] s =
          ("s" + i + "x".repeat(i % 300)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      b.write(0x0A);
      b.writeBytes(varint(s.length));
      b.writeBytes(s);
    }
    byte[] big = new byte[100 << 10];
    java.util.Arrays.fill(big, (byte) 'y');
    b.write(0x12);
    b.writeBytes(varint(big.length));
    b.writeBytes(big);

    try (ProtoReader r = openBytes(b.toByteArray(), 4)) {
      for (int i = 0; i < 5000; i++) {
        assertThat(ProtoReader.fieldNumber(r.nextTag())).isEqualTo(1);
        assertThat(r.readString(1000, "s")).isEqualTo("s" + i + "x".repeat(i % 300));
      }
      assertThat(ProtoReader.fieldNumber(r.nextTag())).isEqualTo(2);
      assertThat(r.readString(200 << 10, "big"))
          .hasSize(100 << 10)
          .containsOnlyOnce("y".repeat(100 << 10));
      assertThat(r.nextTag()).isEqualTo(-1);
      assertThat(r.bytesRead()).isEqualTo(b.size());
    }
  }

  @Test
  void keepsReadsInsideAnEmbeddedMessageAndSkipsWhatIsLeftOfIt() throws IOException {
    // field 1 = message {field 1 = 7, field 2 = 8}, then field 2 = 9
    try (ProtoReader r = open(0x0A, 0x04, 0x08, 0x07, 0x10, 0x08, 0x10, 0x09)) {
      r.nextTag();
      long token = r.beginMessage();
      assertThat(ProtoReader.fieldNumber(r.nextTag())).isEqualTo(1);
      assertThat(r.readVarint()).isEqualTo(7);
      r.endMessage(token); // field 2 = 8 is skipped
      int t = r.nextTag();
      assertThat(ProtoReader.fieldNumber(t)).isEqualTo(2);
      assertThat(r.readVarint()).isEqualTo(9);
    }
  }

  @Test
  void refusesAFieldThatRunsPastItsEnclosingMessage() throws IOException {
    // field 1 = message of 2 bytes holding a string of length 5 (the file has more bytes)
    try (ProtoReader r = open(0x0A, 0x02, 0x0A, 0x05, 'a', 'b', 'c', 'd', 'e')) {
      r.nextTag();
      r.beginMessage();
      r.nextTag();
      assertThatThrownBy(() -> r.readString(100, "name"))
          .hasMessageContaining("length 5 runs past the end of its message (0 bytes left)");
    }
    // a varint cut by the end of its message, though the file goes on
    try (ProtoReader r = open(0x0A, 0x02, 0x08, 0x80, 0x01)) {
      r.nextTag();
      r.beginMessage();
      r.nextTag();
      assertThatThrownBy(r::readVarint)
          .hasMessageContaining("field runs past the end of its message");
    }
  }

  @Test
  void refusesNestingDeeperThanTheLimit() throws IOException {
    // three messages nested in each other: {{{}}}
    int[] nested = {0x0A, 0x04, 0x0A, 0x02, 0x0A, 0x00};
    try (ProtoReader r = openNested(3, nested)) {
      for (int i = 0; i < 3; i++) {
        r.nextTag();
        r.beginMessage();
      }
    }
    try (ProtoReader r = openNested(2, nested)) {
      r.nextTag();
      r.beginMessage();
      r.nextTag();
      r.beginMessage();
      r.nextTag();
      assertThatThrownBy(r::beginMessage)
          .isExactlyInstanceOf(ModelFormatException.class)
          .hasMessageContaining("messages nested deeper than the limit of 2");
    }
  }

  @Test
  void decodesUtf8AndRefusesInvalidSequences() throws IOException {
    byte[] ok = "größe ✓".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (ProtoReader r = openBytes(concat(varint(ok.length), ok), 4)) {
      assertThat(r.readString(100, "name")).isEqualTo("größe ✓");
    }
    for (int[] bad :
        new int[][] {
          {0x02, 0xC3, 0x28}, // a lead byte without its continuation
          {0x01, 0x80}, // a lone continuation byte
          {0x02, 0xC0, 0x80}, // an overlong NUL
          {0x03, 0xED, 0xA0, 0x80} // a UTF-16 surrogate
        }) {
      try (ProtoReader r = open(bad)) {
        assertThatThrownBy(() -> r.readString(100, "node name"))
            .isExactlyInstanceOf(ModelFormatException.class)
            .hasMessage("shown.onnx: byte 0: node name is not valid UTF-8");
      }
    }
  }

  @Test
  void refusesStringsOverTheirLimitBeforeReadingThem() throws IOException {
    try (ProtoReader r = open(0x05, 'a', 'b', 'c', 'd', 'e')) {
      assertThatThrownBy(() -> r.readString(4, "tensor name"))
          .hasMessage("shown.onnx: byte 0: tensor name of 5 bytes is over the limit of 4");
      assertThat(r.bytesRead()).isEqualTo(6); // the whole (tiny) file, in one read-ahead
    }
  }

  @Test
  void reportsAWrongWireTypeWithTheFieldAndPlace() throws IOException {
    try (ProtoReader r = open(0x38, 0x01)) {
      int t = r.nextTag();
      assertThatThrownBy(() -> r.expect(t, ProtoReader.LENGTH_DELIMITED, "graph"))
          .hasMessage("shown.onnx: byte 1: graph (field 7) has wire type 0, expected 2");
    }
  }

  @Test
  void seeksBackInsideTheCurrentMessage() throws IOException {
    try (ProtoReader r = open(0x08, 0x01, 0x10, 0x02)) {
      r.nextTag();
      long second = r.position() + 1;
      r.readVarint();
      r.nextTag();
      r.readVarint();
      r.seek(second);
      assertThat(ProtoReader.fieldNumber(r.nextTag())).isEqualTo(2);
    }
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      b.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
