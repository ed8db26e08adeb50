package dev.neuronfit.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.estimate.tf.TfGraphWorkload;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfReader;
import dev.neuronfit.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Estimates the workload of every TensorFlow model in ../shared/models (SavedModel folders and
 * frozen GraphDefs, per MANIFEST.tsv) and prints FLOPs per model; none may fail. Two figures are
 * checked against counts made by hand from the layer shapes the graphs declare (their variables'
 * shapes in variables.index and the _output_shapes of their function bodies). Skips when ../shared
 * is not present.
 */
class SharedTfWorkloadCorpusTest {
  @Test
  void everyTensorFlowModelGetsAnEstimateOrNoneWithoutFailing() throws IOException {
    Path models =
        SharedCorpus.modelsOrSkip(
            "that every TensorFlow model gets a workload estimate or none without failing, and the FLOPs of two models counted by hand");
    Map<String, Optional<Workload>> results = new TreeMap<>();
    for (SharedCorpus.Row row :
        SharedCorpus.rows(
            models, f -> f.startsWith("tf-savedmodel") || f.startsWith("tf-graphdef"))) {
      ModelProfile p = new TfReader().read(models.resolve(row.path()), ReadLimits.DEFAULT);
      results.put(row.path(), TfGraphWorkload.estimate(p, WorkloadOptions.DEFAULT));
    }
    SharedCorpus.printWorkloads("TensorFlow", results, 1e9, "GFLOPs");
    assertThat(results).as("TensorFlow models in the corpus").isNotEmpty();

    // rifadeta/CNN-ViT-Comparison cnn_model, input [1, 224, 224, 3], kernels from the index:
    // conv 3x3x3->32 VALID 222x222: 222*222*32*27 = 42,581,376; max pool 2 -> 111;
    // conv 3x3x32->64 VALID 109x109: 109*109*64*288 = 218,990,592; pool -> 54;
    // conv 3x3x64->128 VALID 52x52: 52*52*128*576 = 199,360,512; pool -> 26, flatten 86,528;
    // dense 86528->128: 11,075,584; dense 128->3: 384. Total 472,008,448 MACs.
    SharedCorpus.assertFlops(results, "cnn/cnnvit__cnn_saved_model", 2.0 * 472_008_448L);
    // marcos-acosta/TEDify transformer, 200 tokens, width 128, 2 heads of 128 (kernels
    // [128, 2, 128], output [2, 128, 128]), feed-forward 128->64->128, head 128->20->3:
    // query, key, value 3 * 200*128*256 = 19,660,800; scores and context 2 * 2*200*200*128 =
    // 20,480,000; output 200*256*128 = 6,553,600; feed-forward 2 * 200*128*64 = 3,276,800;
    // head 128*20 + 20*3 = 2,620. Total 49,973,820 MACs.
    SharedCorpus.assertFlops(
        results, "transformer-encoder/tedify__transformer_saved_model", 2.0 * 49_973_820L);
  }
}
