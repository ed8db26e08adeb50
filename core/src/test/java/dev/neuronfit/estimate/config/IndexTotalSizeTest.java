package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index's total_size gives parameters through the checkpoint's single dtype. */
class IndexTotalSizeTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();

  private static Report report(Path dir, String config) throws IOException {
    Files.writeString(dir.resolve("config.json"), config);
    // 1.2 TB of bf16 weights in shards that are not in the folder
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\": {\"total_size\": 1200000000000},"
            + " \"weight_map\": {\"a.weight\": \"model-00001-of-00002.safetensors\"}}");
    return new Inspector(KB, ReadLimits.DEFAULT)
        .report(new HfReader().read(dir, ReadLimits.DEFAULT), KB.defaultEdition(), Selection.ALL);
  }

  @Test
  void parametersAreTheTotalOverTheDtypeWidthAndTheSizingRuns(@TempDir Path dir)
      throws IOException {
    Report r = report(dir, "{\"model_type\": \"mystery_lm\", \"torch_dtype\": \"bfloat16\"}");

    assertThat(r.model().weights().parameters()).hasValue(600_000_000_000L);
    assertThat(SizeSource.of(r.model().weights(), r.model().estimate()))
        .isEqualTo(SizeSource.INDEX_TOTAL_SIZE);
    assertThat(r.findings())
        .filteredOn(f -> f.rule().equals("no-instance-holds-model"))
        .extracting(f -> f.target().orElse(""))
        .contains("inf2", "trn1");
    assertThat(r.findings()).noneSatisfy(f -> assertThat(f.rule()).isEqualTo("size-unknown"));
  }

  @Test
  void aQuantizedCheckpointIsNotDividedByTheConfigDtype(@TempDir Path dir) throws IOException {
    Report r =
        report(
            dir,
            "{\"model_type\": \"mystery_lm\", \"torch_dtype\": \"bfloat16\","
                + " \"quantization_config\": {\"quant_method\": \"gptq\", \"bits\": 4}}");

    assertThat(r.model().weights().parameters()).isEmpty();
    assertThat(r.model().weights().bytes()).hasValue(1_200_000_000_000L);
  }

  @Test
  void aQuantizedConfigSaysSoInTheWeightsBasis(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2,"
            + " \"num_attention_heads\": 4, \"vocab_size\": 100, \"rms_norm_eps\": 1e-5,"
            + " \"quantization_config\": {\"quant_method\": \"awq\", \"bits\": 4}}");
    Report r =
        new Inspector(KB, ReadLimits.DEFAULT)
            .report(
                new HfReader().read(dir, ReadLimits.DEFAULT), KB.defaultEdition(), Selection.ALL);

    assertThat(r.model().weights().basis()).contains("quantized: AWQ 4-bit");
  }
}
