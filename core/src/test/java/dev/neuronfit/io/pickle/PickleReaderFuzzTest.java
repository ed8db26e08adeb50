package dev.neuronfit.io.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.torch.PickleCheckpointReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Feeds arbitrary bytes to {@link PickleMachine} (up to five pickles in a row, as a legacy torch
 * stream holds) and, as a file, to {@link PickleCheckpointReader}, whose tensor walk and parameter
 * selection then run on whatever the machine built; the profile is classified too. The only failure
 * allowed is a one-line {@link ModelFormatException} naming the file.
 *
 * <p>Plain {@code mvn test} runs this in Jazzer's regression mode, once per input in {@code
 * src/test/resources/dev/neuronfit/io/pickle/PickleReaderFuzzTestInputs/readsAnyPickleOrRefusesIt/}
 * (seeds: the pickles of small fixtures, and past findings). To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=PickleReaderFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>That runs for {@code maxDuration}; Jazzer 0.24 has no override, so raise it locally for a
 * longer run, or run the command again (new coverage is kept in {@code core/.cifuzz-corpus/}, which
 * is not committed). A crashing input is written into the inputs folder above: fix the reader, keep
 * the input there, and add it to the malformed corpus ({@code src/test/resources/malformed/torch/},
 * run by {@code MalformedTorchTest}).
 */
class PickleReaderFuzzTest {
  private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.load()::catalogue);

  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  @FuzzTest(maxDuration = "20s")
  // libFuzzer dictionary syntax: bytes outside printable ASCII as \\xNN escapes
  @DictionaryEntries({
    "\\x80\\x02",
    "ctorch._utils\\x0a_rebuild_tensor_v2\\x0a",
    "ctorch._utils\\x0a_rebuild_parameter\\x0a",
    "ctorch\\x0aFloatStorage\\x0a",
    "ctorch\\x0aSize\\x0a",
    "ccollections\\x0aOrderedDict\\x0a",
    "cposix\\x0asystem\\x0a",
    "c__builtin__\\x0aset\\x0a",
    "c_codecs\\x0aencode\\x0a",
    "ctorch.storage\\x0a_load_from_bytes\\x0a",
    "c__main__\\x0aNet\\x0a",
    "X\\x07\\x00\\x00\\x00storage",
    "X\\x03\\x00\\x00\\x00cpu",
    "X\\x0b\\x00\\x00\\x00model_state",
    "X\\x09\\x00\\x00\\x00optimizer",
    "X\\x0b\\x00\\x00\\x00_parameters",
    "X\\x08\\x00\\x00\\x00_modules",
    "\\x8a\\x0al\\xfc\\x9cF\\xf9 j\\xa8P\\x19",
    "M\\xe9\\x03",
    "r\\xff\\xff\\xff\\xff",
    "j\\xff\\xff\\xff\\xff",
    "\\x95\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00",
    "(tQ",
    "tR",
    "}(",
    "u.",
    "\\x81b"
  })
  void readsAnyPickleOrRefusesIt(byte[] data) throws IOException {
    PickleLimits limits = PickleLimits.from(ReadLimits.DEFAULT);
    PickleSource src = PickleSource.of(data, Path.of("fuzz.pkl"), "fuzz", limits.maxBytes());
    PickleHazards hazards = new PickleHazards(limits.maxHazards());
    PickleMachine m = new PickleMachine(src, limits, hazards, data.length % 2 == 0);
    try {
      for (int i = 0; i < 5 && !src.atEnd(); i++) {
        m.read();
      }
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains("fuzz.pkl").doesNotContain("\n", "\r");
    }
    hazards.hazards();

    Path file = dir.resolve("checkpoint.bin");
    Files.write(file, data);
    try {
      ModelProfile p = new PickleCheckpointReader().read(file, ReadLimits.DEFAULT);
      CLASSIFIER.classify(p);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }

  /** Each execution writes a file; on Linux's {@code /dev/shm} that is much faster than a disk. */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-pickle-fuzz")
          : Files.createTempDirectory("neuronfit-pickle-fuzz");
    }
  }
}
