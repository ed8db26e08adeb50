package dev.neuronfit.io.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Feeds arbitrary bytes to {@link HfReader} as each kind of file it reads (safetensors file,
 * config.json, shard index, model_index.json, a bare file of a misleading name); the only failure
 * allowed is a one-line {@link ModelFormatException} naming the model's path.
 *
 * <p>Plain {@code mvn test} runs this in Jazzer's regression mode: once per input in {@code
 * src/test/resources/dev/neuronfit/io/hf/HfReaderFuzzTestInputs/readsAnyBytesOrRefusesThem/} (seeds
 * and past findings). To fuzz for real (Linux/macOS x86_64 or arm64):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=HfReaderFuzzTest
 * </pre>
 *
 * <p>That fuzzes for {@code maxDuration} (Jazzer 0.24 has no override: raise it locally for a
 * longer run). Adding {@code
 * JAZZER_INSTRUMENTATION_INCLUDES='dev.neuronfit.**:com.fasterxml.jackson.**'} (and the same for
 * {@code JAZZER_CUSTOM_HOOK_INCLUDES}) also guides the fuzzer through Jackson's parser, which finds
 * deeper paths. Inputs that add coverage go to {@code core/.cifuzz-corpus/} (do not commit it); a
 * crashing input is written into the inputs folder above. Fix the reader, keep the input there, and
 * add it to the malformed corpus too ({@code src/test/resources/malformed/hf/}, run by {@code
 * MalformedInputTest}).
 */
class HfReaderFuzzTest {
  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "{\"",
    "\":",
    "\"dtype\"",
    "\"shape\"",
    "\"data_offsets\"",
    "\"__metadata__\"",
    "\"F32\"",
    "\"BF16\"",
    "\"F4\"",
    "\"BOOL\"",
    "\"weight_map\"",
    "\"metadata\"",
    "\"total_size\"",
    "\"_class_name\"",
    "\"model.safetensors\"",
    "\"../x\"",
    "\"architectures\"",
    "9223372036854775807",
    "-1",
    "1e400",
    "NaN",
    "\\u0000",
    "\\n",
    "\"unet\"",
    "[\"diffusers\", \"UNet2DConditionModel\"]"
  })
  void readsAnyBytesOrRefusesThem(byte[] data) throws IOException {
    readAs(data, "safetensors", "model.safetensors", true);
    readAs(data, "config", "config.json", true);
    readAs(data, "index", "model.safetensors.index.json", true);
    readAs(data, "pipeline", "model_index.json", true);
    // a bare file of any name is recognised by content
    readAs(data, "bare", "weights.bin", false);
  }

  /** Writes {@code data} as {@code name} in its own folder and reads the folder (or the file). */
  private static void readAs(byte[] data, String folder, String name, boolean readFolder)
      throws IOException {
    Path model = dir.resolve(folder);
    Files.createDirectories(model);
    Path file = model.resolve(name);
    Files.write(file, data);
    try {
      new HfReader().read(readFolder ? model : file, ReadLimits.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(model.toString()).doesNotContain("\n", "\r");
    }
  }

  /**
   * Every execution writes five small files; on Linux's {@code /dev/shm} that is about a hundred
   * times faster than on a disk, which decides how many inputs a fuzzing minute tries.
   */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-fuzz")
          : Files.createTempDirectory("neuronfit-fuzz");
    }
  }
}
