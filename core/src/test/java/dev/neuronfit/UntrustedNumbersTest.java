package dev.neuronfit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.report.Report;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole check on configs whose numbers are 0, negative or huge (issue 11, class 2): each once
 * crashed (exit 4), hung or printed a wrong figure; now the estimates are skipped with a note
 * naming the key, and nothing else about the report changes.
 */
class UntrustedNumbersTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A Llama-2-7B config: 6.74 B parameters by the decoder layout. */
  private static ObjectNode llama() {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "llama");
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("hidden_size", 4096);
    c.put("num_hidden_layers", 32);
    c.put("num_attention_heads", 32);
    c.put("num_key_value_heads", 32);
    c.put("intermediate_size", 11008);
    c.put("vocab_size", 32000);
    c.put("max_position_embeddings", 4096);
    c.put("rms_norm_eps", 1e-5);
    c.put("torch_dtype", "float16");
    return c;
  }

  private Report check(ObjectNode config, WorkloadOptions opts) throws IOException {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("config.json"), config.toString());
    ModelProfile p = new HfReader().read(model, ReadLimits.DEFAULT);
    return INSPECTOR.report(p, KB.defaultEdition(), Selection.ALL, opts, KB.hardware());
  }

  @Test
  void aValidConfigIsEstimatedWithoutANote() throws IOException {
    Report r = check(llama(), WorkloadOptions.DEFAULT);
    assertThat(r.model().weights().parameters()).hasValue(6_738_415_616L);
    assertThat(r.workload()).isPresent();
    assertThat(r.model().notes()).noneMatch(n -> n.contains("skipped"));
  }

  @ParameterizedTest
  @CsvSource({
    // was: exit 4, "phase prefill: flops 0.0, bytes 0.0"
    "hidden_size, 0, 'config.json hidden_size is 0, expected 1 to 1048576'",
    // was: exit 4, "/ by zero"
    "num_attention_heads, 0, 'config.json num_attention_heads is 0, expected 1 to 65536'",
    // was: exit 4, "long overflow"
    "hidden_size, 4611686018427387904, 'hidden_size is 4611686018427387904'",
    "num_hidden_layers, 3000000000, 'num_hidden_layers is 3000000000, expected 0 to 16384'",
    // was: silently 6.21 B parameters
    "vocab_size, -32000, 'vocab_size is -32000, expected 1 to 268435456'",
  })
  void anOutOfRangeNumberSkipsTheEstimatesNamingTheKey(String key, long value, String note)
      throws IOException {
    Report r = check(llama().put(key, value), WorkloadOptions.DEFAULT);

    assertThat(r.model().weights().parameters()).isEmpty();
    assertThat(r.model().estimate()).isEmpty();
    assertThat(r.workload()).isEmpty();
    assertThat(r.model().notes())
        .anyMatch(n -> n.startsWith("estimates skipped: ") && n.contains(note));
  }

  @Test
  void aNestedConfigIsCheckedToo() throws IOException {
    ObjectNode c = llama();
    c.putObject("text_config").put("hidden_size", -1);
    Report r = check(c, WorkloadOptions.DEFAULT);
    assertThat(r.model().notes())
        .contains(
            "estimates skipped: config.json text_config.hidden_size is -1, expected 1 to 1048576");
  }

  @Test
  void anEstimateWhoseBytesWouldOverflowIsSkippedNotACrash() throws IOException {
    // DeepSeek-V3 shapes at the top of each key's range: the parameters fit a long in the general
    // decoder's sums, their bytes do not (this exited 4 with "long overflow" before)
    ObjectNode c =
        llama()
            .put("model_type", "deepseek_v3")
            .put("hidden_size", 1 << 20)
            .put("intermediate_size", 1 << 20)
            .put("moe_intermediate_size", 1 << 20)
            .put("num_hidden_layers", 1 << 14)
            .put("n_routed_experts", 1 << 16)
            .put("num_experts_per_tok", 8)
            .put("n_shared_experts", 1)
            .put("num_attention_heads", 128)
            .put("num_key_value_heads", 128)
            .put("q_lora_rank", 1536)
            .put("kv_lora_rank", 512)
            .put("qk_rope_head_dim", 64)
            .put("qk_nope_head_dim", 128)
            .put("v_head_dim", 128)
            .put("first_k_dense_replace", 3);
    c.putArray("architectures").add("DeepseekV3ForCausalLM");
    Report r = check(c, WorkloadOptions.DEFAULT);
    assertThat(r.model().weights().parameters()).isEmpty();
    assertThat(r.model().notes())
        .anyMatch(n -> n.startsWith("parameter estimate skipped: the sizes in config.json"));
  }

  @Test
  void sizesInRangeWhoseProductsOverflowSkipTheEstimate() throws IOException {
    // each in range; the experts' weights alone are 2^14 * 2^16 * 3 * 2^20 * 2^20 > 2^63
    ObjectNode c =
        llama()
            .put("hidden_size", 1 << 20)
            .put("intermediate_size", 1 << 20)
            .put("num_hidden_layers", 1 << 14)
            .put("num_local_experts", 1 << 16)
            .put("num_attention_heads", 1 << 10)
            .put("num_key_value_heads", 1 << 10);
    Report r = check(c, WorkloadOptions.DEFAULT);
    assertThat(r.model().weights().parameters()).isEmpty();
    assertThat(r.model().notes())
        .contains(
            "parameter estimate skipped: the sizes in config.json multiply beyond 2^63-1 at"
                + " this input");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aHugeStageDepthNoLongerLoopsForEver() throws IOException {
    // an int loop counter against a depth of 3e9 wrapped and never ended
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "resnet");
    c.putArray("hidden_sizes").add(256).add(512);
    c.putArray("depths").add(3_000_000_000L).add(2);
    Report r = check(c, WorkloadOptions.DEFAULT);
    assertThat(r.model().notes())
        .contains("estimates skipped: config.json depths is 3000000000, expected 0 to 16384");
  }

  @Test
  void twoDeclaredTotalsOfTheLargestLongSaturateWithANote() throws IOException {
    // was: "-2 B of weights"
    Path model = dir.resolve("pipe");
    Files.createDirectories(model);
    Files.writeString(
        model.resolve("model_index.json"),
        JSON.writeValueAsString(
            Map.of(
                "_class_name", "StableDiffusionPipeline",
                "text_encoder", List.of("transformers", "CLIPTextModel"),
                "vae", List.of("diffusers", "AutoencoderKL"))));
    for (String comp : List.of("text_encoder", "vae")) {
      Path d = Files.createDirectories(model.resolve(comp));
      Files.writeString(d.resolve("config.json"), "{\"hidden_act\": \"gelu\"}");
      Files.writeString(
          d.resolve("model.safetensors.index.json"),
          "{\"metadata\": {\"total_size\": "
              + Long.MAX_VALUE
              + "},"
              + " \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\"}}");
    }
    ModelProfile p = new HfReader().read(model, ReadLimits.DEFAULT);
    assertThat(p.weights().bytes()).hasValue(Long.MAX_VALUE);
    assertThat(p.notes())
        .contains("the components' declared sizes add up beyond 2^63-1 bytes; the total is capped");
  }
}
