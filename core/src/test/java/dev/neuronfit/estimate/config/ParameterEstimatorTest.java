package dev.neuronfit.estimate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.Estimate;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks the config-only parameter estimates of the bundled example configs against the parameter
 * counts the published checkpoints really have (as reported by {@code model.num_parameters()} in
 * transformers/diffusers, or by torchvision for ResNet-50).
 */
class ParameterEstimatorTest {
  private static final Inspector INSPECTOR =
      new Inspector(KnowledgeBase.load(), ReadLimits.DEFAULT);

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    // bert-base-uncased as BertForMaskedLM (no pooler, MLM head with tied decoder)
    "bert-base-uncased, 109514298",
    // roberta-base as RobertaForMaskedLM
    "roberta-base, 124697433",
    "gpt2, 124439808",
    "llama-2-7b, 6738415616",
    "t5-small, 60506624",
    "t5-11b, 11307321344",
    "bart-large-cnn, 406290432",
    "whisper-tiny, 37760640",
    "vit-base-patch16-224, 86567656",
    "swin-tiny-patch4-window7-224, 28288354",
    "resnet-50, 25557032",
    "convnext-tiny-224, 28589128",
    // unet 859,520,964 + text_encoder 123,060,480 + vae 83,653,863
    "stable-diffusion-v1-5, 1066235307",
  })
  void estimatesMatchThePublishedParameterCounts(String example, long published)
      throws IOException {
    assertThat(estimate(example).parameters()).isEqualTo(published);
  }

  @Test
  void marianCountIncludesItsStoredSinusoidalPositions() throws IOException {
    // opus-mt-en-de, worked by hand: shared embeddings 58101 x 512 = 29,747,712; two frozen
    // sinusoidal tables 2 x 512 x 512 = 524,288; encoder layer 3,152,384 x 6 = 18,914,304;
    // decoder layer 4,204,032 x 6 = 25,224,192
    assertThat(estimate("opus-mt-en-de").parameters()).isEqualTo(74_410_496L);
  }

  @Test
  void givesNoEstimateForADecoderWithoutAKnownLayout() throws IOException {
    // ChatGLM (remote code) fuses its MLP differently from both GPT-2 and Llama
    Report r =
        INSPECTOR.report(read("chatglm2-6b"), KnowledgeBase.load().defaultEdition(), Selection.ALL);
    assertThat(r.model().estimate()).isEmpty();
    assertThat(r.model().weights().parameters()).isEmpty();
  }

  @Test
  void bytesUseTheDtypeTheConfigDeclares() throws IOException {
    Estimate llama = estimate("llama-2-7b");
    assertThat(llama.dtype()).isEqualTo(DType.F16);
    assertThat(llama.bytes()).isEqualTo(2 * 6_738_415_616L);
    assertThat(estimate("gpt2").dtype()).isEqualTo(DType.F32);
  }

  @Test
  void theEstimateOfTheTinyLlamaEqualsTheCountInItsShardHeaders() throws IOException {
    Report r =
        INSPECTOR.report(
            read("tiny-llama-2-sharded"), KnowledgeBase.load().defaultEdition(), Selection.ALL);
    long fromHeaders = r.model().weights().parameters().getAsLong();
    Estimate e = ParameterEstimator.estimate(read("tiny-llama-2-sharded")).orElseThrow();
    assertThat(e.parameters()).isEqualTo(fromHeaders).isEqualTo(326_208L);
  }

  @TempDir Path dir;

  /** distilbert-base-uncased's config.json under another architecture, with these extra keys. */
  private long distilbert(String architecture, String extra) throws IOException {
    Path d = Files.createDirectories(dir.resolve(architecture));
    Files.writeString(
        d.resolve("config.json"),
        """
        {"architectures": ["%s"], "model_type": "distilbert", "activation": "gelu", "dim": 768,
         "hidden_dim": 3072, "max_position_embeddings": 512, "n_heads": 12, "n_layers": 6,
         "sinusoidal_pos_embds": false, "vocab_size": 30522%s}
        """
            .formatted(architecture, extra));
    return ParameterEstimator.estimate(new HfReader().read(d, ReadLimits.DEFAULT))
        .orElseThrow()
        .parameters();
  }

  @Test
  void distilbertCountsItsSequenceClassificationHeadOnlyWhenTheConfigNamesOne() throws IOException {
    // DistilBertModel: 66,362,880 (distilbert-base-uncased without its MLM head)
    assertThat(distilbert("DistilBertModel", "")).isEqualTo(66_362_880L);
    // DistilBertForSequenceClassification adds pre_classifier (768 x 768 + 768) and classifier
    // (768 x labels + labels): 66,955,010 with two labels, as model.num_parameters() gives for
    // distilbert-base-uncased-finetuned-sst-2-english
    assertThat(
            distilbert(
                "DistilBertForSequenceClassification",
                ", \"id2label\": {\"0\": \"NEGATIVE\", \"1\": \"POSITIVE\"}"))
        .isEqualTo(66_955_010L);
    assertThat(distilbert("DistilBertForSequenceClassification", ", \"num_labels\": 5"))
        .isEqualTo(66_362_880L + 768 * 768 + 768 + 768 * 5 + 5);
    // a question-answering or masked-LM DistilBERT is not a sequence classifier
    assertThat(distilbert("DistilBertForQuestionAnswering", ", \"num_labels\": 5"))
        .isEqualTo(66_362_880L);
  }

  @Test
  void aNumberOfLabelsOutOfRangeSkipsTheEstimate() throws IOException {
    Path d = Files.createDirectories(dir.resolve("hostile"));
    Files.writeString(
        d.resolve("config.json"),
        """
        {"architectures": ["DistilBertForSequenceClassification"], "model_type": "distilbert",
         "dim": 768, "hidden_dim": 3072, "max_position_embeddings": 512, "n_heads": 12,
         "n_layers": 6, "vocab_size": 30522, "num_labels": -3}
        """);
    assertThat(ParameterEstimator.estimate(new HfReader().read(d, ReadLimits.DEFAULT))).isEmpty();
  }

  private static Estimate estimate(String example) throws IOException {
    ModelProfile profile = read(example);
    Report r = INSPECTOR.report(profile, KnowledgeBase.load().defaultEdition(), Selection.ALL);
    return r.model().estimate().orElseThrow(() -> new AssertionError("no estimate for " + example));
  }

  private static ModelProfile read(String example) throws IOException {
    return new HfReader().read(TestFiles.examples().resolve(example), ReadLimits.DEFAULT);
  }
}
