package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.keras.KerasReader;
import dev.neuronfit.io.zip.SafeZip;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reads every Keras row ({@code keras-h5} and {@code keras-v3}) of ../shared/models/MANIFEST.tsv
 * with {@link KerasReader} and compares the family with the label. High-confidence labels must
 * agree; every row is printed with neuronfit's evidence, so disagreements on medium and low labels
 * (fragments and edge cases on purpose) can be reviewed. Skips when ../shared is not present.
 */
class SharedKerasCorpusTest {
  /**
   * High-confidence rows whose label we believe is wrong, with the reason. Empty: every
   * high-confidence Keras label agrees with the layer evidence.
   */
  private static final Map<String, String> MISLABELLED = Map.of();

  record Row(String path, String format, String family, String confidence, String why) {}

  record Outcome(Row row, Classification result) {
    boolean agrees() {
      return row.family().equals(result.family().id());
    }
  }

  @Test
  void familiesOfTheKerasFilesAgreeWithTheLabels() throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(shared.isPresent(), "../shared is not beside the clone");
    Path models = shared.get().resolve("models");
    assumeTrue(Files.exists(models.resolve("MANIFEST.tsv")), "no MANIFEST.tsv");
    Classifier classifier = new Classifier(KnowledgeBase.load()::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row : manifest(models.resolve("MANIFEST.tsv"))) {
      if (row.format().startsWith("keras")) {
        outcomes.add(new Outcome(row, classifier.classify(read(models.resolve(row.path())))));
      }
    }
    print(outcomes);
    assertThat(outcomes).as("Keras files in the corpus").isNotEmpty();
    assertThat(
            outcomes.stream()
                .filter(o -> o.row().confidence().equals("high"))
                .filter(o -> !MISLABELLED.containsKey(o.row().path())))
        .as("high-confidence labels")
        .allSatisfy(
            o ->
                assertThat(o.result().family().id())
                    .as(o.row().path() + " " + evidence(o.result()))
                    .isEqualTo(o.row().family()));
  }

  /** .keras archives are zips; the zip reader hands them to the same method. */
  private static ModelProfile read(Path file) throws IOException {
    if (file.getFileName().toString().endsWith(".keras")) {
      try (SafeZip zip = SafeZip.open(file, ReadLimits.DEFAULT)) {
        return KerasReader.readArchive(zip, file, ReadLimits.DEFAULT);
      }
    }
    return new KerasReader().read(file, ReadLimits.DEFAULT);
  }

  private static void print(List<Outcome> outcomes) {
    long agree = outcomes.stream().filter(Outcome::agrees).count();
    System.out.printf(
        "shared/models Keras corpus: %d of %d agree with the labels%n", agree, outcomes.size());
    Map<String, List<Outcome>> byLabel =
        outcomes.stream()
            .collect(
                Collectors.groupingBy(o -> o.row().family(), TreeMap::new, Collectors.toList()));
    byLabel.forEach(
        (family, list) ->
            System.out.printf(
                "  %-28s %d of %d%n",
                family, list.stream().filter(Outcome::agrees).count(), list.size()));
    for (Outcome o : outcomes) {
      System.out.printf(
          "  %-9s %-70s label=%-34s neuronfit=%s %.2f%s%n",
          o.agrees() ? "agree" : "DISAGREE",
          o.row().path(),
          o.row().family() + "/" + o.row().confidence(),
          o.result().family().id(),
          o.result().confidence(),
          MISLABELLED.containsKey(o.row().path())
              ? " (label excluded: " + MISLABELLED.get(o.row().path()) + ")"
              : "");
      System.out.println("            " + evidence(o.result()));
    }
  }

  private static String evidence(Classification c) {
    String ev =
        c.evidence().stream()
            .map(e -> e.key() + "=" + e.value() + " (" + e.meaning() + ")")
            .collect(Collectors.joining("; "));
    String also =
        c.alsoMatches().stream().map(a -> a.family().id()).collect(Collectors.joining(", "));
    return ev + (also.isEmpty() ? "" : "; also " + also);
  }

  private static List<Row> manifest(Path tsv) throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(tsv);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split("\t", -1);
      if (c.length >= 9) {
        rows.add(new Row(c[0], c[1], c[2], c[7], c[8]));
      }
    }
    return rows;
  }
}
