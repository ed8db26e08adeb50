package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfReader;
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
 * Reads every TensorFlow row of ../shared/models/MANIFEST.tsv (SavedModel folders and frozen
 * GraphDefs), classifies it and compares the family with the label. High-confidence labels must
 * agree; every row is printed with neuronfit's evidence and its inf1 operator coverage, so
 * disagreements on medium and low labels can be reviewed. Every file must be found by {@link
 * ModelLocator} as a TensorFlow model. Skips when ../shared is not present.
 */
class SharedTfCorpusTest {
  /**
   * High-confidence rows whose label we believe is wrong, with the reason. Empty: every
   * high-confidence TensorFlow label agrees with the graph evidence.
   */
  private static final Map<String, String> MISLABELLED = Map.of();

  record Row(String path, String format, String family, String confidence, String why) {}

  record Outcome(Row row, Classification result, String coverage) {
    boolean agrees() {
      return row.family().equals(result.family().id());
    }
  }

  @Test
  void familiesOfTheTensorFlowModelsAgreeWithTheLabels() throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(shared.isPresent(), "../shared is not beside the clone");
    Path models = shared.get().resolve("models");
    assumeTrue(Files.exists(models.resolve("MANIFEST.tsv")), "no MANIFEST.tsv");
    KnowledgeBase kb = KnowledgeBase.load();
    Classifier classifier = new Classifier(kb::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row : manifest(models.resolve("MANIFEST.tsv"))) {
      if (!row.format().startsWith("tf-savedmodel") && !row.format().startsWith("tf-graphdef")) {
        continue;
      }
      Path path = models.resolve(row.path());
      List<ModelLocator.Located> located = new ModelLocator(ReadLimits.DEFAULT).locate(path);
      assertThat(located)
          .as(row.path() + " is found as one TensorFlow model")
          .singleElement()
          .satisfies(l -> assertThat(l.reader()).isInstanceOf(TfReader.class));
      ModelProfile profile =
          located.get(0).reader().read(located.get(0).path(), ReadLimits.DEFAULT);
      Optional<OperatorSummary> ops =
          OperatorCoverage.of(profile, kb.operatorLists(), List.of("inf1"));
      outcomes.add(new Outcome(row, classifier.classify(profile), coverage(ops)));
    }
    print(outcomes);
    assertThat(outcomes).as("TensorFlow models in the corpus").isNotEmpty();
    assertThat(outcomes)
        .as("every TensorFlow graph is checked against the neuron-cc TensorFlow list")
        .allSatisfy(o -> assertThat(o.coverage()).startsWith("neuron-cc-tensorflow"));
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

  private static String coverage(Optional<OperatorSummary> ops) {
    if (ops.isEmpty() || ops.get().coverage().isEmpty()) {
      return "none";
    }
    ListCoverage c = ops.get().coverage().get(0);
    return c.list().id()
        + " "
        + c.cpuNodes()
        + "/"
        + c.countedNodes()
        + " on CPU"
        + c.ops().stream()
            .filter(t -> t.status().onCpu())
            .limit(4)
            .map(t -> " " + t.op() + "×" + t.count())
            .collect(Collectors.joining(","));
  }

  private static void print(List<Outcome> outcomes) {
    long agree = outcomes.stream().filter(Outcome::agrees).count();
    System.out.printf(
        "shared/models TensorFlow corpus: %d of %d agree with the labels%n",
        agree, outcomes.size());
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
          "  %-9s %-55s label=%-28s neuronfit=%s %.2f%s%n            inf1: %s%n            %s%n",
          o.agrees() ? "agree" : "DISAGREE",
          o.row().path(),
          o.row().family() + "/" + o.row().confidence(),
          o.result().family().id(),
          o.result().confidence(),
          MISLABELLED.containsKey(o.row().path())
              ? " (label excluded: " + MISLABELLED.get(o.row().path()) + ")"
              : "",
          o.coverage(),
          evidence(o.result()));
    }
  }

  private static String evidence(Classification c) {
    String ev =
        c.evidence().stream().map(e -> e.key() + "=" + e.value()).collect(Collectors.joining("; "));
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
