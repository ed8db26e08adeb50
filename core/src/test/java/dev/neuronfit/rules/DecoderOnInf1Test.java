package dev.neuronfit.rules;

import static dev.neuronfit.rules.RuleFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.model.Family;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecoderOnInf1Test {
  private static final String DECODER_SECTION =
      "Decoder models, or autoregressive models with Transformers › Inferentia";
  private static final String SEQ2SEQ_SECTION =
      "Encoder-decoder models, or sequence-to-sequence models with Transformers › Inferentia";

  private final Rule rule = new DecoderOnInf1();

  private List<Finding> decoder(String config) {
    return rule.check(model().family(Family.TRANSFORMER_DECODER).config(config).context());
  }

  @Test
  void warnsWhenTheDecoderRunsLongerThan128Positions() {
    List<Finding> findings =
        decoder(
            "{\"model_type\": \"gpt2\", \"n_positions\": 1024, \"n_ctx\": 1024, \"max_length\": 50}");

    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.rule()).isEqualTo("decoder-on-inf1");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed())
        .isEqualTo("decoder positions up to 1024 (n_positions); generation max_length 50");
    assertThat(f.message()).contains("1024 positions").contains("8 times").contains("128");
    assertThat(f.source()).contains("@v2.11.0").contains(DECODER_SECTION);
    assertThat(f.advice()).contains("trn1 or inf2");
  }

  @Test
  void isOnlyInformationalAt128PositionsOrFewer() {
    Finding f = decoder("{\"max_position_embeddings\": 128}").get(0);

    assertThat(f.rule()).isEqualTo("decoder-on-inf1");
    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed()).contains("128 (max_position_embeddings)");
    assertThat(f.message()).contains("limited to 128 positions");
  }

  @Test
  void warnsFromOnePositionAbove128() {
    Finding f = decoder("{\"max_position_embeddings\": 129}").get(0);

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.message()).contains("129 positions");
  }

  @Test
  void warnsWhenTheConfigDoesNotStateTheDecoderLength() {
    Finding f = decoder("{\"model_type\": \"mystery\"}").get(0);

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.observed()).isEqualTo("decoder length not stated in the config");
  }

  @Test
  void leavesOutTheTransformersDefaultGenerationLength() {
    Finding f = decoder("{\"n_positions\": 2048, \"max_length\": 20}").get(0);

    assertThat(f.observed()).isEqualTo("decoder positions up to 2048 (n_positions)");
  }

  @Test
  void readsTheTextPartOfAMultimodalConfig() {
    Finding f =
        decoder("{\"model_type\": \"llava\", \"text_config\": {\"max_position_embeddings\": 4096}}")
            .get(0);

    assertThat(f.observed()).contains("4096 (text_config.max_position_embeddings)");
    assertThat(f.message()).contains("32 times");
  }

  @Test
  void encoderDecoderModelCitesTheSequenceToSequenceSection() {
    Finding f =
        rule.check(
                model()
                    .family(Family.TRANSFORMER_ENCODER_DECODER)
                    .config(
                        "{\"model_type\": \"whisper\", \"max_source_positions\": 1500,"
                            + " \"max_target_positions\": 448}")
                    .context())
            .get(0);

    assertThat(f.rule()).isEqualTo("decoder-on-inf1");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.target()).contains("inf1");
    assertThat(f.observed()).contains("448 (max_target_positions)").doesNotContain("1500");
    assertThat(f.message()).contains("3.5 times");
    assertThat(f.source()).contains(SEQ2SEQ_SECTION).doesNotContain(DECODER_SECTION);
  }

  @Test
  void readsTheDecoderPartOfACompositeEncoderDecoderConfig() {
    Finding f =
        rule.check(
                model()
                    .family(Family.TRANSFORMER_ENCODER_DECODER)
                    .config(
                        "{\"model_type\": \"encoder-decoder\","
                            + " \"encoder\": {\"model_type\": \"bert\"},"
                            + " \"decoder\": {\"model_type\": \"gpt2\", \"n_positions\": 96}}")
                    .context())
            .get(0);

    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.observed()).contains("96 (decoder.n_positions)");
  }

  @Test
  void doesNotFireForAnEncoder() {
    assertThat(
            rule.check(
                model()
                    .family(Family.TRANSFORMER_ENCODER)
                    .config("{\"model_type\": \"bert\", \"max_position_embeddings\": 512}")
                    .context()))
        .isEmpty();
  }

  @Test
  void doesNotFireWhenInf1IsNotSelected() {
    assertThat(
            rule.check(
                model()
                    .family(Family.TRANSFORMER_DECODER)
                    .config("{\"n_positions\": 1024}")
                    .targets("trn1", "inf2")
                    .context()))
        .isEmpty();
  }
}
