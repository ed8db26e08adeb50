package dev.neuronfit.io.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
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
  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9-]+)` \\| `([^`]+)` \\| `([^`]+)` \\| .+ \\|$");

  /** How a case is read: by TfReader itself, or through ModelLocator as the CLI does. */
  enum Mode {
    READER,
    LOCATOR
  }

  record Row(String culprit, String problem) {}

  @TempDir Path tmp;

  private static Path corpus() {
    URL url = MalformedTfTest.class.getResource("/malformed/tf/README.md");
    Objects.requireNonNull(url, "malformed/tf/README.md is not on the test class path");
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Case name to its row, in README order. */
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
    Path model = MalformedTfCorpus.modelIn(caseFolder(name));

    Throwable thrown = readWithin(model, mode, ReadLimits.DEFAULT);

    assertThat(thrown)
        .as("%s (%s) should be refused", name, mode)
        .isExactlyInstanceOf(ModelFormatException.class);
    assertThat(thrown.getMessage())
        .contains(culprit)
        .contains(model.toString())
        .doesNotContain("\n", "\r");
    if (mode == Mode.READER) {
      assertThat(thrown.getMessage()).contains(problem);
    }
  }

  /** What reading {@code model} throws (null when it reads), failing the test on a hang. */
  static Throwable readWithin(Path model, Mode mode, ReadLimits limits) {
    return assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try {
            if (mode == Mode.READER) {
              new TfReader().read(model, limits);
            } else {
              for (ModelLocator.Located l : new ModelLocator(limits).locate(model)) {
                l.reader().read(l.path(), limits);
              }
            }
          } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return e;
          }
          return null;
        },
        () -> model + " took longer than " + LIMIT);
  }

  private Path caseFolder(String name) throws IOException {
    MalformedTfCorpus.Case builder = MalformedTfCorpus.atTestTime().get(name);
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
    Set<String> built = MalformedTfCorpus.atTestTime().keySet();
    Set<String> documented = documented().keySet();

    assertThat(documented).containsAll(folders).containsAll(built);
    assertThat(documented)
        .allSatisfy(
            c ->
                assertThat(folders.contains(c) || built.contains(c))
                    .as("case %s has a folder or a builder", c)
                    .isTrue());
    assertThat(folders).doesNotContainAnyElementsOf(built);
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    Map<String, MalformedTfCorpus.Case> committed = MalformedTfCorpus.committed();
    assertThat(committed).isNotEmpty();
    for (Map.Entry<String, MalformedTfCorpus.Case> c : committed.entrySet()) {
      Path fresh = Files.createDirectories(tmp.resolve(c.getKey()));
      c.getValue().write(fresh);
      try (Stream<Path> files = Files.walk(fresh)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(corpus().resolve(c.getKey()).resolve(fresh.relativize(f).toString()))
              .as("case %s, regenerate with MalformedTfCorpus", c.getKey())
              .hasSameBinaryContentAs(f);
        }
      }
    }
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
