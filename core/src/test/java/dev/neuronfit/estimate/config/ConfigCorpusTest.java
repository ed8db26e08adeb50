package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The corpus of configurations of models released 2023 to 2026 (core/src/test/resources/configs,
 * sources in its SOURCES.md): the family must be right for at least 95% of them and, over the rows
 * whose published parameter count was found on a named public page, the count neuronfit gives must
 * be within tolerance of that figure for at least 90%. Rows without a published figure are counted
 * and listed apart, never passed. The same two bars hold over the rows whose config.json is a copy
 * of a named public file ({@code sourced}), and there must be at least {@value #MIN_SOURCED} of
 * those: configs typed from model pages ({@code reconstructed}) never count toward the corpus the
 * issue asks for. Prints the table it judged.
 */
class ConfigCorpusTest {
  private static final Path CORPUS =
      TestFiles.repoRoot().resolve("core/src/test/resources/configs");

  /** Configs copied from named public files the corpus must hold (issue 12's done-when). */
  static final int MIN_SOURCED = 40;

  /** The first figure of the published text: "8B", "46.7B total / 12.9B active", "1.23B". */
  private static final Pattern FIGURE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([MB])");

  /**
   * A published figure and its precision. The tolerance is 5%, or half a unit of the last digit the
   * source gives when that is wider: a figure published as "7B" stands for 6.5B to 7.5B and cannot
   * judge a 3% error, so it is checked at 7.1%; "7.61B" is checked at 5%.
   */
  record Published(double value, double tolerance) {
    static Optional<Published> parse(String text) {
      Matcher m = FIGURE.matcher(text);
      if (text.strip().equals("-") || !m.find()) {
        return Optional.empty();
      }
      BigDecimal number = new BigDecimal(m.group(1));
      double unit = m.group(2).equals("B") ? 1e9 : 1e6;
      double value = number.doubleValue() * unit;
      double halfLastDigit = 0.5 * Math.pow(10, -Math.max(0, number.scale())) * unit;
      return Optional.of(new Published(value, Math.max(0.05, halfLastDigit / value)));
    }
  }

  @Test
  void publishedFiguresAreParsedWithTheirPrecision() {
    assertThat(Published.parse("7B").orElseThrow().tolerance()).isCloseTo(0.5 / 7, within(1e-9));
    assertThat(Published.parse("7.61B").orElseThrow().tolerance()).isEqualTo(0.05);
    assertThat(Published.parse("671B total / 37B active").orElseThrow().value()).isEqualTo(671e9);
    assertThat(Published.parse("0.49B").orElseThrow().value()).isCloseTo(0.49e9, within(1.0));
    assertThat(Published.parse("-")).isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  @Test
  void familiesAndParameterCountsMatchThePublishedFigures() throws IOException {
    Inspector inspector = new Inspector(KnowledgeBase.load(), ReadLimits.DEFAULT);
    List<String> rows =
        Files.readAllLines(CORPUS.resolve("corpus.tsv")).stream()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .toList();
    int familyRight = 0;
    int withFigure = 0;
    int sizeRight = 0;
    int sourcedConfig = 0;
    int sourcedConfigFamilyRight = 0;
    int sourcedConfigWithFigure = 0;
    int sourcedConfigSizeRight = 0;
    StringBuilder unsourced = new StringBuilder();
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "%-22s %-20s %-14s %-28s %16s %8s %6s %s%n",
            "model",
            "family",
            "config",
            "published",
            "neuronfit",
            "error",
            "tol",
            "verdict"));
    for (String row : rows) {
      String[] f = row.split("\t");
      assertThat(f).as(row).hasSize(7);
      Report r =
          inspector.report(
              new HfReader().read(CORPUS.resolve(f[0]), ReadLimits.DEFAULT),
              KnowledgeBase.load().defaultEdition(),
              dev.neuronfit.verdict.Selection.ALL);
      String family = r.architecture().family().id();
      boolean familyOk = family.equals(f[1]);
      familyRight += familyOk ? 1 : 0;
      boolean configSourced = f[6].equals("sourced");
      assertThat(f[6]).as("config column of " + f[0]).isIn("sourced", "reconstructed");
      sourcedConfig += configSourced ? 1 : 0;
      sourcedConfigFamilyRight += configSourced && familyOk ? 1 : 0;
      long got = r.model().weights().parameters().orElse(-1);
      Optional<Published> published = Published.parse(f[2]);
      String verdict;
      String error = "";
      String tolerance = "";
      if (published.isEmpty()) {
        verdict = "no published figure";
        unsourced.append(unsourced.isEmpty() ? "" : ", ").append(f[0]);
      } else {
        assertThat(f[3]).as("source of the published figure of " + f[0]).startsWith("http");
        withFigure++;
        sourcedConfigWithFigure += configSourced ? 1 : 0;
        Published p = published.get();
        double e = got < 0 ? Double.NaN : (got - p.value()) / p.value();
        boolean sizeOk = Math.abs(e) <= p.tolerance();
        sizeRight += sizeOk ? 1 : 0;
        sourcedConfigSizeRight += sizeOk && configSourced ? 1 : 0;
        verdict = sizeOk ? "within" : "OUTSIDE";
        error = String.format(Locale.ROOT, "%+7.2f%%", 100 * e);
        tolerance = String.format(Locale.ROOT, "%.1f%%", 100 * p.tolerance());
      }
      table.append(
          String.format(
              Locale.ROOT,
              "%-22s %-20s %-14s %-28s %,16d %8s %6s %s%s%n",
              f[0],
              family,
              f[6],
              f[2],
              got,
              error,
              tolerance,
              verdict,
              familyOk ? "" : "; family should be " + f[1]));
    }
    table.append(
        String.format(
            Locale.ROOT,
            "all %d configs: family right %d.%n"
                + "published figure found for %d: within tolerance %d;"
                + " no published figure for %d (not judged): %s.%n"
                + "configs copied from a public file %d (reconstructed %d): family right %d;"
                + " of those with a published figure %d: within tolerance %d.%n",
            rows.size(),
            familyRight,
            withFigure,
            sizeRight,
            rows.size() - withFigure,
            unsourced,
            sourcedConfig,
            rows.size() - sourcedConfig,
            sourcedConfigFamilyRight,
            sourcedConfigWithFigure,
            sourcedConfigSizeRight));
    System.out.print(table);
    assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
    assertThat(familyRight * 100).as(table.toString()).isGreaterThanOrEqualTo(rows.size() * 95);
    assertThat(withFigure).as(table.toString()).isPositive();
    assertThat(sizeRight * 100).as(table.toString()).isGreaterThanOrEqualTo(withFigure * 90);
    assertThat(sourcedConfig).as(table.toString()).isGreaterThanOrEqualTo(MIN_SOURCED);
    assertThat(sourcedConfigFamilyRight * 100)
        .as(table.toString())
        .isGreaterThanOrEqualTo(sourcedConfig * 95);
    assertThat(sourcedConfigWithFigure).as(table.toString()).isPositive();
    assertThat(sourcedConfigSizeRight * 100)
        .as(table.toString())
        .isGreaterThanOrEqualTo(sourcedConfigWithFigure * 90);
  }
}
