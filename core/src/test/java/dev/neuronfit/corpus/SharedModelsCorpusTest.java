package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.corpus.SharedCorpus.Row;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs neuronfit over the real models in ../shared/models that this version reads (Hugging Face and
 * diffusers configs, safetensors files) and compares the family with the label in MANIFEST.tsv.
 * High-confidence labels must agree; disagreements on medium and low labels are printed with
 * neuronfit's evidence for review. Skips when ../shared is not present.
 */
class SharedModelsCorpusTest {

  record Outcome(Row row, String family, String detail) {
    boolean agrees() {
      return row.family().equals(family);
    }
  }

  @Test
  void familiesOfTheHuggingFaceFilesAgreeWithTheLabels() throws IOException {
    Path models =
        SharedCorpus.modelsOrSkip("the families of the Hugging Face files against their labels");
    Inspector inspector = new Inspector(KnowledgeBase.load(), ReadLimits.DEFAULT);
    List<Outcome> outcomes = new ArrayList<>();
    for (Row row : SharedCorpus.rows(models, SharedModelsCorpusTest::readsThisFormat)) {
      Path file = models.resolve(row.path());
      try {
        List<ModelLocator.Located> located = inspector.locate(file);
        Report r =
            inspector.inspect(located.get(0), KnowledgeBase.load().defaultEdition(), Selection.ALL);
        String detail =
            r.architecture().evidence().isEmpty()
                ? ""
                : r.architecture().evidence().get(0).key()
                    + "="
                    + r.architecture().evidence().get(0).value()
                    + ": "
                    + r.architecture().evidence().get(0).meaning();
        outcomes.add(new Outcome(row, r.architecture().family().id(), detail));
      } catch (ModelFormatException e) {
        outcomes.add(new Outcome(row, "error", e.getMessage()));
      }
    }
    long agree = outcomes.stream().filter(Outcome::agrees).count();
    System.out.printf(
        "shared/models HF corpus: %d of %d agree with the labels%n", agree, outcomes.size());
    for (Outcome o : outcomes) {
      System.out.printf(
          "  %-9s %-60s label=%-28s neuronfit=%-28s %s%n",
          o.agrees() ? "agree" : "DISAGREE",
          o.row().path(),
          o.row().family() + "/" + o.row().confidence(),
          o.family(),
          o.agrees() ? "" : o.detail());
    }
    assertThat(outcomes).as("HF files in the corpus").isNotEmpty();
    assertThat(outcomes.stream().filter(o -> o.row().confidence().equals("high")))
        .as("high-confidence labels")
        .allSatisfy(o -> assertThat(o.family()).as(o.row().path()).isEqualTo(o.row().family()));
  }

  private static boolean readsThisFormat(String format) {
    return format.startsWith("hf/diffusers config.json")
        || format.startsWith("diffusers model_index.json")
        || format.equals("safetensors");
  }
}
