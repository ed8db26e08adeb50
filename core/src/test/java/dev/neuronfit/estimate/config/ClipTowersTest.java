package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLIPModel configs: both towers are sized, and the workload runs both. */
class ClipTowersTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final Path B32 =
      TestFiles.repoRoot()
          .resolve("core/src/test/resources/benchmarks/models/clip-vit-base-patch32");

  private static Report report(Path dir, int batch) throws IOException {
    var profile = new HfReader().read(dir, ReadLimits.DEFAULT);
    var opts =
        new WorkloadOptions(
            OptionalInt.of(batch), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), 1.0);
    return INSPECTOR.report(profile, KB.defaultEdition(), Selection.ALL, opts, KB.hardware());
  }

  @Test
  void countsBothTowersOfAReducedClipAsItsPublishedSummaryDoes(@TempDir Path dir)
      throws IOException {
    // whaler404/Hf-Learn transformers_learn/api/models/multimodal_models/clip/config.json
    // (@ bcaa333393ec9eaa9b41ffb8c566c2bdadc8eefe: clip-vit-base-patch32 cut to 3 layers a tower
    // and a 4,940-token vocabulary); its clip.md prints torchinfo's total for it: 36,347,393
    Files.writeString(
        dir.resolve("config.json"),
        """
        {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 512,
         "text_config": {"hidden_act": "quick_gelu", "hidden_size": 512,
           "intermediate_size": 2048, "max_position_embeddings": 77,
           "model_type": "clip_text_model", "num_attention_heads": 8, "num_hidden_layers": 3,
           "vocab_size": 4940},
         "vision_config": {"hidden_act": "quick_gelu", "hidden_size": 768, "image_size": 224,
           "intermediate_size": 3072, "model_type": "clip_vision_model",
           "num_attention_heads": 12, "num_hidden_layers": 3, "patch_size": 32}}
        """);
    assertThat(report(dir, 1).model().weights().parameters().getAsLong()).isEqualTo(36_347_393L);
  }

  @Test
  void theVisionTowerRunsPerImageAndTheTextTowerOncePerPass() throws IOException {
    // worked by hand for clip-vit-base-patch32 at 224x224 (50 tokens) and one 77-token prompt:
    // vision 12 x (50 x 7,077,888 + 2 x 50^2 x 768) = 4,292,812,800 MACs, patches
    // 49 x 3 x 32 x 32 x 768 = 115,605,504; text 12 x (77 x 3,145,728 + 2 x 77^2 x 512)
    // = 2,979,508,224
    double vision = 4_292_812_800.0 + 115_605_504.0;
    double text = 2_979_508_224.0;
    double one = report(B32, 1).workload().orElseThrow().phases().get(0).flops();
    double four = report(B32, 4).workload().orElseThrow().phases().get(0).flops();
    assertThat(one).isCloseTo(2 * (vision + text), within(1e-6 * one));
    assertThat(four).isCloseTo(2 * (4 * vision + text), within(1e-6 * four));
  }
}
