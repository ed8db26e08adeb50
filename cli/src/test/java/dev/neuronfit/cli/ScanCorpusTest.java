package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.cli.MainTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Scans the real models in ../shared/models (skipped when ../shared is not beside the clone) and
 * the project's own fixtures, including the malformed corpus, in every format: every model is a
 * row, the formats agree on the count, and no reader trips over a bug.
 */
class ScanCorpusTest {
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final ObjectMapper JSON = new ObjectMapper();

  private static void scansInEveryFormat(Path tree) throws IOException {
    Run json = MainTest.run("scan", "--format", "json", tree.toString());
    assertThat(json.code()).as(json.err()).isEqualTo(ExitCodes.OK);
    JsonNode root = JSON.readTree(json.out());
    int models = root.get("summary").get("models").asInt();
    assertThat(root.get("models").size()).isEqualTo(models).isPositive();
    for (JsonNode m : root.get("models")) {
      if (m.has("error")) {
        assertThat(m.get("error").asText()).doesNotContain("internal error");
      }
    }
    Run csv = MainTest.run("scan", "--format", "csv", tree.toString());
    assertThat(csv.code()).isEqualTo(ExitCodes.OK);
    assertThat(
            org.apache.commons.csv.CSVParser.parse(
                    csv.out(), org.apache.commons.csv.CSVFormat.RFC4180)
                .getRecords())
        .hasSize(models + 1);
    Run md = MainTest.run("scan", "--format", "md", tree.toString());
    assertThat(md.code()).isEqualTo(ExitCodes.OK);
    assertThat(md.out().lines().filter(l -> l.startsWith("| `"))).hasSize(models);
    Run text = MainTest.run("scan", tree.toString());
    assertThat(text.code()).isEqualTo(ExitCodes.OK);
    assertThat(text.out()).contains(models + " models: ").doesNotContain("internal error");
  }

  @Test
  void sharedModels() throws IOException {
    Path models = ROOT.resolveSibling("shared").resolve("models");
    assumeTrue(
        Files.isDirectory(models),
        "../shared/models is not beside the clone, so this test did not check that a scan of"
            + " the whole corpus exits 0 with one row per model in every format");
    scansInEveryFormat(models);
  }

  @Test
  void examplesAndTestFixtures() throws IOException {
    scansInEveryFormat(ROOT.resolve("examples"));
    scansInEveryFormat(ROOT.resolve("core/src/test/resources"));
  }
}
