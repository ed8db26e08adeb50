package dev.neuronfit.io;

import dev.neuronfit.testing.MalformedCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  private static final MalformedCases CORPUS = MalformedCases.named("hf");

  /** How a case is handed to neuronfit: its folder, or its only file named directly. */
  enum Mode {
    FOLDER,
    FILE
  }

  @TempDir Path tmp;

  /** The README's second column names the file the message must name. */
  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (MalformedCases.Row c : CORPUS.documented().values()) {
      out.add(Arguments.of(c.name(), c.where(), Mode.FOLDER));
      Path dir = CORPUS.dir().resolve(c.name());
      if (Files.isDirectory(dir) && onlyEntry(dir).equals(c.where())) {
        out.add(Arguments.of(c.name(), c.where(), Mode.FILE));
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
    Path dir = CORPUS.caseFolder(name, MalformedCorpus.atTestTime(), tmp);
    Path input = mode == Mode.FILE ? dir.resolve(culprit) : dir;

    Throwable thrown =
        MalformedCases.thrownWithin(
            input, () -> MalformedCases.readAsCli(input, ReadLimits.DEFAULT));

    MalformedCases.assertRefused(thrown, name + " (" + mode + ")", dir, culprit);
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    CORPUS.assertEveryCaseDocumented(MalformedCorpus.atTestTime().keySet());
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    CORPUS.assertCommittedAsGenerated(MalformedCorpus.committed(), tmp, "MalformedCorpus");
  }
}
