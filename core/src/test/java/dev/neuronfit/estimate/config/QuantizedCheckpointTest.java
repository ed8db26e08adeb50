package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuronfit.Inspector;
import dev.neuronfit.classify.Trait;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.SafetensorsWriter;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized checkpoints: logical parameters, bytes at the stored widths, the quantization named.
 * The StarCoder folder and its published figures are described in
 * core/src/test/resources/quantized/README.md.
 */
class QuantizedCheckpointTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Path STARCODER =
      TestFiles.repoRoot().resolve("core/src/test/resources/quantized/starcoder-gptq-4bit-128g");
  private static final double STARCODER_PARAMETERS = 15.5e9;
  private static final double MIB = 1024.0 * 1024.0;

  private static Report report(Path dir) throws IOException {
    return new Inspector(KB, ReadLimits.DEFAULT)
        .report(new HfReader().read(dir, ReadLimits.DEFAULT), KB.defaultEdition(), Selection.ALL);
  }

  @Test
  void gptqStarCoderCountsItsMultiQueryAttentionAndItsFourBits() throws IOException {
    Report r = report(STARCODER);

    long parameters = r.model().weights().parameters().getAsLong();
    // not 18.5 B: one key/value head, not 48
    assertThat(parameters / STARCODER_PARAMETERS).isCloseTo(1.0, within(0.02));
    // published GPTQ 4-bit group-128 checkpoint: 8,877 MB; BF16: 29,597 MB
    double mib = r.model().weights().bytes().getAsLong() / MIB;
    assertThat(mib / 8877).isCloseTo(1.0, within(0.10));
    assertThat(SizeSource.of(r.model().weights(), r.model().estimate()))
        .isEqualTo(SizeSource.CONFIG_LAYOUT);
    assertThat(r.model().quantization()).isPresent();
    assertThat(r.model().quantization().get().label()).isEqualTo("GPTQ 4-bit, group 128");
    assertThat(r.model().weights().basis())
        .contains("bytes at the stored widths of GPTQ 4-bit, group 128")
        .contains("F16 from config.json torch_dtype");
    assertThat(r.architecture().traits())
        .extracting(Trait::kind)
        .containsExactly(Trait.Kind.MULTI_QUERY_ATTENTION, Trait.Kind.QUANTIZED);
    // today's path says what the separate AutoGPTQ file declares, target by target
    assertThat(r.today().orElseThrow().paths())
        .allSatisfy(
            p ->
                assertThat(p.quantization())
                    .hasValueSatisfying(
                        q -> assertThat(q).startsWith("GPTQ (quantize_config.json)")));
  }

  @Test
  void theSameStarCoderUnquantizedIsSixteenBitsAParameter(@TempDir Path dir) throws IOException {
    Files.copy(STARCODER.resolve("config.json"), dir.resolve("config.json"));
    Report r = report(dir);

    long parameters = r.model().weights().parameters().getAsLong();
    assertThat(parameters / STARCODER_PARAMETERS).isCloseTo(1.0, within(0.02));
    assertThat(r.model().weights().bytes()).hasValue(2 * parameters);
    assertThat(r.model().quantization()).isEmpty();
    // published BF16 checkpoint: 29,597 MB
    assertThat(r.model().weights().bytes().getAsLong() / MIB / 29597).isCloseTo(1.0, within(0.03));
  }

  @Test
  void gptOssMxfp4StoresItsExpertsAtFourBitsAndAQuarter() throws IOException {
    Report r = report(TestFiles.examples().resolve("gpt-oss-20b"));

    // the published checkpoint of openai/gpt-oss-20b is about 13.8 GB, against 41.8 GB in BF16
    double gb = r.model().weights().bytes().getAsLong() / 1e9;
    assertThat(gb).isBetween(13.0, 14.6);
    assertThat(r.model().quantization().get().expertsOnly()).isTrue();
  }

  @Test
  void deepSeekV3InFp8IsAboutOneBytePerParameter(@TempDir Path dir) throws IOException {
    // the architecture keys and quantization_config of deepseek-ai/DeepSeek-V3's config.json
    Files.writeString(
        dir.resolve("config.json"),
        """
        {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3",
         "hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128,
         "num_key_value_heads": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048,
         "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8,
         "first_k_dense_replace": 3, "q_lora_rank": 1536, "kv_lora_rank": 512,
         "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128,
         "vocab_size": 129280, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
         "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3",
           "quant_method": "fp8", "weight_block_size": [128, 128]}}
        """);
    Report r = report(dir);

    long parameters = r.model().weights().parameters().getAsLong();
    long bytes = r.model().weights().bytes().getAsLong();
    // 671 B published; fp8 blocks with a float32 scale per 128 x 128, embeddings and head in bf16
    assertThat(parameters / 671e9).isCloseTo(1.0, within(0.02));
    assertThat((double) bytes / parameters).isBetween(1.0, 1.02);
    assertThat(r.model().quantization().get().label()).isEqualTo("FP8 8-bit e4m3 block 128x128");
  }

  @Test
  void gptqSafetensorsAreUnpackedToTheirLogicalParameters(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"llama\", \"torch_dtype\": \"float16\","
            + " \"quantization_config\": {\"quant_method\": \"gptq\", \"bits\": 4,"
            + " \"group_size\": 128}}");
    new SafetensorsWriter()
        .add("model.embed_tokens.weight", "F16", 1000, 256)
        .add("model.layers.0.mlp.up_proj.qweight", "I32", 256 / 8, 1024)
        .add("model.layers.0.mlp.up_proj.qzeros", "I32", 2, 1024 / 8)
        .add("model.layers.0.mlp.up_proj.scales", "F16", 2, 1024)
        .add("model.layers.0.mlp.up_proj.g_idx", "I32", 256)
        .write(dir.resolve("model.safetensors"));
    Report r = report(dir);

    assertThat(r.model().weights().parameters()).hasValue(1000L * 256 + 256L * 1024);
    long stored = 1000L * 256 * 2 + 32L * 1024 * 4 + 2L * 128 * 4 + 2L * 1024 * 2 + 256L * 4;
    assertThat(r.model().weights().bytes()).hasValue(stored);
    assertThat(SizeSource.of(r.model().weights(), r.model().estimate()))
        .isEqualTo(SizeSource.WEIGHT_FILES);
    assertThat(r.model().weights().estimated()).isFalse();
  }

  @Test
  void aMalformedQuantizeConfigIsAOneLineErrorNamingTheFile(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(dir.resolve("quantize_config.json"), "[4, 128");

    assertThatThrownBy(() -> report(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("quantize_config.json")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void anUnquantizedCheckpointIsSummedAsStored(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");
    new SafetensorsWriter()
        .add("model.layers.0.mlp.up_proj.qweight", "I32", 32, 1024)
        .write(dir.resolve("model.safetensors"));

    assertThat(report(dir).model().weights().parameters()).hasValue(32L * 1024);
  }
}
