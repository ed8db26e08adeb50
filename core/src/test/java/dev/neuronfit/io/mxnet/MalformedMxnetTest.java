package dev.neuronfit.io.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.testing.MalformedCases;
import dev.neuronfit.testing.MalformedCases.Mode;
import dev.neuronfit.testing.MalformedCases.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the malformed MXNet corpus ({@code src/test/resources/malformed/mxnet/}, listed in its
 * README): every case must end in a one-line {@link dev.neuronfit.io.ModelFormatException} naming
 * the file, within a time limit, read by {@link MxnetReader} and again through {@link
 * dev.neuronfit.io.ModelLocator} as the CLI does.
 */
class MalformedMxnetTest {
  private static final MalformedCases CORPUS = MalformedCases.named("mxnet");

  static Stream<Arguments> cases() throws IOException {
    return CORPUS.everyCaseInEveryMode();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(String name, String file, String problem, Mode mode) {
    Path path = CORPUS.dir().resolve(name).resolve(file);

    Throwable thrown =
        MalformedCases.thrownWithin(path, mode, new MxnetReader(), ReadLimits.DEFAULT);

    // a pair's problem is in the arrays file beside the symbol, which the message names
    Path named = name.startsWith("pair-") ? path.resolveSibling("m-0000.params") : path;
    MalformedCases.assertRefused(
        thrown, name + " (" + mode + ")", named, mode == Mode.READER ? problem : "");
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    Map<String, Row> documented = CORPUS.documented();

    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(CORPUS.folders());
  }
}
