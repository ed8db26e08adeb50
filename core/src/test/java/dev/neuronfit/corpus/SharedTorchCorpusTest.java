package dev.neuronfit.corpus;

import dev.neuronfit.classify.Classifier;
import dev.neuronfit.corpus.SharedCorpus.Outcome;
import dev.neuronfit.corpus.SharedCorpus.Row;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads every TorchScript and torch.save row of ../shared/models/MANIFEST.tsv (found by content, as
 * the CLI does) and compares the family with the label. Every file must be read; high-confidence
 * labels must agree. Every row is printed with neuronfit's evidence so that disagreements on medium
 * and low labels can be reviewed; counts are grouped by the format neuronfit read. Skips when
 * ../shared is not present.
 */
class SharedTorchCorpusTest {
  /**
   * High-confidence rows whose label we believe is wrong, with the reason. Empty: every
   * high-confidence PyTorch label agrees with the evidence.
   */
  private static final Map<String, String> MISLABELLED = Map.of();

  @Test
  void familiesOfThePyTorchFilesAgreeWithTheLabels() throws IOException {
    Path models =
        SharedCorpus.modelsOrSkip("the families of the PyTorch files against their labels");
    Classifier classifier = new Classifier(KnowledgeBase.load()::catalogue);
    List<Outcome> outcomes = new ArrayList<>();
    Map<Row, String> readAs = new HashMap<>();
    for (Row row :
        SharedCorpus.rows(models, f -> f.startsWith("torchscript") || f.startsWith("pytorch"))) {
      ModelLocator.Located l =
          new ModelLocator(ReadLimits.DEFAULT).locate(models.resolve(row.path())).get(0);
      ModelProfile p = l.reader().read(l.path(), ReadLimits.DEFAULT);
      readAs.put(row, p.format().id());
      String detail =
          p.tensors().size()
              + " tensors, "
              + (p.weights().parameters().isPresent()
                  ? Long.toString(p.weights().parameters().getAsLong())
                  : "?")
              + " parameters, "
              + p.hazards().size()
              + " hazards";
      outcomes.add(new Outcome(row, classifier.classify(p), detail));
    }
    SharedCorpus.print("PyTorch", outcomes, o -> readAs.get(o.row()), MISLABELLED);
    SharedCorpus.assertHighConfidenceLabelsAgree("PyTorch files", outcomes, MISLABELLED);
  }
}
