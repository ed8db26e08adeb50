package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The corpus of configurations of models released 2023 to 2026 (core/src/test/resources/configs,
 * sources in its SOURCES.md): the family must be right for at least 95% of them and the parameter
 * count within 5% of the published one for at least 90%. Prints the table it judged.
 */
class ConfigCorpusTest {
  private static final Path CORPUS =
      TestFiles.repoRoot().resolve("core/src/test/resources/configs");

  @Test
  void familiesAndParameterCountsMatchThePublishedFigures() throws IOException {
    Inspector inspector = new Inspector(KnowledgeBase.load(), ReadLimits.DEFAULT);
    List<String> rows =
        Files.readAllLines(CORPUS.resolve("corpus.tsv")).stream()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .toList();
    int familyRight = 0;
    int sizeRight = 0;
    int sourced = 0;
    int sourcedFamilyRight = 0;
    int sourcedSizeRight = 0;
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "%-22s %-20s %-20s %16s %16s %8s%n",
            "model",
            "family",
            "expected",
            "published",
            "neuronfit",
            "error"));
    for (String row : rows) {
      String[] f = row.split("\t");
      Report r =
          inspector.report(
              new HfReader().read(CORPUS.resolve(f[0]), ReadLimits.DEFAULT),
              KnowledgeBase.load().defaultEdition(),
              Selection.ALL);
      String family = r.architecture().family().id();
      long published = Long.parseLong(f[2]);
      long got = r.model().weights().parameters().orElse(-1);
      double error = got < 0 ? Double.NaN : (got - published) / (double) published;
      boolean familyOk = family.equals(f[1]);
      boolean sizeOk = Math.abs(error) <= 0.05;
      familyRight += familyOk ? 1 : 0;
      sizeRight += sizeOk ? 1 : 0;
      if (f.length > 5 && f[5].equals("sourced")) {
        sourced++;
        sourcedFamilyRight += familyOk ? 1 : 0;
        sourcedSizeRight += sizeOk ? 1 : 0;
      }
      table.append(
          String.format(
              Locale.ROOT,
              "%-22s %-20s %-20s %,16d %,16d %+7.2f%%%n",
              f[0],
              family,
              f[1],
              published,
              got,
              100 * error));
    }
    table.append(
        String.format(
            Locale.ROOT,
            "all %d: family right %d, within 5%% %d; sourced configs %d: family right %d,"
                + " within 5%% %d; reconstructed %d%n",
            rows.size(),
            familyRight,
            sizeRight,
            sourced,
            sourcedFamilyRight,
            sourcedSizeRight,
            rows.size() - sourced));
    System.out.print(table);
    assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
    assertThat(familyRight).as(table.toString()).isGreaterThanOrEqualTo(rows.size() * 95 / 100);
    assertThat(sizeRight).as(table.toString()).isGreaterThanOrEqualTo(rows.size() * 90 / 100);
  }
}
