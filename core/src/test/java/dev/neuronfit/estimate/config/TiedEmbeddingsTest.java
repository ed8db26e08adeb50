package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A config without {@code tie_word_embeddings} takes its transformers class default, which differs
 * by model type (the table {@code tied-embeddings.tsv}).
 */
class TiedEmbeddingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** bigcode/starcoder2-7b's architecture keys; its config.json has no tie_word_embeddings. */
  private static final String STARCODER2_7B =
      """
      {"architectures": ["Starcoder2ForCausalLM"], "model_type": "starcoder2",
       "hidden_size": 4608, "num_hidden_layers": 32, "num_attention_heads": 36,
       "num_key_value_heads": 4, "intermediate_size": 18432, "vocab_size": 49152,
       "use_bias": true, "max_position_embeddings": 16384, "torch_dtype": "bfloat16"}
      """;

  /** meta-llama/Llama-2-7b-hf's architecture keys, here without its tie_word_embeddings. */
  private static final String LLAMA_2_7B =
      """
      {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
       "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
       "num_key_value_heads": 32, "intermediate_size": 11008, "vocab_size": 32000,
       "rms_norm_eps": 1e-05, "torch_dtype": "float16"}
      """;

  private static HfConfig config(String json) throws IOException {
    return new HfConfig("config.json", JSON.readTree(json));
  }

  private static HfConfig with(String json, String key, boolean value) throws IOException {
    ObjectNode node = (ObjectNode) JSON.readTree(json);
    node.put(key, value);
    return new HfConfig("config.json", node);
  }

  private static long parameters(HfConfig c) {
    return ParameterEstimator.single(c).getAsLong();
  }

  @Test
  void starCoder2WithoutTheKeyIsTiedAsStarcoder2ConfigDefaults() throws IOException {
    long omitted = parameters(config(STARCODER2_7B));

    assertThat(omitted).isEqualTo(parameters(with(STARCODER2_7B, "tie_word_embeddings", true)));
    assertThat(parameters(with(STARCODER2_7B, "tie_word_embeddings", false)) - omitted)
        .isEqualTo(49_152L * 4_608);
    // published: 7.174 B (core/src/test/resources/configs/corpus.tsv)
    assertThat(omitted / 7.174e9).isCloseTo(1.0, within(0.005));
  }

  @Test
  void llamaWithoutTheKeyIsUntiedAsLlamaConfigDefaults() throws IOException {
    long omitted = parameters(config(LLAMA_2_7B));

    assertThat(omitted).isEqualTo(parameters(with(LLAMA_2_7B, "tie_word_embeddings", false)));
    // published: 6,738,415,616 (ParameterEstimatorTest, examples/llama-2-7b)
    assertThat(omitted).isEqualTo(6_738_415_616L);
  }

  @Test
  void theKeyInTheFileWinsOverTheClassDefault() throws IOException {
    assertThat(TiedEmbeddings.of(with(STARCODER2_7B, "tie_word_embeddings", false), true))
        .isFalse();
    assertThat(TiedEmbeddings.of(with(LLAMA_2_7B, "tie_word_embeddings", true), false)).isTrue();
  }

  @Test
  void aModelTypeTransformersDoesNotDefineFallsBackOnTheCallersDefault() throws IOException {
    HfConfig remote = config("{\"model_type\": \"exaone\"}");

    assertThat(TiedEmbeddings.declared(remote)).isEmpty();
    assertThat(TiedEmbeddings.of(remote, true)).isTrue();
    assertThat(TiedEmbeddings.of(remote, false)).isFalse();
  }

  @Test
  void classDefaultsDifferByModelType() {
    assertThat(TiedEmbeddings.byDefault("gemma2")).hasValue(true);
    assertThat(TiedEmbeddings.byDefault("qwen2")).hasValue(false);
    assertThat(TiedEmbeddings.byDefault("mamba")).hasValue(true);
    assertThat(TiedEmbeddings.byDefault("mamba2")).hasValue(false);
    assertThat(TiedEmbeddings.byDefault("imagegpt")).hasValue(false);
  }

  @Test
  void everyDecoderTheLayoutsNameHasADefaultUnlessItIsRemoteCode() {
    Set<String> named = new HashSet<>(TransformerLayouts.DECODER_LAYOUT);
    named.addAll(GeneralDecoder.KNOWN_DECODERS);
    named.addAll(TransformerLayouts.T5_LAYOUT);
    // EXAONE 3.5 runs as remote code: transformers has no ExaoneConfig
    named.remove("exaone");

    assertThat(named).allSatisfy(t -> assertThat(TiedEmbeddings.byDefault(t)).as(t).isPresent());
    assertThat(TiedEmbeddings.size()).isGreaterThan(150);
  }

  @Test
  void aMalformedTableIsABugNotADefault() {
    String header = "model_type\ttied\tclass\tchecked\tnote\n";
    assertThatThrownBy(() -> TiedEmbeddings.parse(header + "llama\tyes\tLlamaConfig\t4.57.6\t\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 2");
    assertThatThrownBy(
            () ->
                TiedEmbeddings.parse(
                    header
                        + "llama\tfalse\tLlamaConfig\t4.57.6\t\n"
                        + "llama\ttrue\tLlamaConfig\t4.57.6\t\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> TiedEmbeddings.parse("llama\tfalse\tLlamaConfig\t4.57.6\t\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("header");
    assertThat(TiedEmbeddings.parse(header + "# a comment\nopt\ttrue\tOPTConfig\t4.57.6\t\n"))
        .containsEntry("opt", true)
        .hasSize(1);
  }

  @Test
  void anImageTextModelsNestedTextConfigTakesTheOuterKeyWhenItOmitsItsOwn() throws IOException {
    // google/gemma-3-27b's config (the corpus copy): neither level declares the key, and
    // Gemma3TextConfig ties by default
    ObjectNode outer =
        (ObjectNode)
            JSON.readTree(
                TestFiles.repoRoot()
                    .resolve("core/src/test/resources/configs/gemma-3-27b/config.json")
                    .toFile());
    long text = outer.path("text_config").path("hidden_size").asLong();
    long vocab = outer.path("text_config").path("vocab_size").asLong();
    long neither = parameters(new HfConfig("config.json", outer));

    // the outer config says untied: transformers 5 reads the key there, so the head counts
    ObjectNode untied = outer.deepCopy();
    untied.put("tie_word_embeddings", false);
    assertThat(parameters(new HfConfig("config.json", untied)) - neither).isEqualTo(vocab * text);

    // a key the nested config declares still wins (transformers 4.x read the nested one)
    ObjectNode nested = untied.deepCopy();
    ((ObjectNode) nested.get("text_config")).put("tie_word_embeddings", true);
    assertThat(parameters(new HfConfig("config.json", nested))).isEqualTo(neither);
  }
}
