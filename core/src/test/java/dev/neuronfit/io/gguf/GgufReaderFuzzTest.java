package dev.neuronfit.io.gguf;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds arbitrary bytes to {@link GgufReader}; the only failure allowed is a one-line {@link
 * ModelFormatException} naming the file. Whatever reads is also turned into a full report
 * (classification, workload from the metadata, rules), so everything downstream sees every metadata
 * the reader lets through. Plain {@code mvn test} runs it in Jazzer's regression mode, once per
 * input in {@code
 * src/test/resources/dev/neuronfit/io/gguf/GgufReaderFuzzTestInputs/readsAnyGgufBytesOrRefusesThem/}
 * (seed written by {@code malformed/gguf/generate.py}). To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=GgufReaderFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>A crashing input is written into the inputs folder: fix the reader, keep the input there, and
 * add it to the malformed corpus ({@code malformed/gguf/fuzz-*}, run by {@link MalformedGgufTest}).
 */
class GgufReaderFuzzTest {
  @TempDir static Path dir;

  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "GGUF",
    "general.architecture",
    "general.alignment",
    "llama",
    "llama.block_count",
    "llama.embedding_length",
    "llama.context_length",
    "llama.attention.head_count",
    "token_embd.weight",
    "general.base_model.0.repo_url"
  })
  void readsAnyGgufBytesOrRefusesThem(byte[] data) throws IOException {
    Path file = dir.resolve("model.gguf");
    Files.write(file, data);
    try {
      ModelProfile p = new GgufReader().read(file, ReadLimits.DEFAULT);
      INSPECTOR.report(p, KB.defaultEdition(), Selection.ALL);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }
}
