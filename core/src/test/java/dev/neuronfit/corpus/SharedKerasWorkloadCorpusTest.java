package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.keras.KerasWorkload;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Estimates the workload of every Keras model in ../shared/models (.h5 and .keras, per
 * MANIFEST.tsv) and prints FLOPs per model; none may fail. Skips when ../shared is not present.
 */
class SharedKerasWorkloadCorpusTest {
  @Test
  void everyKerasModelGetsAnEstimateOrNoneWithoutFailing() throws IOException {
    Path models =
        SharedCorpus.modelsOrSkip(
            "that every Keras model gets a workload estimate or none without failing, and the FLOPs of two models counted by hand");
    Map<String, Optional<Workload>> results = new TreeMap<>();
    for (SharedCorpus.Row row : SharedCorpus.rows(models, f -> f.startsWith("keras"))) {
      // read as the CLI reads them: an .h5 by KerasReader, a .keras archive through the zip reader
      ModelLocator.Located l =
          new ModelLocator(ReadLimits.DEFAULT).locate(models.resolve(row.path())).get(0);
      ModelProfile p = l.reader().read(l.path(), ReadLimits.DEFAULT);
      results.put(row.path(), KerasWorkload.estimate(p, WorkloadOptions.DEFAULT));
    }
    SharedCorpus.printWorkloads("Keras", results, 1e6, "MFLOPs");
    assertThat(results).as("Keras models in the corpus").isNotEmpty();

    // Aman-21k/cnn-fashion-mnist-classifier, worked by hand from its config.json: input
    // [1, 28, 28, 1]; conv 3x3x1->32 valid 26x26: 26*26*32*9 = 194,688; max pool 2 -> 13;
    // conv 3x3x32->64 valid 11x11: 11*11*64*288 = 2,230,272; pool -> 5, flatten 1,600;
    // dense 1600->64: 102,400; dense 64->10: 640. Total 2,528,000 MACs.
    SharedCorpus.assertFlops(results, "cnn/fashioncnn__model.keras", 2.0 * 2_528_000L);
    // deepak-d-gt/GRU_FORECASTING_MODEL, by hand: 480 steps of 3 features; GRU 64 units,
    // sequences: 480 * 3 gates * 64 * (3 + 64) = 6,174,720; GRU 32 units: 480 * 3 * 32 * (64 +
    // 32) = 4,423,680; dense 32->1: 32. Total 10,598,432 MACs.
    SharedCorpus.assertFlops(results, "lstm/grufc__gru_model.keras", 2.0 * 10_598_432L);
  }
}
