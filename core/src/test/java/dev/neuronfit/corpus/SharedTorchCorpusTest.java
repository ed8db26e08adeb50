package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.classify.Classifier;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reads every TorchScript and torch.save row of ../shared/models/MANIFEST.tsv (found by content, as
 * the CLI does) and compares the family with the label. Every file must be read; high-confidence
 * labels must agree. Every row is printed with neuronfit's evidence so that disagreements on medium
 * and low labels can be reviewed. Skips when ../shared is not present.
 */
class SharedTorchCorpusTest {
  /**
   * High-confidence rows whose label we believe is wrong, with the reason. Empty: every
   * high-confidence PyTorch label agrees with the evidence.
   */
  private static final Map<String, String> MISLABELLED = Map.of();

  record Row(String path, String format, String family, String confidence, String why) {
    boolean torch() {
      return format.startsWith("torchscript") || format.startsWith("pytorch");
    }
  }

  record Outcome(Row row, ModelProfile profile, Classification result) {
    boolean agrees() {
      return row.family().equals(result.family().id());
    }
  }

  @Test
  void familiesOfThePyTorchFilesAgreeWithTheLabels() throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(shared.isPresent(), "../shared is not beside the clone");
    Path models = shared.get().resolve("models");
    assumeTrue(Files.exists(models.resolve("MANIFEST.tsv")), "no MANIFEST.tsv");
    Classifier classifier = new Classifier(KnowledgeBase.load()::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row : manifest(models.resolve("MANIFEST.tsv"))) {
      Path file = models.resolve(row.path());
      ModelLocator.Located l = new ModelLocator(ReadLimits.DEFAULT).locate(file).get(0);
      ModelProfile p = l.reader().read(l.path(), ReadLimits.DEFAULT);
      outcomes.add(new Outcome(row, p, classifier.classify(p)));
    }
    print(outcomes);
    assertThat(outcomes).as("PyTorch files in the corpus").isNotEmpty();
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

  private static void print(List<Outcome> outcomes) {
    long agree = outcomes.stream().filter(Outcome::agrees).count();
    System.out.printf(
        "shared/models PyTorch corpus: %d of %d agree with the labels%n", agree, outcomes.size());
    Map<String, List<Outcome>> byFormat =
        outcomes.stream()
            .collect(
                Collectors.groupingBy(
                    o -> o.profile().format().id(), TreeMap::new, Collectors.toList()));
    byFormat.forEach(
        (format, list) ->
            System.out.printf(
                "  %-28s %d of %d%n",
                format, list.stream().filter(Outcome::agrees).count(), list.size()));
    for (Outcome o : outcomes) {
      System.out.printf(
          "  %-9s %-62s label=%-30s neuronfit=%s %.2f  %d tensors, %s parameters, %d hazards%n",
          o.agrees() ? "agree" : "DISAGREE",
          o.row().path(),
          o.row().family() + "/" + o.row().confidence(),
          o.result().family().id(),
          o.result().confidence(),
          o.profile().tensors().size(),
          o.profile().weights().parameters().isPresent()
              ? Long.toString(o.profile().weights().parameters().getAsLong())
              : "?",
          o.profile().hazards().size());
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

  /** The PyTorch rows, each path once (the manifest lists one file twice). */
  private static List<Row> manifest(Path tsv) throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(tsv);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split("\t", -1);
      if (c.length >= 9) {
        Row r = new Row(c[0], c[1], c[2], c[7], c[8]);
        if (r.torch()) {
          rows.putIfAbsent(r.path(), r);
        }
      }
    }
    return new ArrayList<>(rows.values());
  }
}
