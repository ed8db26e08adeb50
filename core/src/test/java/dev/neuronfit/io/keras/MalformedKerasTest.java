package dev.neuronfit.io.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.SafeZip;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * KerasReader#readArchive}, the entry point the zip reader calls.
 */
class MalformedKerasTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9-]+)` \\| `([^`]+)` \\| `([^`]+)` \\| .+ \\|$");

  enum Mode {
    READER,
    LOCATOR
  }

  record Row(String file, String problem) {}

  private static Path corpus() {
    URL url = MalformedKerasTest.class.getResource("/malformed/keras/README.md");
    Objects.requireNonNull(url, "malformed/keras/README.md is not on the test class path");
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Row> documented() throws IOException {
    Map<String, Row> cases = new LinkedHashMap<>();
    for (String line : Files.readAllLines(corpus().resolve("README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches() && cases.put(m.group(1), new Row(m.group(2), m.group(3))) != null) {
        throw new IllegalStateException("case listed twice in README.md: " + m.group(1));
      }
    }
    return cases;
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (Map.Entry<String, Row> c : documented().entrySet()) {
      out.add(Arguments.of(c.getKey(), c.getValue().file(), c.getValue().problem(), Mode.READER));
      if (c.getValue().file().endsWith(".h5")) {
        out.add(
            Arguments.of(c.getKey(), c.getValue().file(), c.getValue().problem(), Mode.LOCATOR));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(String name, String file, String problem, Mode mode) {
    Path path = corpus().resolve(name).resolve(file);

    Throwable thrown = readWithin(path, mode);

    assertThat(thrown)
        .as("%s (%s) should be refused", name, mode)
        .isInstanceOf(ModelFormatException.class);
    assertThat(thrown.getMessage()).contains(path.toString()).doesNotContain("\n", "\r");
    if (mode == Mode.READER) {
      assertThat(thrown.getMessage()).contains(problem);
    }
  }

  /** What reading {@code file} throws (null when it reads), failing the test on a hang. */
  static Throwable readWithin(Path file, Mode mode) {
    ReadLimits limits = ReadLimits.DEFAULT;
    return assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try {
            if (mode == Mode.LOCATOR) {
              for (ModelLocator.Located l : new ModelLocator(limits).locate(file)) {
                l.reader().read(l.path(), limits);
              }
            } else if (file.toString().endsWith(".keras")) {
              try (SafeZip zip = SafeZip.open(file, limits)) {
                KerasReader.readArchive(zip, file, limits);
              }
            } else {
              new KerasReader().read(file, limits);
            }
          } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return e;
          }
          return null;
        },
        () -> file + " took longer than " + LIMIT);
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    Set<String> folders = new TreeSet<>();
    try (Stream<Path> entries = Files.list(corpus())) {
      entries.filter(Files::isDirectory).forEach(p -> folders.add(p.getFileName().toString()));
    }
    Map<String, Row> documented = documented();

    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(folders);
    documented.forEach(
        (c, row) ->
            assertThat(corpus().resolve(c).resolve(row.file())).as("case %s", c).isRegularFile());
  }
}
