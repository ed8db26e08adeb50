package dev.neuronfit.io.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds arbitrary bytes to {@link MxnetReader} as a Gluon export pair: the first two bytes
 * (little-endian) say how many of the rest are {@code m-symbol.json}; what follows is {@code
 * m-0000.params} (not written when empty). The only failure allowed is a one-line {@link
 * ModelFormatException} naming a file. Whatever reads is turned into a full report (classification
 * through the ONNX reading of the graph, operator coverage, rules). Plain {@code mvn test} runs it
 * in Jazzer's regression mode, once per input in {@code
 * src/test/resources/dev/neuronfit/io/mxnet/MxnetReaderFuzzTestInputs/readsAnyMxnetBytesOrRefusesThem/}
 * (seeds written by {@code malformed/mxnet/generate.py}). To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=MxnetReaderFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>A crashing input is written into the inputs folder: fix the reader, keep the input there, and
 * add it to the malformed corpus ({@code malformed/mxnet/fuzz-*}, run by {@link
 * MalformedMxnetTest}).
 */
class MxnetReaderFuzzTest {
  @TempDir static Path dir;

  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "{\"nodes\": [",
    "\"op\": \"null\"",
    "\"op\": \"Convolution\"",
    "\"op\": \"batch_dot\"",
    "\"op\": \"softmax\"",
    "\"op\": \"_contrib_ROIAlign\"",
    "\"op\": \"RNN\"",
    "\"op\": \"_foreach\"",
    "\"subgraphs\": [",
    "\"inputs\": [[0, 0, 0]]",
    "\"heads\": [[1, 0, 0]]",
    "\"attrs\": {\"__shape__\": \"(64, 3, 7, 7)\"}",
    "\"mxnet_version\": [\"int\", 10500]",
    "arg:",
    "aux:"
  })
  void readsAnyMxnetBytesOrRefusesThem(byte[] data) throws IOException {
    int split = data.length < 2 ? 0 : (data[0] & 0xFF) | (data[1] & 0xFF) << 8;
    int start = Math.min(2, data.length);
    int end = Math.min(data.length, start + split);
    Path symbol = dir.resolve("m-symbol.json");
    Path params = dir.resolve("m-0000.params");
    Files.write(symbol, Arrays.copyOfRange(data, start, end));
    Files.deleteIfExists(params);
    if (end < data.length) {
      Files.write(params, Arrays.copyOfRange(data, end, data.length));
    }
    try {
      ModelProfile p = new MxnetReader().read(symbol, ReadLimits.DEFAULT);
      INSPECTOR.report(p, KB.defaultEdition(), Selection.ALL);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(dir.toString()).doesNotContain("\n", "\r");
    }
  }
}
