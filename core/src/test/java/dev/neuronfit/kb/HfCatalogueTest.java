package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.kb.HfCatalogue.Entry;
import dev.neuronfit.kb.HfCatalogue.Kind;
import dev.neuronfit.model.Family;
import org.junit.jupiter.api.Test;

class HfCatalogueTest {
  private final HfCatalogue catalogue = KnowledgeBase.load().catalogue();

  @Test
  void coversAtLeast150ModelTypesAndTheDiffusersClasses() {
    assertThat(catalogue.count(Kind.MODEL_TYPE)).isGreaterThanOrEqualTo(150);
    assertThat(catalogue.count(Kind.DIFFUSERS_MODEL)).isGreaterThanOrEqualTo(25);
    assertThat(catalogue.count(Kind.DIFFUSERS_PIPELINE)).isGreaterThanOrEqualTo(25);
  }

  @Test
  void mapsWellKnownModelTypesToTheirFamilies() {
    assertThat(family(Kind.MODEL_TYPE, "bert")).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(family(Kind.MODEL_TYPE, "xlm-roberta")).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(family(Kind.MODEL_TYPE, "gpt2")).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(family(Kind.MODEL_TYPE, "llama")).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(family(Kind.MODEL_TYPE, "t5")).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(family(Kind.MODEL_TYPE, "marian")).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(family(Kind.MODEL_TYPE, "whisper")).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(family(Kind.MODEL_TYPE, "vit")).isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(family(Kind.MODEL_TYPE, "swin")).isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(family(Kind.MODEL_TYPE, "resnet")).isEqualTo(Family.CNN);
    assertThat(family(Kind.MODEL_TYPE, "convnext")).isEqualTo(Family.CNN);
    assertThat(family(Kind.DIFFUSERS_MODEL, "UNet2DConditionModel")).isEqualTo(Family.DIFFUSION);
    assertThat(family(Kind.DIFFUSERS_PIPELINE, "StableDiffusionPipeline"))
        .isEqualTo(Family.DIFFUSION);
  }

  @Test
  void findsModelTypesByTheirClassNamesPreferringTheLongestPrefix() {
    assertThat(catalogue.findByClassName("BertForMaskedLM")).map(Entry::name).hasValue("bert");
    assertThat(catalogue.findByClassName("XLMRobertaForSequenceClassification"))
        .map(Entry::name)
        .hasValue("xlm-roberta");
    assertThat(catalogue.findByClassName("GPT2LMHeadModel")).map(Entry::name).hasValue("gpt2");
    assertThat(catalogue.findByClassName("MarianMTModel")).map(Entry::name).hasValue("marian");
    assertThat(catalogue.findByClassName("TFBertModel")).map(Entry::name).hasValue("bert");
    assertThat(catalogue.findByClassName("GPTNeoXForCausalLM"))
        .map(Entry::name)
        .hasValue("gpt_neox");
    assertThat(catalogue.findByClassName("Bertish")).isEmpty();
  }

  @Test
  void marksApproximateFamiliesAsClosest() {
    Entry mamba = catalogue.find(Kind.MODEL_TYPE, "mamba").orElseThrow();
    assertThat(mamba.exact()).isFalse();
    assertThat(catalogue.find(Kind.MODEL_TYPE, "bert").orElseThrow().exact()).isTrue();
  }

  @Test
  void matchesTimmArchitecturesByLongestPrefix() {
    assertThat(catalogue.findTimm("resnet50d")).map(Entry::family).hasValue(Family.CNN);
    assertThat(catalogue.findTimm("convnextv2_tiny")).map(Entry::name).hasValue("convnextv2");
    assertThat(catalogue.findTimm("vit_base_patch16_224"))
        .map(Entry::family)
        .hasValue(Family.VISION_TRANSFORMER);
    assertThat(catalogue.findTimm("mixer_b16_224")).map(Entry::family).hasValue(Family.UNKNOWN);
    assertThat(catalogue.findTimm("zzz")).isEmpty();
  }

  private Family family(Kind kind, String name) {
    return catalogue.find(kind, name).orElseThrow().family();
  }
}
