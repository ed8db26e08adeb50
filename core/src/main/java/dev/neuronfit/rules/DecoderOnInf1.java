package dev.neuronfit.rules;

import dev.neuronfit.kb.Section;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig.KeyValue;
import java.util.List;
import java.util.Optional;

/**
 * Decoder and sequence-to-sequence models on inf1: the decoder runs once per output token and is
 * memory-bound, so the guideline expects good results only with a short maximum decoder length such
 * as 128. Compares the model's own position limit and configured generation length with that.
 */
public final class DecoderOnInf1 extends Rule {
  static final int GUIDELINE_LENGTH = 128;

  public DecoderOnInf1() {
    super(
        new RuleInfo(
            "decoder-on-inf1",
            "Token-by-token decoding is memory-bound on NeuronCore-v1; best with a short decoder length (e.g. 128)",
            Severity.WARNING,
            List.of("inf1"),
            List.of(),
            List.of(Family.TRANSFORMER_DECODER, Family.TRANSFORMER_ENCODER_DECODER),
            List.of(GuidelineSections.DECODER_INF1, GuidelineSections.ENCODER_DECODER_INF1),
            List.of(),
            "0.1.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (!ctx.family().decodesTokenByToken() || ctx.target("inf1").isEmpty()) {
      return List.of();
    }
    Optional<KeyValue> positions = DecoderLength.positions(ctx.profile());
    Optional<KeyValue> generation = DecoderLength.generation(ctx.profile());
    String observed =
        positions
                .map(p -> "decoder positions up to " + p.value() + " (" + p.key() + ")")
                .orElse("decoder length not stated in the config")
            + generation.map(g -> "; generation max_length " + g.value()).orElse("");
    boolean longer = positions.map(p -> p.value() > GUIDELINE_LENGTH).orElse(true);
    Severity severity = longer ? Severity.WARNING : Severity.INFO;
    String message =
        positions
            .map(
                p ->
                    p.value() > GUIDELINE_LENGTH
                        ? "The decoder can run for "
                            + p.value()
                            + " positions, "
                            + ratio(p.value())
                            + " the guideline's example of "
                            + GUIDELINE_LENGTH
                            + "; each generated token is a memory-bound decoder pass on inf1."
                        : "The decoder is limited to "
                            + p.value()
                            + " positions, within the guideline's short-length example of "
                            + GUIDELINE_LENGTH
                            + ".")
            .orElse(
                "Each generated token is a memory-bound decoder pass on inf1, and the config does not state the decoder's length limit.");
    Section section =
        ctx.family() == Family.TRANSFORMER_DECODER
            ? GuidelineSections.DECODER_INF1
            : GuidelineSections.ENCODER_DECODER_INF1;
    return List.of(
        finding(ctx, section)
            .severity(severity)
            .target("inf1")
            .message(message)
            .observed(observed)
            .guideline(
                "The decoder runs once per output token and goes back to device memory each time, so these models are not a good fit for NeuronCore-v1 and do best only when the maximum decoder sequence length is short (128 in the guideline's example).")
            .advice(
                longer
                    ? "Prefer trn1 or inf2 (NeuronCore-v2). On inf1, compile the decoder for the shortest output your task allows, ideally "
                        + GUIDELINE_LENGTH
                        + " tokens or fewer."
                    : "If you must use inf1, keep the compiled decoder length at this size; NeuronCore-v2 remains the better fit.")
            .build());
  }

  private static String ratio(long length) {
    double r = (double) length / GUIDELINE_LENGTH;
    if (r < 1.1) {
      return "just over";
    }
    return (r == Math.rint(r)
            ? Long.toString((long) r)
            : String.format(java.util.Locale.ROOT, "%.1f", r))
        + " times";
  }
}
