package dev.neuronfit.rules;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfConfig.KeyValue;
import java.util.List;
import java.util.Optional;

/**
 * Sequence-to-sequence models are not supported on inf1 out of the box; they can run when the
 * encoder and the decoder are wrapped and traced separately, as the Neuron MarianMT tutorial does.
 */
public final class Seq2seqWrappingOnInf1 extends Rule {
  public Seq2seqWrappingOnInf1() {
    super(
        new RuleInfo(
            "seq2seq-wrapping-on-inf1",
            "Sequence-to-sequence models need the encoder and decoder wrapped separately on inf1",
            Severity.WARNING,
            List.of("inf1"),
            List.of("torch-neuron"),
            List.of(Family.TRANSFORMER_ENCODER_DECODER),
            List.of(GuidelineSections.ENCODER_DECODER_INF1),
            List.of(),
            "0.1.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (ctx.family() != Family.TRANSFORMER_ENCODER_DECODER || ctx.target("inf1").isEmpty()) {
      return List.of();
    }
    Optional<HfConfig> c = ctx.profile().hf().flatMap(h -> h.config());
    Optional<KeyValue> enc = c.flatMap(x -> x.firstInteger("encoder_layers", "num_layers"));
    Optional<KeyValue> dec =
        c.flatMap(x -> x.firstInteger("decoder_layers", "num_decoder_layers", "num_layers"));
    String observed =
        enc.isPresent() && dec.isPresent()
            ? "an encoder of "
                + enc.get().value()
                + " layers ("
                + enc.get().key()
                + ") and a decoder of "
                + dec.get().value()
                + " layers ("
                + dec.get().key()
                + ")"
            : "an encoder-decoder model ("
                + ctx.classification().evidence().stream()
                    .findFirst()
                    .map(e -> e.key() + " = " + e.value())
                    .orElse("see evidence")
                + ")";
    boolean marian = c.flatMap(x -> x.string("model_type")).filter("marian"::equals).isPresent();
    return List.of(
        finding(ctx)
            .target("inf1")
            .message(
                "No Neuron package compiles this sequence-to-sequence model for inf1 as one piece.")
            .observed(observed)
            .guideline(
                "Sequence-to-sequence models are not supported on Inferentia out of the box; they can be run by defining wrappers around the encoder and the decoder.")
            .advice(
                (marian
                        ? "This is a Marian model, the architecture of the Neuron MarianMT tutorial (aws-neuron-sdk src/examples/pytorch/transformers-marianmt.ipynb, linked from the fit page): follow it. "
                        : "")
                    + "Trace the encoder once and the decoder step as separate wrapped modules with fixed shapes, and drive the generation loop from Python; or use trn1/inf2 (`neuronfit check --target inf2` shows its fit).")
            .build());
  }
}
