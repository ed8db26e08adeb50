package dev.neuronfit.io.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.keras.KerasWorkload;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.model.ModelProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Feeds arbitrary input to {@link KerasReader}; the only failure allowed is a one-line {@link
 * ModelFormatException} naming the file. Whatever reads is also classified and its workload
 * estimated, so the classifier and {@link KerasWorkload} see every shape of layer graph the reader
 * lets through.
 *
 * <p>The first target writes the bytes as an .h5 file (jhdf's superblock, object headers, B-trees,
 * heaps and attributes, then the model config); the second builds a .keras archive from a
 * fuzzer-chosen config.json and model.weights.h5, to reach the config walk behind the JSON parser.
 * Plain {@code mvn test} runs both in Jazzer's regression mode, once per input in {@code
 * src/test/resources/dev/neuronfit/io/keras/KerasReaderFuzzTestInputs/<method>/} (seeds: the
 * fixtures of {@code src/test/resources/keras/}; and past findings). To fuzz (both targets, one
 * after the other):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -pl core -Dtest=KerasReaderFuzzTest -Dspotless.check.skip=true
 * </pre>
 *
 * <p>That runs for {@code maxDuration}; raise it locally for a longer run. A crashing input is
 * written into the inputs folder above: fix the reader, keep the input there, and add it to the
 * malformed corpus ({@code src/test/resources/malformed/keras/fuzz-*}, run by {@link
 * MalformedKerasTest}).
 */
class KerasReaderFuzzTest {
  @TempDir(factory = RamDiskWhereAvailable.class)
  static Path dir;

  private static final Classifier CLASSIFIER =
      new Classifier(
          () -> {
            throw new IllegalStateException("a Keras model asked for the Hugging Face catalogue");
          });

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "model_config",
    "model_weights",
    "keras_version",
    "training_config",
    "class_name",
    "inbound_nodes",
    "TREE",
    "HEAP",
    "SNOD",
    "GCOL",
    "OHDR",
    "FRHP",
    "FHDB"
  })
  void readsAnyHdf5BytesOrRefusesThem(byte[] data) throws IOException {
    Path file = dir.resolve("model.h5");
    Files.write(file, data);
    try {
      ModelProfile p = new KerasReader().read(file, ReadLimits.DEFAULT);
      CLASSIFIER.classify(p);
      KerasWorkload.estimate(p, WorkloadOptions.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }

  /**
   * An archive of a fuzzer-chosen config.json (its first part; seeds are fixture configs) and
   * model.weights.h5 (the rest), sometimes without one of them.
   */
  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "\"class_name\"",
    "\"config\"",
    "\"layers\"",
    "\"inbound_nodes\"",
    "\"keras_history\"",
    "\"__keras_tensor__\"",
    "\"args\"",
    "\"kwargs\"",
    "\"Sequential\"",
    "\"Functional\"",
    "\"Bidirectional\"",
    "\"layer\"",
    "\"Lambda\"",
    "\"function\"",
    "\"__lambda__\"",
    "\"MultiHeadAttention\"",
    "\"use_causal_mask\"",
    "\"LSTM\"",
    "\"Conv2D\"",
    "\"kernel_size\"",
    "\"strides\"",
    "\"batch_shape\"",
    "\"build_config\"",
    "\"input_shape\"",
    "\"output_layers\"",
    "\"units\"",
    "[\"x\", 0, 0]"
  })
  void readsAnyKerasArchiveOrRefusesIt(FuzzedDataProvider data) throws IOException {
    boolean config = data.consumeInt(0, 9) > 0;
    boolean weights = data.consumeInt(0, 9) > 0;
    byte[] json = data.consumeAsciiString(1 << 16).getBytes(StandardCharsets.UTF_8);
    byte[] h5 = data.consumeRemainingAsBytes();
    Path file = dir.resolve("model.keras");
    Files.write(file, archive(config ? json : null, weights ? h5 : null));
    try (SafeZip zip = SafeZip.open(file, ReadLimits.DEFAULT)) {
      ModelProfile p = KerasReader.readArchive(zip, file, ReadLimits.DEFAULT);
      CLASSIFIER.classify(p);
      KerasWorkload.estimate(p, WorkloadOptions.DEFAULT);
    } catch (ModelFormatException e) {
      assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n", "\r");
    }
  }

  /** A .keras archive of stored entries, as Keras writes them. */
  static byte[] archive(byte[] config, byte[] weights) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.setMethod(ZipOutputStream.STORED);
      stored(z, "metadata.json", "{\"keras_version\": \"3.3.3\"}".getBytes(StandardCharsets.UTF_8));
      if (config != null) {
        stored(z, "config.json", config);
      }
      if (weights != null) {
        stored(z, KerasReader.WEIGHTS_ENTRY, weights);
      }
    }
    return out.toByteArray();
  }

  private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    e.setCrc(crc.getValue());
    e.setTime(315532800000L);
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  /** Each execution writes a file; on Linux's {@code /dev/shm} that is much faster than a disk. */
  static final class RamDiskWhereAvailable implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension)
        throws IOException {
      Path shm = Path.of("/dev/shm");
      return Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "neuronfit-keras-fuzz")
          : Files.createTempDirectory("neuronfit-keras-fuzz");
    }
  }
}
