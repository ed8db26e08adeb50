package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.classify.Classifier;
import dev.neuronfit.corpus.SharedCorpus.Outcome;
import dev.neuronfit.corpus.SharedCorpus.Row;
import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OperatorCoverage;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Test
  void familiesOfTheTensorFlowModelsAgreeWithTheLabels() throws IOException {
    Path models =
        SharedCorpus.modelsOrSkip(
            "that every TensorFlow model is found and its family agrees with its label");
    KnowledgeBase kb = KnowledgeBase.load();
    Classifier classifier = new Classifier(kb::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row :
        SharedCorpus.rows(
            models, f -> f.startsWith("tf-savedmodel") || f.startsWith("tf-graphdef"))) {
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
      outcomes.add(new Outcome(row, classifier.classify(profile), "inf1: " + coverage(ops)));
    }
    SharedCorpus.print("TensorFlow", outcomes, o -> o.row().family(), MISLABELLED);
    assertThat(outcomes)
        .as("every TensorFlow graph is checked against the neuron-cc TensorFlow list")
        .allSatisfy(o -> assertThat(o.detail()).startsWith("inf1: neuron-cc-tensorflow"));
    SharedCorpus.assertHighConfidenceLabelsAgree("TensorFlow models", outcomes, MISLABELLED);
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
}
