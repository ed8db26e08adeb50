package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.classify.Classifier;
import dev.neuronfit.corpus.SharedCorpus.Outcome;
import dev.neuronfit.corpus.SharedCorpus.Row;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads every Keras row ({@code keras-h5} and {@code keras-v3}) of ../shared/models/MANIFEST.tsv as
 * the CLI does (found by content: HDF5 magic, or a zip with config.json and weights) and compares
 * the family with the label. High-confidence labels must agree; every row is printed with
 * neuronfit's evidence, so disagreements on medium and low labels (fragments and edge cases on
 * purpose) can be reviewed. Skips when ../shared is not present.
 */
class SharedKerasCorpusTest {
  /**
   * High-confidence rows whose label we believe is wrong, with the reason. Empty: every
   * high-confidence Keras label agrees with the layer evidence.
   */
  private static final Map<String, String> MISLABELLED = Map.of();

  @Test
  void familiesOfTheKerasFilesAgreeWithTheLabels() throws IOException {
    Path models =
        SharedCorpus.modelsOrSkip(
            "the families of the Keras files (.h5, .keras) against their labels");
    Classifier classifier = new Classifier(KnowledgeBase.load()::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row : SharedCorpus.rows(models, f -> f.startsWith("keras"))) {
      ModelLocator.Located l =
          new ModelLocator(ReadLimits.DEFAULT).locate(models.resolve(row.path())).get(0);
      ModelProfile p = l.reader().read(l.path(), ReadLimits.DEFAULT);
      assertThat(p.format()).as(row.path()).isEqualTo(ModelFormat.KERAS);
      outcomes.add(new Outcome(row, classifier.classify(p), ""));
    }
    SharedCorpus.print("Keras", outcomes, o -> o.row().family(), MISLABELLED);
    SharedCorpus.assertHighConfidenceLabelsAgree("Keras files", outcomes, MISLABELLED);
  }
}
