package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Traits read from the architecture keys of published configs (each test names the Hugging Face
 * repository whose config.json the keys come from; other keys left out).
 */
class ArchitectureTraitsTest {
  private static List<String> shown(String json) throws IOException {
    return ArchitectureTraits.of(ConfigOnlyProfile.of(json)).stream().map(Trait::shown).toList();
  }

  @Test
  void mixtureOfExpertsWithGroupedQueryAttention() throws IOException {
    // mistralai/Mixtral-8x7B-v0.1
    assertThat(
            shown(
                """
                {"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "num_local_experts": 8,
                 "num_experts_per_tok": 2, "sliding_window": null, "vocab_size": 32000}
                """))
        .containsExactly(
            "mixture of experts (8 experts, 2 per token)",
            "grouped-query attention (32 query heads, 8 key/value heads)");
  }

  @Test
  void sharedExpertsAndLatentAttention() throws IOException {
    // deepseek-ai/DeepSeek-V3
    assertThat(
            shown(
                """
                {"model_type": "deepseek_v3", "hidden_size": 7168, "num_hidden_layers": 61,
                 "num_attention_heads": 128, "num_key_value_heads": 128, "kv_lora_rank": 512,
                 "q_lora_rank": 1536, "n_routed_experts": 256, "n_shared_experts": 1,
                 "num_experts_per_tok": 8, "vocab_size": 129280}
                """))
        .containsExactly(
            "mixture of experts (256 experts, 8 per token, 1 shared)",
            "latent attention (keys and values compressed to a rank-512 latent)");
  }

  @Test
  void falconIsMultiQueryUnlessItsNewArchitectureGroupsItsHeads() throws IOException {
    // tiiuae/falcon-7b and tiiuae/falcon-40b
    assertThat(
            shown(
                """
                {"model_type": "falcon", "hidden_size": 4544, "num_attention_heads": 71,
                 "multi_query": true, "new_decoder_architecture": false}
                """))
        .containsExactly("multi-query attention (71 query heads share 1 key/value head)");
    assertThat(
            shown(
                """
                {"model_type": "falcon", "hidden_size": 8192, "num_attention_heads": 128,
                 "num_kv_heads": 8, "new_decoder_architecture": true}
                """))
        .containsExactly("grouped-query attention (128 query heads, 8 key/value heads)");
  }

  @Test
  void slidingWindowOnlyWhereTheConfigUsesIt() throws IOException {
    // google/gemma-2-9b: every other layer attends locally; the config gives no layer list
    assertThat(
            shown(
                """
                {"model_type": "gemma2", "num_attention_heads": 16, "num_key_value_heads": 8,
                 "sliding_window": 4096}
                """))
        .contains("sliding-window attention (4096-token window)");
    // Qwen/Qwen2.5-7B declares a window but switches it off
    assertThat(
            shown(
                """
                {"model_type": "qwen2", "num_attention_heads": 28, "num_key_value_heads": 4,
                 "sliding_window": 131072, "use_sliding_window": false}
                """))
        .containsExactly("grouped-query attention (28 query heads, 4 key/value heads)");
  }

  @Test
  void imageTextFromAVisionTowerBesideTheLanguageModel() throws IOException {
    // Qwen/Qwen2.5-VL-7B-Instruct: a flat language model with a vision_config
    assertThat(
            shown(
                """
                {"model_type": "qwen2_5_vl", "hidden_size": 3584, "num_attention_heads": 28,
                 "num_key_value_heads": 4, "vocab_size": 152064,
                 "vision_config": {"depth": 32, "hidden_size": 1280}}
                """))
        .containsExactly(
            "grouped-query attention (28 query heads, 4 key/value heads)",
            "image+text (vision tower beside the language model)");
    // google/gemma-3-27b-it: the language model nested in text_config
    assertThat(
            shown(
                """
                {"model_type": "gemma3",
                 "text_config": {"model_type": "gemma3_text", "hidden_size": 5376,
                   "num_attention_heads": 32, "num_key_value_heads": 16, "sliding_window": 1024},
                 "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152}}
                """))
        .containsExactly(
            "grouped-query attention (32 query heads, 16 key/value heads)",
            "sliding-window attention (1024-token window)",
            "image+text (vision tower siglip_vision_model beside the language model)");
  }

  @Test
  void stateSpaceModelsHaveNoAttentionTraits() throws IOException {
    // state-spaces/mamba-2.8b-hf
    assertThat(
            shown(
                """
                {"model_type": "mamba", "hidden_size": 2560, "num_hidden_layers": 64,
                 "state_size": 16, "vocab_size": 50280}
                """))
        .containsExactly("state-space layers (Mamba mixers on all 64 layers, no attention)");
  }

  @Test
  void gptOssExampleListsEveryTraitItHas() throws IOException {
    ModelProfile p =
        new HfReader().read(TestFiles.examples().resolve("gpt-oss-20b"), ReadLimits.DEFAULT);
    assertThat(ArchitectureTraits.of(p).stream().map(t -> t.kind()).toList())
        .containsExactly(
            Trait.Kind.MIXTURE_OF_EXPERTS,
            Trait.Kind.GROUPED_QUERY_ATTENTION,
            Trait.Kind.SLIDING_WINDOW,
            Trait.Kind.QUANTIZED);
    assertThat(ArchitectureTraits.of(p).get(2).detail())
        .isEqualTo("128-token window, on 12 of 24 layers");
  }

  @Test
  void aPlainEncoderHasNoTraits() throws IOException {
    // google-bert/bert-base-uncased
    assertThat(
            shown(
                """
                {"model_type": "bert", "hidden_size": 768, "num_attention_heads": 12,
                 "num_hidden_layers": 12, "type_vocab_size": 2, "vocab_size": 30522}
                """))
        .isEmpty();
  }
}
