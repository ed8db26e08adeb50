package dev.neuronfit.cli;

import static dev.neuronfit.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.KnowledgeSnapshot;
import dev.neuronfit.model.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --version}, {@code --help} and the README's opening say what neuronfit reads and which
 * guideline editions and knowledge snapshot it carries, as the knowledge base has them.
 */
class AboutTest {
  private static final KnowledgeSnapshot KNOWS = KnowledgeSnapshot.of(KnowledgeBase.load());

  @Test
  void versionNamesTheFormatsTheEditionsAndTheSnapshot() {
    String version = run("--version").out();

    assertThat(version.lines().findFirst().orElseThrow()).startsWith("neuronfit ");
    assertThat(version).contains(KNOWS.lines());
    for (ModelFormat f : ModelFormat.values()) {
      assertThat(version).contains(f.title());
    }
    assertThat(version).contains("2.5.0", "2.9.0", "2.11.0", "the default", KNOWS.asOf());
  }

  @Test
  void helpSaysWhatItReadsAndKnowsBeforeTheExamples() {
    String help = oneLine(run("--help").out());

    String about = help.substring(0, help.indexOf("Examples:"));
    assertThat(about)
        .contains(KnowledgeSnapshot.formats())
        .contains(KNOWS.editionsLine())
        .contains(KNOWS.asOf())
        .doesNotContain("reads Hugging Face model folders without");
  }

  @Test
  void theReadmesOpeningSaysTheSame() throws IOException {
    Path readme = Path.of(System.getProperty("neuronfit.root", "..")).resolve("README.md");
    String text = Files.readString(readme);
    int start = text.indexOf("\n\n") + 2;
    String opening = oneLine(text.substring(start, text.indexOf("\n\n", start)));

    assertThat(opening)
        .contains(KnowledgeSnapshot.formats())
        .contains(KNOWS.editionsLine())
        .contains("as of " + KNOWS.asOf())
        .contains("neuronfit --version");
  }

  @Test
  void theSnapshotIsTheNewestOperatorListAndTheLastEditionIsTheDefault() {
    assertThat(KNOWS.asOf())
        .isEqualTo(KNOWS.lists().stream().map(l -> l.asOf()).max(String::compareTo).orElseThrow());
    assertThat(KNOWS.defaultEdition().id()).isEqualTo(KnowledgeBase.load().defaultEditionId());
    assertThat(KnowledgeSnapshot.formats())
        .startsWith("Hugging Face model folders, ONNX models,")
        .endsWith(" and Keras .keras and .h5 files");
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s+", " ");
  }
}
