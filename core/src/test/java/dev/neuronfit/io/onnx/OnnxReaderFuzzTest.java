package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxBytes.pb;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxBytes.Pb;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Feeds arbitrary bytes to {@link OnnxReader} as a {@code model.onnx} with a {@code weights.bin}
 * beside it (as large as the external-data fixture's, so its references fit); the only failure
 * allowed is a one-line {@link ModelFormatException} naming the file. The content sniffer gets the
 * same bytes.
 *
 * <p>A second target builds models from fuzzer-chosen parts, to reach the checks behind the wire
 * format. Plain {@code mvn test} runs both in Jazzer's regression mode: once per input in {@code
 * src/test/resources/dev/neuronfit/io/onnx/OnnxReaderFuzzTestInputs/<method>/} (seeds: small
 * fixtures and models built by {@link OnnxBytes}; and past findings). To fuzz (both targets, one
 * after the other):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=OnnxReaderFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>That runs for {@code maxDuration}; Jazzer 0.24 has no override, so raise it locally for a
 * longer run, or run the command again (new coverage is kept in {@code core/.cifuzz-corpus/}, which
 * is not committed). A crashing input is written into the inputs folder above: fix the reader, keep
 * the input there, and add it to the malformed corpus ({@code
 * src/test/resources/malformed/onnx/fuzz-*}, run by {@link MalformedOnnxTest}).
 */
class OnnxReaderFuzzTest {
  /** The size of external_data/weights.bin, so the seed that references it reads cleanly. */
  private static final long WEIGHTS_BYTES = 208256;

  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  @BeforeAll
  static void writeWeights() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("weights.bin").toFile(), "rw")) {
      f.setLength(WEIGHTS_BYTES);
    }
  }

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "location",
    "weights.bin",
    "offset",
    "length",
    "../weights.bin",
    "/etc/passwd",
    "then_branch",
    "else_branch",
    "body",
    "Constant",
    "value",
    "If",
    "Loop",
    "Reshape",
    "ai.onnx",
    "pytorch",
    "\u0008\u0008",
    "\u0070\u0001"
  })
  void readsAnyBytesOrRefusesThem(byte[] data) throws IOException {
    Path file = dir.resolve("model.onnx");
    Files.write(file, data);
    try {
      new OnnxReader().read(file, ReadLimits.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
    try {
      ContentSniffer.sniff(file);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }

  /**
   * Builds a model from fuzzer-chosen parts (nodes, attributes, subgraphs, tensors of any type and
   * dims, external-data entries, value infos, functions) so that the fuzzer reaches the checks on
   * values (sizes, types, locations), which random bytes rarely get through the wire format to.
   */
  @FuzzTest(maxDuration = "20s")
  void readsAnyModelBuiltFromPartsOrRefusesIt(FuzzedDataProvider data) throws IOException {
    Path file = dir.resolve("built.onnx");
    Files.write(file, model(data));
    try {
      new OnnxReader().read(file, ReadLimits.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }

  private static final String[] OPS = {
    "MatMul", "Constant", "If", "Loop", "Reshape", "Conv", "NonMaxSuppression", ""
  };
  private static final String[] LOCATIONS = {
    "weights.bin",
    "./weights.bin",
    "../weights.bin",
    "/etc/passwd",
    ".",
    "C:x",
    "sub/../weights.bin"
  };

  private static byte[] model(FuzzedDataProvider d) {
    Pb m = pb();
    if (d.consumeBoolean()) {
      m.varint(1, d.consumeLong(0, 12));
    }
    m.str(2, d.pickValue(new String[] {"pytorch", "tf2onnx", ""}));
    m.msg(7, graph(d, 0));
    m.msg(
        8,
        pb().str(1, d.pickValue(new String[] {"", "ai.onnx", "com.microsoft"}))
            .varint(2, d.consumeLong()));
    if (d.consumeBoolean()) {
      Pb f = pb().str(1, d.consumeString(8));
      for (int i = d.consumeInt(0, 3); i > 0; i--) {
        f.msg(7, node(d, 1));
      }
      m.msg(25, f.str(10, d.consumeString(8)));
    }
    return m.toBytes();
  }

  private static Pb graph(FuzzedDataProvider d, int depth) {
    Pb g = pb();
    for (int i = d.consumeInt(0, 6); i > 0; i--) {
      switch (d.consumeInt(0, 5)) {
        case 0, 1 -> g.msg(1, node(d, depth));
        case 2 -> g.msg(5, tensor(d, depth));
        case 3 -> g.msg(11, valueInfo(d));
        case 4 -> g.msg(12, valueInfo(d));
        default -> g.raw(d.consumeBytes(d.consumeInt(0, 16)));
      }
    }
    return g;
  }

  private static Pb node(FuzzedDataProvider d, int depth) {
    Pb n = pb();
    for (int i = d.consumeInt(0, 3); i > 0; i--) {
      n.str(d.consumeBoolean() ? 1 : 2, d.consumeString(6));
    }
    n.str(3, d.consumeString(6)).str(4, d.pickValue(OPS));
    for (int i = d.consumeInt(0, 3); i > 0; i--) {
      n.msg(5, attribute(d, depth));
    }
    return n;
  }

  private static Pb attribute(FuzzedDataProvider d, int depth) {
    Pb a = pb().str(1, d.pickValue(new String[] {"value", "then_branch", "body", "value_ints"}));
    switch (d.consumeInt(0, 7)) {
      case 0 -> a.varint(3, d.consumeLong());
      case 1 -> a.fixed32(2, d.consumeInt());
      case 2 -> a.str(4, d.consumeString(16));
      case 3 -> {
        for (int i = d.consumeInt(0, 4); i > 0; i--) {
          a.varint(8, d.consumeLong());
        }
      }
      case 4 -> a.bytes(d.consumeBoolean() ? 7 : 8, d.consumeBytes(d.consumeInt(0, 32)));
      case 5 -> a.msg(5, tensor(d, depth));
      default -> {
        if (depth < 12) {
          a.msg(d.consumeBoolean() ? 6 : 11, graph(d, depth + 1));
        }
      }
    }
    return a;
  }

  private static Pb tensor(FuzzedDataProvider d, int depth) {
    Pb t = pb();
    for (int i = d.consumeInt(0, 4); i > 0; i--) {
      t.varint(1, d.consumeBoolean() ? d.consumeLong(0, 8) : d.consumeLong());
    }
    t.varint(2, d.consumeBoolean() ? d.consumeLong(0, 25) : d.consumeLong())
        .str(8, d.consumeString(6));
    switch (d.consumeInt(0, 4)) {
      case 0 -> t.bytes(9, d.consumeBytes(d.consumeInt(0, 64)));
      case 1 -> {
        for (int i = d.consumeInt(0, 8); i > 0; i--) {
          t.fixed32(4, d.consumeInt());
        }
      }
      case 2 ->
          t.bytes(
              d.pickValue(new Integer[] {4, 5, 7, 10, 11}), d.consumeBytes(d.consumeInt(0, 64)));
      case 3 -> {
        t.msg(
            13,
            pb().str(1, "location")
                .str(2, d.consumeBoolean() ? d.pickValue(LOCATIONS) : d.consumeString(12)));
        t.msg(13, pb().str(1, "offset").str(2, Long.toString(d.consumeLong(-1, 300_000))));
        t.msg(13, pb().str(1, "length").str(2, Long.toString(d.consumeLong(-1, 300_000))));
        t.varint(14, d.consumeInt(0, 2));
      }
      default -> {}
    }
    return t;
  }

  private static Pb valueInfo(FuzzedDataProvider d) {
    Pb shape = pb();
    for (int i = d.consumeInt(0, 4); i > 0; i--) {
      shape.msg(
          1,
          d.consumeBoolean() ? pb().varint(1, d.consumeLong()) : pb().str(2, d.consumeString(6)));
    }
    return pb().str(1, d.consumeString(6))
        .msg(2, pb().msg(1, pb().varint(1, d.consumeLong()).msg(2, shape)));
  }

  /** Each execution writes a file; on Linux's {@code /dev/shm} that is much faster than a disk. */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-onnx-fuzz")
          : Files.createTempDirectory("neuronfit-onnx-fuzz");
    }
  }
}
