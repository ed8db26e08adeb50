package dev.neuronfit.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
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
 * Runs the malformed GGUF corpus ({@code src/test/resources/malformed/gguf/}, listed in its
 * README): every case must end in a one-line {@link ModelFormatException} naming the file, within a
 * time limit, read by {@link GgufReader} and again through {@link ModelLocator} as the CLI does.
 */
class MalformedGgufTest {
  private static final MalformedCases CORPUS = MalformedCases.named("gguf");

  static Stream<Arguments> cases() throws IOException {
    return CORPUS.everyCaseInEveryMode();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(String name, String file, String problem, Mode mode) {
    Path path = CORPUS.dir().resolve(name).resolve(file);

    Throwable thrown =
        MalformedCases.thrownWithin(path, mode, new GgufReader(), ReadLimits.DEFAULT);

    MalformedCases.assertRefused(
        thrown, name + " (" + mode + ")", path, mode == Mode.READER ? problem : "");
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    Map<String, Row> documented = CORPUS.documented();

    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(CORPUS.folders());
  }
}
