package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.zip.ZipModelReader;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9-]+)` \\| `([^`]+)` \\| `([^`]+)` \\| .+ \\|$");

  /** How a case is read: by the reader its content calls for, or through ModelLocator. */
  enum Mode {
    READER,
    LOCATOR
  }

  record Row(String culprit, String problem) {}

  @TempDir Path tmp;

  private static Path corpus() {
    return TestFiles.repoRoot().resolve("core/src/test/resources/malformed/torch");
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
      for (Mode mode : Mode.values()) {
        out.add(Arguments.of(c.getKey(), c.getValue().culprit(), c.getValue().problem(), mode));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(
      String name, String culprit, String problem, Mode mode) throws IOException {
    Path file = MalformedTorchCorpus.modelIn(caseFolder(name));

    Throwable thrown = readWithin(file, mode);

    assertThat(thrown)
        .as("%s (%s) should be refused", name, mode)
        .isInstanceOf(ModelFormatException.class);
    assertThat(thrown.getMessage())
        .contains(file.toString())
        .contains(culprit)
        .doesNotContain("\n", "\r");
    if (mode == Mode.READER) {
      assertThat(thrown.getMessage()).contains(problem);
    }
  }

  private static Throwable readWithin(Path file, Mode mode) {
    return assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try {
            if (mode == Mode.READER) {
              boolean zip = file.getFileName().toString().endsWith(".pt");
              (zip ? new ZipModelReader() : new PickleCheckpointReader())
                  .read(file, ReadLimits.DEFAULT);
            } else {
              for (ModelLocator.Located l : new ModelLocator(ReadLimits.DEFAULT).locate(file)) {
                l.reader().read(l.path(), ReadLimits.DEFAULT);
              }
            }
          } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return e;
          }
          return null;
        },
        () -> file + " took longer than " + LIMIT);
  }

  private Path caseFolder(String name) throws IOException {
    MalformedTorchCorpus.Case builder = MalformedTorchCorpus.atTestTime().get(name);
    if (builder == null) {
      return corpus().resolve(name);
    }
    Path dir = Files.createDirectories(tmp.resolve(name));
    builder.write(dir);
    return dir;
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    Set<String> folders = new TreeSet<>();
    try (Stream<Path> entries = Files.list(corpus())) {
      entries.filter(Files::isDirectory).forEach(p -> folders.add(p.getFileName().toString()));
    }
    Set<String> built = MalformedTorchCorpus.atTestTime().keySet();
    Set<String> documented = documented().keySet();

    assertThat(documented).containsAll(folders).containsAll(built);
    assertThat(documented)
        .allSatisfy(
            c ->
                assertThat(folders.contains(c) || built.contains(c))
                    .as("case %s has a folder or a builder", c)
                    .isTrue());
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    for (Map.Entry<String, MalformedTorchCorpus.Case> c :
        MalformedTorchCorpus.committed().entrySet()) {
      Path fresh = Files.createDirectories(tmp.resolve(c.getKey()));
      c.getValue().write(fresh);
      try (Stream<Path> files = Files.list(fresh)) {
        for (Path f : files.toList()) {
          assertThat(corpus().resolve(c.getKey()).resolve(f.getFileName().toString()))
              .as("case %s, regenerate with MalformedTorchCorpus", c.getKey())
              .hasSameBinaryContentAs(f);
        }
      }
    }
  }
}
