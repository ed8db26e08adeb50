package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Family;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A model type the catalogue does not know is classified from the config's structure. The configs
 * are published ones with their model_type renamed to one no catalogue has, so only the structure
 * can decide.
 */
class StructuralHintsTest {
  private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.load()::catalogue);

  private static Classification classify(String json) throws IOException {
    return CLASSIFIER.classify(ConfigOnlyProfile.of(json));
  }

  @Test
  void decoderFieldsMakeADecoder() throws IOException {
    // meta-llama/Llama-3.1-8B without its model_type and architectures
    Classification c =
        classify(
            """
            {"model_type": "future_lm", "hidden_size": 4096, "num_attention_heads": 32,
             "num_key_value_heads": 8, "rope_theta": 500000.0, "vocab_size": 128256}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_WEAK);
    assertThat(c.evidence()).extracting(Evidence::key).contains("num_key_value_heads");
  }

  @Test
  void expertsMakeAMixtureOfExpertsDecoder() throws IOException {
    // Qwen/Qwen3-30B-A3B's expert keys on an unknown type
    Classification c =
        classify(
            """
            {"model_type": "future_moe", "hidden_size": 2048, "num_attention_heads": 32,
             "num_experts": 128, "num_experts_per_tok": 8, "vocab_size": 151936}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.evidence()).extracting(Evidence::key).contains("num_experts");
    assertThat(c.traits()).extracting(Trait::kind).contains(Trait.Kind.MIXTURE_OF_EXPERTS);
  }

  @Test
  void aVisionTowerBesideATextModelIsAnImageTextDecoder() throws IOException {
    // the top level of google/gemma-3-27b-it under an unknown type
    Classification c =
        classify(
            """
            {"model_type": "future_vlm",
             "text_config": {"hidden_size": 5376, "num_attention_heads": 32, "vocab_size": 262208},
             "vision_config": {"hidden_size": 1152, "patch_size": 14, "image_size": 896}}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).contains(Family.VISION_TRANSFORMER);
  }

  @Test
  void aProjectedPairOfTowersIsAContrastiveEncoder() throws IOException {
    // google/siglip-base-patch16-224's top level under an unknown type
    Classification c =
        classify(
            """
            {"model_type": "future_clip", "projection_dim": 768,
             "text_config": {"hidden_size": 768}, "vision_config": {"hidden_size": 768}}
            """);
    assertThat(c.family()).isEqualTo(Family.VISION_TRANSFORMER);
  }

  @Test
  void stateSpaceSizesMakeAClosestDecoder() throws IOException {
    // tiiuae/falcon-mamba-7b under an unknown type
    Classification c =
        classify(
            """
            {"model_type": "future_ssm", "hidden_size": 4096, "state_size": 16,
             "num_hidden_layers": 64, "vocab_size": 65024}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.traits()).extracting(Trait::kind).containsExactly(Trait.Kind.STATE_SPACE);
  }

  @Test
  void tokenTypesMakeAnEncoder() throws IOException {
    // google-bert/bert-base-uncased under an unknown type
    Classification c =
        classify(
            """
            {"model_type": "future_bert", "hidden_size": 768, "num_attention_heads": 12,
             "type_vocab_size": 2, "vocab_size": 30522}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
  }

  @Test
  void anAutoMapClassOfACataloguedTypeDecidesAsTheCatalogue() throws IOException {
    // deepseek-ai/DeepSeek-V3 ships remote code registering DeepseekV3ForCausalLM
    Classification c =
        classify(
            """
            {"model_type": "deepseek_custom",
             "auto_map": {"AutoConfig": "configuration_deepseek.DeepseekV3Config",
               "AutoModelForCausalLM": "modeling_deepseek.DeepseekV3ForCausalLM"}}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.confidence()).isEqualTo(Confidence.STRUCTURE_STRONG);
    assertThat(c.evidence())
        .extracting(Evidence::meaning)
        .anySatisfy(m -> assertThat(m).contains("model type deepseek_v3"));
  }

  @Test
  void anAutoMapHeadClassIsReadWhenItsModelIsUnknown() throws IOException {
    Classification c =
        classify(
            """
            {"model_type": "mystery",
             "auto_map": {"AutoModelForMaskedLM": "modeling_mystery.MysteryForMaskedLM"}}
            """);
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
  }

  @Test
  void nothingDecisiveStaysUnknown() throws IOException {
    Classification c = classify("{\"model_type\": \"mystery\", \"hidden_size\": 8}");
    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
  }
}
