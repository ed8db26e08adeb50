package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.ZipModelReader;
import dev.neuronfit.testing.MalformedCases;
import dev.neuronfit.testing.MalformedCases.Mode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the malformed PyTorch corpus ({@code src/test/resources/malformed/torch/}, listed in its
 * README): every case must end in a one-line {@link ModelFormatException} naming the file and the
 * place, within a time limit, never another exception, a hang or an out-of-memory.
 */
class MalformedTorchTest {
  private static final MalformedCases CORPUS = MalformedCases.named("torch");

  @TempDir Path tmp;

  static Stream<Arguments> cases() throws IOException {
    return CORPUS.everyCaseInEveryMode();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(
      String name, String culprit, String problem, Mode mode) throws IOException {
    Path file =
        MalformedTorchCorpus.modelIn(
            CORPUS.caseFolder(name, MalformedTorchCorpus.atTestTime(), tmp));

    Throwable thrown = MalformedCases.thrownWithin(file, mode, reader(file), ReadLimits.DEFAULT);

    MalformedCases.assertRefused(
        thrown, name + " (" + mode + ")", file, culprit, mode == Mode.READER ? problem : "");
  }

  private static ModelReader reader(Path file) {
    boolean zip = file.getFileName().toString().endsWith(".pt");
    return zip ? new ZipModelReader() : new PickleCheckpointReader();
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    CORPUS.assertEveryCaseDocumented(MalformedTorchCorpus.atTestTime().keySet());
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    CORPUS.assertCommittedAsGenerated(
        MalformedTorchCorpus.committed(), tmp, "MalformedTorchCorpus");
  }
}
