package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.classify.Evidence;
import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class Seq2seqWrappingOnInf1Test {
  private final Rule rule = new Seq2seqWrappingOnInf1();

  private List<Finding> seq2seq(String config) {
    return rule.check(model().family(Family.TRANSFORMER_ENCODER_DECODER).config(config).context());
  }

  @Test
  void firesForT5WithItsLayerCounts() {
    List<Finding> findings =
        seq2seq("{\"model_type\": \"t5\", \"num_layers\": 24, \"num_decoder_layers\": 12}");

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("seq2seq-wrapping-on-inf1");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .isEqualTo(
            "an encoder of 24 layers (num_layers) and a decoder of 12 layers (num_decoder_layers)");
    assertThat(f.source())
        .contains(
            "Encoder-decoder models, or sequence-to-sequence models with Transformers › Inferentia");
    assertThat(f.advice()).doesNotContain("MarianMT");
  }

  @Test
  void firesForBartWithEncoderAndDecoderLayerKeys() {
    Finding f =
        seq2seq("{\"model_type\": \"bart\", \"encoder_layers\": 12, \"decoder_layers\": 3}").get(0);

    assertThat(f.observed())
        .isEqualTo(
            "an encoder of 12 layers (encoder_layers) and a decoder of 3 layers (decoder_layers)");
  }

  @Test
  void pointsAMarianModelToTheMarianMtTutorial() {
    Finding f =
        seq2seq("{\"model_type\": \"marian\", \"encoder_layers\": 6, \"decoder_layers\": 6}")
            .get(0);

    assertThat(f.advice()).startsWith("This is a Marian model").contains("MarianMT tutorial");
  }

  @Test
  void namesTheClassificationEvidenceWhenTheConfigGivesNoLayerCounts() {
    Finding f =
        rule.check(
                model()
                    .family(Family.TRANSFORMER_ENCODER_DECODER)
                    .evidence(
                        new Evidence(
                            "model.safetensors",
                            "tensor names",
                            "36 tensors matching cross-attention",
                            "a decoder that attends to an encoder"))
                    .context())
            .get(0);

    assertThat(f.observed())
        .isEqualTo("an encoder-decoder model (tensor names = 36 tensors matching cross-attention)");
  }

  @Test
  void doesNotFireForADecoderOnlyModel() {
    assertThat(
            rule.check(
                model()
                    .family(Family.TRANSFORMER_DECODER)
                    .config("{\"model_type\": \"gpt2\", \"n_layer\": 12}")
                    .context()))
        .isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(
            rule.check(
                model()
                    .family(Family.TRANSFORMER_ENCODER_DECODER)
                    .config("{\"model_type\": \"t5\", \"num_layers\": 6}")
                    .targets("trn1")
                    .context()))
        .isEmpty();
  }
}
