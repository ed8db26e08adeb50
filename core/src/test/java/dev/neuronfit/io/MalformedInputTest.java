package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
 * Runs the malformed-input corpus ({@code src/test/resources/malformed/hf/}, listed in its README):
 * every case must end in a {@link ModelFormatException} naming the faulty file, within a time
 * limit, never another exception, a hang or an out-of-memory.
 */
class MalformedInputTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9-]+)` \\| `([^`]+)` \\| .+ \\|$");

  /** How a case is handed to neuronfit: its folder, or its only file named directly. */
  enum Mode {
    FOLDER,
    FILE
  }

  @TempDir Path tmp;

  private static Path corpus() {
    URL url = MalformedInputTest.class.getResource("/malformed/hf/README.md");
    Objects.requireNonNull(url, "malformed/hf/README.md is not on the test class path");
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Case name to the name its message must contain, in README order. */
  private static Map<String, String> documented() throws IOException {
    Map<String, String> cases = new LinkedHashMap<>();
    for (String line : Files.readAllLines(corpus().resolve("README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches() && cases.put(m.group(1), m.group(2)) != null) {
        throw new IllegalStateException("case listed twice in README.md: " + m.group(1));
      }
    }
    return cases;
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (Map.Entry<String, String> c : documented().entrySet()) {
      out.add(Arguments.of(c.getKey(), c.getValue(), Mode.FOLDER));
      Path dir = corpus().resolve(c.getKey());
      if (Files.isDirectory(dir) && onlyEntry(dir).equals(c.getValue())) {
        out.add(Arguments.of(c.getKey(), c.getValue(), Mode.FILE));
      }
    }
    return out.stream();
  }

  private static String onlyEntry(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> all = entries.toList();
      return all.size() == 1 && Files.isRegularFile(all.get(0))
          ? all.get(0).getFileName().toString()
          : "";
    }
  }

  @ParameterizedTest(name = "{0} ({2})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(String name, String culprit, Mode mode)
      throws IOException {
    Path dir = caseFolder(name);
    Path input = mode == Mode.FILE ? dir.resolve(culprit) : dir;

    Throwable thrown =
        assertTimeoutPreemptively(
            LIMIT,
            () -> {
              try {
                readAll(input);
              } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                return e;
              }
              return null;
            },
            () -> name + " took longer than " + LIMIT);

    assertThat(thrown)
        .as("%s (%s) should be refused", name, mode)
        .isExactlyInstanceOf(ModelFormatException.class);
    assertThat(thrown.getMessage())
        .contains(culprit)
        .contains(dir.toString())
        .doesNotContain("\n", "\r");
  }

  /** Reads whatever the locator finds at {@code path}, as the CLI would. */
  private static void readAll(Path path) throws IOException {
    ReadLimits limits = ReadLimits.DEFAULT;
    for (ModelLocator.Located located : new ModelLocator(limits).locate(path)) {
      located.reader().read(located.path(), limits);
    }
  }

  private Path caseFolder(String name) throws IOException {
    MalformedCorpus.Case builder = MalformedCorpus.atTestTime().get(name);
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
    Set<String> built = MalformedCorpus.atTestTime().keySet();
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
    for (Map.Entry<String, MalformedCorpus.Case> c : MalformedCorpus.committed().entrySet()) {
      Path fresh = Files.createDirectories(tmp.resolve(c.getKey()));
      c.getValue().write(fresh);
      Path committed = corpus().resolve(c.getKey());
      try (Stream<Path> files = Files.walk(fresh)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(committed.resolve(fresh.relativize(f).toString()))
              .as("case %s, regenerate with MalformedCorpus", c.getKey())
              .hasSameBinaryContentAs(f);
        }
      }
    }
  }
}
