package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The labelled models of ../shared/models (see its README and MANIFEST.tsv) and what every corpus
 * test does with them: skip when the folder is absent, pick the rows of a format, print each row
 * with neuronfit's verdict and evidence so that disagreements can be reviewed, and require the
 * high-confidence labels to agree.
 */
final class SharedCorpus {
  private SharedCorpus() {}

  /** One MANIFEST.tsv row: path, format, our family label, its confidence and why. */
  record Row(String path, String format, String family, String confidence, String why) {}

  /**
   * What neuronfit made of one row.
   *
   * @param detail one more line to print under the row (coverage, figures), or empty
   */
  record Outcome(Row row, Classification result, String detail) {
    boolean agrees() {
      return row.family().equals(result.family().id());
    }
  }

  /**
   * The models folder; the calling test is skipped when ../shared or its manifest is absent, with a
   * message saying what it would have checked.
   *
   * @param wouldCheck what the test checks with the corpus
   */
  static Path modelsOrSkip(String wouldCheck) {
    Path models = TestFiles.sharedOrSkip(wouldCheck).resolve("models");
    assumeTrue(
        Files.exists(models.resolve("MANIFEST.tsv")),
        () -> "../shared/models has no MANIFEST.tsv, so this test did not check " + wouldCheck);
    return models;
  }

  /** The rows whose format the predicate accepts, each path once, in manifest order. */
  static List<Row> rows(Path models, Predicate<String> format) throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(models.resolve("MANIFEST.tsv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split("\t", -1);
      if (c.length >= 9 && format.test(c[1])) {
        rows.putIfAbsent(c[0], new Row(c[0], c[1], c[2], c[7], c[8]));
      }
    }
    return new ArrayList<>(rows.values());
  }

  /** The evidence of a classification on one line. */
  static String evidence(Classification c) {
    String ev =
        c.evidence().stream()
            .map(e -> e.key() + "=" + e.value() + " (" + e.meaning() + ")")
            .collect(Collectors.joining("; "));
    String also =
        c.alsoMatches().stream().map(a -> a.family().id()).collect(Collectors.joining(", "));
    return ev + (also.isEmpty() ? "" : "; also " + also);
  }

  /**
   * Prints how many rows agree, per group, then every row with its evidence.
   *
   * @param corpus the name of the corpus, e.g. {@code "ONNX"}
   * @param group what the counts are grouped by, e.g. the label or the format read
   * @param mislabelled rows whose label we believe wrong, with the reason
   */
  static void print(
      String corpus,
      List<Outcome> outcomes,
      Function<Outcome, String> group,
      Map<String, String> mislabelled) {
    long agree = outcomes.stream().filter(Outcome::agrees).count();
    System.out.printf(
        "shared/models %s corpus: %d of %d agree with the labels%n",
        corpus, agree, outcomes.size());
    outcomes.stream()
        .collect(Collectors.groupingBy(group, TreeMap::new, Collectors.toList()))
        .forEach(
            (key, list) ->
                System.out.printf(
                    "  %-28s %d of %d%n",
                    key, list.stream().filter(Outcome::agrees).count(), list.size()));
    for (Outcome o : outcomes) {
      System.out.printf(
          "  %-9s %-70s label=%-34s neuronfit=%s %.2f%s%n",
          o.agrees() ? "agree" : "DISAGREE",
          o.row().path(),
          o.row().family() + "/" + o.row().confidence(),
          o.result().family().id(),
          o.result().confidence(),
          mislabelled.containsKey(o.row().path())
              ? " (label excluded: " + mislabelled.get(o.row().path()) + ")"
              : "");
      if (!o.detail().isEmpty()) {
        System.out.println("            " + o.detail());
      }
      System.out.println("            " + evidence(o.result()));
    }
  }

  /**
   * Requires at least one row, and the family of every high-confidence row not listed as
   * mislabelled to equal its label.
   */
  static void assertHighConfidenceLabelsAgree(
      String what, List<Outcome> outcomes, Map<String, String> mislabelled) {
    assertThat(outcomes).as(what + " in the corpus").isNotEmpty();
    assertThat(
            outcomes.stream()
                .filter(o -> o.row().confidence().equals("high"))
                .filter(o -> !mislabelled.containsKey(o.row().path())))
        .as("high-confidence labels")
        .allSatisfy(
            o ->
                assertThat(o.result().family().id())
                    .as(o.row().path() + " " + evidence(o.result()))
                    .isEqualTo(o.row().family()));
  }

  /**
   * Prints the first phase's FLOPs of every model in {@code unit} (1e6 for MFLOPs, 1e9 for GFLOPs),
   * with the operators of unknown cost.
   */
  static void printWorkloads(
      String corpus, Map<String, Optional<Workload>> results, double unit, String unitName) {
    System.out.println("shared/models " + corpus + " workloads (batch 1, BF16):");
    results.forEach(
        (path, w) ->
            System.out.printf(
                "  %-55s %s%n",
                path,
                w.map(
                        x ->
                            String.format(
                                "%14.6f %s  cost unknown %s",
                                x.phases().get(0).flops() / unit, unitName, x.costUnknownOps()))
                    .orElse("no workload")));
  }

  /**
   * Requires the model at {@code path}, when the corpus still has it, to have one phase of exactly
   * {@code flops} and no operator of unknown cost.
   */
  static void assertFlops(Map<String, Optional<Workload>> results, String path, double flops) {
    if (!results.containsKey(path)) {
      return; // the corpus changed: nothing to compare
    }
    Workload w = results.get(path).orElseThrow();
    assertThat(w.costUnknownOps()).as(path).isEmpty();
    assertThat(w.phases()).extracting(p -> p.flops()).as(path).isEqualTo(List.of(flops));
  }
}
