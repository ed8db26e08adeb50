package dev.neuronfit.io.tf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.testing.MalformedCases;
import dev.neuronfit.testing.MalformedCases.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the malformed TensorFlow corpus ({@code src/test/resources/malformed/tf/}, listed in its
 * README): every case must end in a one-line {@link ModelFormatException} naming the file or
 * folder, within a time limit, never another exception, a hang or an out-of-memory.
 */
class MalformedTfTest {
  private static final MalformedCases CORPUS = MalformedCases.named("tf");

  @TempDir Path tmp;

  static Stream<Arguments> cases() throws IOException {
    return CORPUS.everyCaseInEveryMode();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(
      String name, String culprit, String problem, Mode mode) throws IOException {
    Path model =
        MalformedTfCorpus.modelIn(CORPUS.caseFolder(name, MalformedTfCorpus.atTestTime(), tmp));

    Throwable thrown = readWithin(model, mode, ReadLimits.DEFAULT);

    MalformedCases.assertRefused(
        thrown, name + " (" + mode + ")", model, culprit, mode == Mode.READER ? problem : "");
  }

  /** What reading {@code model} throws (null when it reads), failing the test on a hang. */
  static Throwable readWithin(Path model, Mode mode, ReadLimits limits) {
    return MalformedCases.thrownWithin(model, mode, new TfReader(), limits);
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    CORPUS.assertEveryCaseDocumented(MalformedTfCorpus.atTestTime().keySet());
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    CORPUS.assertCommittedAsGenerated(MalformedTfCorpus.committed(), tmp, "MalformedTfCorpus");
  }

  @Test
  void refusesMoreNodesThanASmallLimitCountingFunctionBodies() throws IOException {
    Path ok = Files.write(tmp.resolve("ten.pb"), relus(10));
    Path over = Files.write(tmp.resolve("eleven.pb"), relus(11));
    Path inFunctions = Files.write(tmp.resolve("functions.pb"), MalformedTfCorpus.nestedCalls(6));

    assertThat(new TfReader().read(ok, nodes(10)).graph().orElseThrow().nodes()).hasSize(10);
    assertThat(readWithin(over, Mode.READER, nodes(10)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 10 nodes");
    assertThat(readWithin(inFunctions, Mode.READER, nodes(10)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 10 nodes");
  }

  private static byte[] relus(int n) {
    TfBytes.Pb g = TfBytes.pb();
    for (int i = 0; i < n; i++) {
      g.msg(1, TfBytes.node("r" + i, "Relu", List.of("x")));
    }
    return g.toBytes();
  }

  /** The default limits with a different node limit. */
  static ReadLimits nodes(int maxGraphNodes) {
    ReadLimits d = ReadLimits.DEFAULT;
    return new ReadLimits(
        d.maxJsonFileBytes(),
        d.maxSafetensorsHeaderBytes(),
        d.maxTensors(),
        d.maxWeightFiles(),
        d.maxJsonDepth(),
        d.maxJsonStringChars(),
        d.maxSearchDepth(),
        d.maxModelsFound(),
        d.maxNotes(),
        maxGraphNodes,
        d.maxGraphDepth(),
        d.maxConstantElements(),
        d.maxZipEntries(),
        d.maxZipEntryBytes(),
        d.maxCompressionRatio());
  }
}
