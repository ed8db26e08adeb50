package dev.neuronfit.estimate.config;

import static dev.neuronfit.estimate.config.Exact.add;
import static dev.neuronfit.estimate.config.Exact.mul;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Phase;
import dev.neuronfit.model.HfConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The phases of a transformer at a sequence length, from the layer shapes {@link
 * TransformerLayouts} walks: matrix products of the projections and MLPs per token, plus the
 * attention score and value products per pair of tokens. Normalisation, softmax and activation
 * functions are not counted (a few percent at most).
 */
final class TransformerPhases {
  private TransformerPhases() {}

  /** An encoder (BERT, ViT): one pass over {@code seq} tokens per item. */
  static Work encoder(
      TransformerLayouts.LayerShape s,
      int batch,
      int seq,
      long weightBytes,
      int bytes,
      String method,
      Optional<Integer> image,
      List<String> extra) {
    double macs =
        batch
            * (double) s.layers()
            * (seq * (double) s.projectionMacs() + 2.0 * seq * seq * s.heads() * s.headDim());
    long act = activationBytes(s, batch, seq, bytes);
    List<String> a = new ArrayList<>(extra);
    a.add(Assumptions.encoderAttention(seq));
    // the output hidden states are written once
    long io = (long) batch * seq * s.hidden() * bytes;
    return Work.single(
        macs,
        weightBytes,
        act,
        io,
        batch,
        image.isPresent() ? Optional.empty() : Optional.of(seq),
        image,
        method,
        a);
  }

  /**
   * Experts of a mixture-of-experts decoder, for the bytes of expert weights one step reads.
   *
   * @param expertBytes the bytes of all routed experts' weights, over all layers
   * @param experts routed experts per layer (E)
   * @param active experts each token routes to (k)
   */
  record Experts(long expertBytes, long experts, long active) {
    static final Experts NONE = new Experts(0, 0, 0);

    /**
     * Expected distinct experts {@code tokens} tokens route to: E × (1 − (1 − k/E)^tokens), each
     * token choosing k of E at random.
     */
    double distinct(double tokens) {
      if (experts <= 0) {
        return 0;
      }
      double k = Math.min(active, experts);
      return experts * (1 - Math.pow(1 - k / experts, tokens));
    }

    /** Weight bytes one pass over {@code tokens} tokens reads: dense parts plus routed experts. */
    long weightsRead(long weightBytes, double tokens) {
      if (experts <= 0) {
        return weightBytes;
      }
      // the experts' own estimate never exceeds the weights (layouts that count them differently)
      long routed = Math.min(expertBytes, weightBytes);
      return (long) (weightBytes - routed + routed * distinct(tokens) / experts);
    }
  }

  /**
   * A decoder: prefill of {@code prompt} tokens with the language-model head for the last one, then
   * one decode step at a context of {@code context} tokens (the mean over the generated tokens when
   * the output length is given, else the sequence length). The bytes are only those no run avoids:
   * the weights once per pass (the experts the pass's tokens route to), the KV cache written by
   * prefill and read by each step, and the logits; the KV cache held is for {@code seq} tokens, the
   * compiled maximum.
   */
  static Work decoder(
      TransformerLayouts.LayerShape s,
      long vocab,
      int batch,
      int seq,
      int prompt,
      OptionalInt output,
      double context,
      long weightBytes,
      Experts experts,
      int bytes,
      String method,
      List<String> assumptions) {
    double attnPairs = 2.0 * s.heads() * s.headDim();
    // causal attention: token i attends to i tokens, prompt (prompt + 1) / 2 pairs in all
    double prefill =
        batch
            * ((double) s.layers()
                    * (prompt * (double) s.projectionMacs()
                        + prompt * (prompt + 1.0) / 2 * attnPairs)
                + s.hidden() * (double) vocab);
    double decode =
        batch
            * ((double) s.layers() * (s.projectionMacs() + context * attnPairs)
                + s.hidden() * (double) vocab);
    long kv = mul(batch, s.layers(), seq, s.kvBytesPerToken(bytes));
    double kvPerToken = (double) batch * s.layers() * s.kvBytesPerToken(bytes);
    double logits = (double) batch * vocab * bytes;
    long act = activationBytes(s, batch, prompt, bytes);
    List<Phase> phases =
        List.of(
            new Phase(
                "prefill",
                2 * prefill,
                experts.weightsRead(weightBytes, (double) batch * prompt)
                    + kvPerToken * prompt
                    + logits,
                batch,
                Optional.of(new Phase.Tokens(prompt, output, prompt))),
            new Phase(
                "decode",
                2 * decode,
                experts.weightsRead(weightBytes, batch) + kvPerToken * context + logits,
                batch,
                Optional.of(new Phase.Tokens(prompt, output, context))));
    return new Work(
        phases, act, kv, Optional.of(seq), Optional.empty(), method, List.copyOf(assumptions));
  }

  /**
   * A sequence-to-sequence model: prefill encodes {@code src} source tokens, or audio frames as
   * {@code srcUnit} says (and projects the cross-attention keys and values once); decode is one
   * decoder step at a target context of {@code tgt} tokens attending to the {@code src} encoder
   * outputs.
   */
  static Work encoderDecoder(
      TransformerLayouts.LayerShape enc,
      TransformerLayouts.LayerShape dec,
      long vocab,
      int batch,
      int src,
      Phase.InputUnit srcUnit,
      OptionalInt output,
      int tgt,
      long extraEncoderMacs,
      long weightBytes,
      int bytes,
      String method) {
    double encMacs =
        batch
            * (enc.layers()
                    * (src * (double) enc.projectionMacs()
                        + 2.0 * src * src * enc.heads() * enc.headDim())
                + extraEncoderMacs);
    // cross-attention: K and V of the encoder output, projected once per decoder layer
    double crossKv =
        batch * (double) dec.layers() * src * 2.0 * dec.hidden() * dec.heads() * dec.headDim();
    // one decoder step: self-attention and MLP projections, cross-attention Q and output, scores
    double step =
        batch
            * ((double) dec.layers()
                    * (dec.projectionMacs()
                        + 2.0 * dec.hidden() * dec.heads() * dec.headDim()
                        + 2.0 * tgt * dec.heads() * dec.headDim()
                        + 2.0 * src * dec.heads() * dec.headDim())
                + dec.hidden() * (double) vocab);
    long kv = mul(batch, dec.layers(), (long) tgt + src, dec.kvBytesPerToken(bytes));
    long act = activationBytes(enc, batch, src, bytes);
    List<Phase> phases =
        List.of(
            new Phase(
                "prefill",
                2 * (encMacs + crossKv),
                add(weightBytes, mul(batch, dec.layers(), src, dec.kvBytesPerToken(bytes))),
                batch,
                Optional.of(new Phase.Tokens(src, output, src, srcUnit))),
            new Phase(
                "decode",
                2 * step,
                add(weightBytes, kv),
                batch,
                Optional.of(new Phase.Tokens(src, output, tgt, srcUnit))));
    return new Work(
        phases,
        act,
        kv,
        Optional.of(src),
        Optional.empty(),
        method,
        Assumptions.encoderDecoderPhases(src, srcUnit, tgt));
  }

  /**
   * Activations that cross layers: each layer reads its input hidden states and writes its output
   * once. Intermediates inside a layer (Q, K, V, attention probabilities, the MLP's wide tensors)
   * are assumed to stay in on-chip memory, as fused kernels keep them; an unfused run moves more.
   */
  static long activationBytes(TransformerLayouts.LayerShape s, int batch, int seq, int bytes) {
    return mul(2, batch, s.layers(), seq, s.hidden(), bytes);
  }

  /** The configured sequence length, or the model's position limit. */
  static Optional<Integer> positions(HfConfig c, String... keys) {
    for (String k : keys) {
      if (c.integer(k).isPresent()) {
        return Optional.of((int) Math.min(Integer.MAX_VALUE, c.integer(k).getAsLong()));
      }
    }
    return Optional.empty();
  }
}
