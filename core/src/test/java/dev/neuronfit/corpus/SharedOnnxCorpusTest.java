package dev.neuronfit.corpus;

import dev.neuronfit.classify.Classifier;
import dev.neuronfit.corpus.SharedCorpus.Outcome;
import dev.neuronfit.corpus.SharedCorpus.Row;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.kb.KnowledgeBase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs graph classification over every {@code onnx} row of ../shared/models/MANIFEST.tsv and
 * compares the family with the label. High-confidence labels must agree; every row is printed with
 * neuronfit's evidence, so disagreements on medium and low labels (fragments and edge cases on
 * purpose) can be reviewed. Skips when ../shared is not present.
 */
class SharedOnnxCorpusTest {
  /**
   * High-confidence rows whose label we believe is wrong, with the reason. Empty: every
   * high-confidence ONNX label agrees with the graph evidence.
   */
  private static final Map<String, String> MISLABELLED = Map.of();

  @Test
  void familiesOfTheOnnxFilesAgreeWithTheLabels() throws IOException {
    Path models = SharedCorpus.modelsOrSkip("the families of the ONNX files against their labels");
    Classifier classifier = new Classifier(KnowledgeBase.load()::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row : SharedCorpus.rows(models, f -> f.equals("onnx"))) {
      Path file = models.resolve(row.path());
      outcomes.add(
          new Outcome(
              row, classifier.classify(new OnnxReader().read(file, ReadLimits.DEFAULT)), ""));
    }
    SharedCorpus.print("ONNX", outcomes, o -> o.row().family(), MISLABELLED);
    SharedCorpus.assertHighConfidenceLabelsAgree("ONNX files", outcomes, MISLABELLED);
  }
}
