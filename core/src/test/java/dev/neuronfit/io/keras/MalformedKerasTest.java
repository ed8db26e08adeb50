package dev.neuronfit.io.keras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.testing.MalformedCases;
import dev.neuronfit.testing.MalformedCases.Mode;
import dev.neuronfit.testing.MalformedCases.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the malformed Keras corpus ({@code src/test/resources/malformed/keras/}, listed in its
 * README): every case must end in a one-line {@link ModelFormatException} naming the file, within a
 * time limit, never another exception, a hang or an out-of-memory. .h5 cases are read by {@link
 * KerasReader} and again through {@link ModelLocator} as the CLI does; .keras cases through {@link
 * KerasReader#readArchive}, the entry point the zip reader calls. The README's second column names
 * the case's file.
 */
class MalformedKerasTest {
  private static final MalformedCases CORPUS = MalformedCases.named("keras");

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (Row c : CORPUS.documented().values()) {
      out.add(Arguments.of(c.name(), c.where(), c.message(), Mode.READER));
      if (c.where().endsWith(".h5")) {
        out.add(Arguments.of(c.name(), c.where(), c.message(), Mode.LOCATOR));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(String name, String file, String problem, Mode mode) {
    Path path = CORPUS.dir().resolve(name).resolve(file);

    Throwable thrown = MalformedCases.thrownWithin(path, () -> read(path, mode));

    MalformedCases.assertRefused(
        thrown, name + " (" + mode + ")", path, mode == Mode.READER ? problem : "");
  }

  private static void read(Path file, Mode mode) throws IOException {
    ReadLimits limits = ReadLimits.DEFAULT;
    if (mode == Mode.LOCATOR) {
      MalformedCases.readAsCli(file, limits);
    } else if (file.toString().endsWith(".keras")) {
      try (SafeZip zip = SafeZip.open(file, limits)) {
        KerasReader.readArchive(zip, file, limits);
      }
    } else {
      new KerasReader().read(file, limits);
    }
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    Map<String, Row> documented = CORPUS.documented();

    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(CORPUS.folders());
    documented.forEach(
        (c, row) ->
            assertThat(CORPUS.dir().resolve(c).resolve(row.where()))
                .as("case %s", c)
                .isRegularFile());
  }
}
