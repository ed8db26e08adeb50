package dev.neuronfit.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClassifierTest {
  private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.load()::catalogue);
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "bert-base-uncased, transformer-encoder",
    "roberta-base, transformer-encoder",
    "gpt2, transformer-decoder",
    "llama-2-7b, transformer-decoder",
    "tiny-llama-2-sharded, transformer-decoder",
    "chatglm2-6b, transformer-decoder",
    "t5-small, transformer-encoder-decoder",
    "t5-11b, transformer-encoder-decoder",
    "bart-large-cnn, transformer-encoder-decoder",
    "opus-mt-en-de, transformer-encoder-decoder",
    "whisper-tiny, transformer-encoder-decoder",
    "vit-base-patch16-224, vision-transformer",
    "swin-tiny-patch4-window7-224, vision-transformer",
    "resnet-50, cnn",
    "convnext-tiny-224, cnn",
    "timm-resnet50, cnn",
    "stable-diffusion-v1-5, diffusion",
    "tiny-faster-rcnn, r-cnn",
    "timm-mixer-b16, unknown",
  })
  void classifiesTheBundledExamples(String example, String family) throws IOException {
    Classification c =
        CLASSIFIER.classify(
            new HfReader().read(TestFiles.examples().resolve(example), ReadLimits.DEFAULT));
    assertThat(c.family().id()).isEqualTo(family);
    assertThat(c.evidence()).isNotEmpty();
  }

  @Test
  void catalogueMatchConfirmedByTheClassNameIsMostConfident() {
    Classification c =
        classify("{\"model_type\":\"bert\",\"architectures\":[\"BertForMaskedLM\"]}");
    assertThat(c.confidence()).isEqualTo(Confidence.CATALOGUE_CONFIRMED);
    assertThat(c.evidence())
        .extracting(Evidence::key)
        .containsExactly("model_type", "architectures");
    assertThat(c.evidence().get(0).value()).isEqualTo("\"bert\"");
  }

  @Test
  void modelTypeDecidesWhenTheClassNameDisagreesAndTheOtherFamilyIsListed() {
    Classification c =
        classify("{\"model_type\":\"bert\",\"architectures\":[\"GPT2LMHeadModel\"]}");
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(c.confidence()).isEqualTo(Confidence.CATALOGUE_CONFLICT);
    assertThat(c.alsoMatches())
        .extracting(AlsoMatch::family)
        .containsExactly(Family.TRANSFORMER_DECODER);
  }

  @Test
  void classNameAloneIdentifiesAnOldConfigWithoutModelType() {
    Classification c = classify("{\"architectures\":[\"MarianMTModel\"],\"d_model\":512}");
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(c.confidence()).isEqualTo(Confidence.CATALOGUE_BY_CLASS);
  }

  @Test
  void closestFamiliesAreCappedAndSaySo() {
    Classification c =
        classify("{\"model_type\":\"mamba\",\"architectures\":[\"MambaForCausalLM\"]}");
    assertThat(c.family()).isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(c.confidence()).isLessThanOrEqualTo(Confidence.CLOSEST);
    assertThat(c.evidence())
        .anySatisfy(e -> assertThat(e.meaning()).contains("nearest guideline family"));
  }

  @Test
  void unknownModelTypeFallsBackToStructuralHints() {
    assertThat(classify("{\"model_type\":\"acme\",\"is_encoder_decoder\":true}").family())
        .isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(
            classify("{\"model_type\":\"acme\",\"architectures\":[\"AcmeForCausalLM\"]}").family())
        .isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(
            classify("{\"model_type\":\"acme\",\"auto_map\":{\"AutoModelForCausalLM\":\"m.Acme\"}}")
                .family())
        .isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(
            classify(
                    "{\"model_type\":\"acme\",\"patch_size\":16,\"image_size\":224,\"num_attention_heads\":12}")
                .family())
        .isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(
            classify(
                    "{\"model_type\":\"acme\",\"hidden_sizes\":[64,128],\"depths\":[2,2],\"num_channels\":3}")
                .family())
        .isEqualTo(Family.CNN);
  }

  @Test
  void anUnknownModelStaysUnknownWithTheReasons() {
    Classification c = classify("{\"model_type\":\"acme\",\"hidden_size\":64}");
    assertThat(c.family()).isEqualTo(Family.UNKNOWN);
    assertThat(c.confidence()).isZero();
    assertThat(c.evidence())
        .extracting(Evidence::meaning)
        .anySatisfy(m -> assertThat(m).contains("not one of the"))
        .anySatisfy(m -> assertThat(m).contains("no is_encoder_decoder"));
  }

  @Test
  void diffusersComponentConfigIsADiffusionModel() {
    Classification c =
        classify("{\"_class_name\":\"UNet2DConditionModel\",\"cross_attention_dim\":768}");
    assertThat(c.family()).isEqualTo(Family.DIFFUSION);
    assertThat(c.evidence())
        .extracting(Evidence::key)
        .contains("_class_name", "cross_attention_dim");
  }

  @Test
  void tensorNamesDecideWhenThereIsNoConfig() {
    assertThat(byNames("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "fc.weight"))
        .isEqualTo(Family.LSTM);
    assertThat(byNames("time_embedding.linear_1.weight", "down_blocks.0.resnets.0.conv1.weight"))
        .isEqualTo(Family.DIFFUSION);
    assertThat(
            byNames(
                "encoder.layer.0.attention.self.query.weight", "embeddings.word_embeddings.weight"))
        .isEqualTo(Family.TRANSFORMER_ENCODER);
    assertThat(byNames("h.0.attn.c_attn.weight", "wte.weight"))
        .isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(byNames("model.layers.0.self_attn.q_proj.weight", "lm_head.weight"))
        .isEqualTo(Family.TRANSFORMER_DECODER);
    assertThat(
            byNames(
                "encoder.block.0.layer.0.SelfAttention.q.weight",
                "decoder.block.0.layer.1.EncDecAttention.q.weight"))
        .isEqualTo(Family.TRANSFORMER_ENCODER_DECODER);
    assertThat(byNames("patch_embed.proj.weight", "blocks.0.attn.qkv.weight", "cls_token"))
        .isEqualTo(Family.VISION_TRANSFORMER);
    assertThat(
            byNames(
                "backbone.body.conv1.weight",
                "rpn.head.conv.0.0.weight",
                "roi_heads.box_head.fc6.weight"))
        .isEqualTo(Family.R_CNN);
    assertThat(byNames("some.thing", "other.thing")).isEqualTo(Family.UNKNOWN);
  }

  @Test
  void convolutionKernelsWithoutAttentionAreACnn() {
    List<TensorInfo> t =
        List.of(
            tensor("conv1.weight", 64, 3, 7, 7),
            tensor("layer1.0.conv1.weight", 64, 64, 1, 1),
            tensor("fc.weight", 1000, 2048));
    assertThat(CLASSIFIER.classify(profile(Optional.empty(), t)).family()).isEqualTo(Family.CNN);
  }

  @Test
  void aCnnFrontEndBeforeAnLstmIsAnLstmThatAlsoMatchesCnn() {
    List<TensorInfo> t =
        List.of(
            tensor("cnn.0.weight", 32, 1, 3, 3),
            tensor("rnn.weight_ih_l0", 512, 32),
            tensor("rnn.weight_hh_l0", 512, 128));
    Classification c = CLASSIFIER.classify(profile(Optional.empty(), t));
    assertThat(c.family()).isEqualTo(Family.LSTM);
    assertThat(c.alsoMatches()).extracting(AlsoMatch::family).containsExactly(Family.CNN);
  }

  private static Family byNames(String... names) {
    List<TensorInfo> t = new ArrayList<>();
    for (String n : names) {
      t.add(tensor(n, 4, 4));
    }
    return CLASSIFIER.classify(profile(Optional.empty(), t)).family();
  }

  private static TensorInfo tensor(String name, long... shape) {
    List<Long> s = new ArrayList<>();
    long n = 1;
    for (long d : shape) {
      s.add(d);
      n *= d;
    }
    return new TensorInfo(name, DType.F32, s, n, n * 4, "model.safetensors");
  }

  private static Classification classify(String json) {
    try {
      return CLASSIFIER.classify(
          profile(Optional.of(new HfConfig("config.json", JSON.readTree(json))), List.of()));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static ModelProfile profile(Optional<HfConfig> config, List<TensorInfo> tensors) {
    return new ModelProfile(
        "m",
        ModelFormat.HF,
        Framework.PYTORCH,
        WeightSummary.fromTensors(tensors, "test"),
        tensors,
        Optional.of(new HfMetadata(config, Optional.empty(), List.of())),
        Optional.empty(),
        List.of(),
        List.of());
  }
}
