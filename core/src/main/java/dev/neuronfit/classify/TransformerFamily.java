package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which transformer family attention blocks make: a generation op decides by the model it runs;
 * otherwise cross-attention makes an encoder-decoder, a causal mask or a KV cache a decoder, a
 * patch embedding (or an image input) a vision transformer, and bidirectional attention over tokens
 * an encoder. One attention block counts as a model only with a token or patch embedding; alone it
 * is a fragment.
 */
final class TransformerFamily {
  private final GraphIndex g;
  private final AttentionSignals att;
  private final SequenceSignals seq;
  private final ConvSignals conv;
  private final GraphEvidence text;

  TransformerFamily(
      GraphIndex g,
      AttentionSignals att,
      SequenceSignals seq,
      ConvSignals conv,
      GraphEvidence text) {
    this.g = g;
    this.att = att;
    this.seq = seq;
    this.conv = conv;
    this.text = text;
  }

  /** Two blocks, or one with a token or patch embedding that makes it a whole model. */
  boolean enough() {
    int n = att.blocks.size();
    return n >= 2
        || (n == 1 && (!seq.tokenEmbeddings.isEmpty() || !conv.patchEmbeddings.isEmpty()));
  }

  Optional<FamilyCall> call() {
    if (!seq.generation.isEmpty()) {
      return Optional.of(generation(seq.generation.get(0)));
    }
    if (!enough()) {
      return Optional.empty();
    }
    List<Evidence> e = new ArrayList<>();
    e.add(blocks());
    if (!seq.tokenEmbeddings.isEmpty()) {
      e.add(
          text.of(
              "token embedding",
              text.nodes(seq.tokenEmbeddings),
              "token ids looked up in a table"));
    }
    List<AttentionSignals.Block> causal = att.causal();
    List<AttentionSignals.Block> cache = att.kvCache();
    boolean kv = !cache.isEmpty() || seq.kvCacheSignature();
    Family f;
    boolean strong;
    if (!att.cross().isEmpty()) {
      e.add(cross(att, text, "decoder blocks attend to a second sequence (the encoder's output)"));
      f = Family.TRANSFORMER_ENCODER_DECODER;
      strong = att.cross().size() < att.blocks.size();
    } else if (!causal.isEmpty() || kv) {
      f = Family.TRANSFORMER_DECODER;
      strong = !causal.isEmpty() || !seq.tokenEmbeddings.isEmpty();
    } else if (!conv.patchEmbeddings.isEmpty()) {
      int p = conv.patchEmbeddings.get(0);
      e.add(
          text.of(
              "patch embedding",
              text.nodes(conv.patchEmbeddings)
                  + " kernel "
                  + g.intsAttr(p, "kernel_shape")
                  + " stride "
                  + g.intsAttr(p, "strides"),
              "the image is cut into patches by a Conv whose stride equals its kernel"));
      f = Family.VISION_TRANSFORMER;
      strong = true;
    } else if (!conv.images.isEmpty()) {
      e.add(
          text.of(
              "image input",
              conv.images.get(0).name() + " " + conv.images.get(0).shapeText(),
              "attention over an image, without a patch-embedding Conv"));
      f = Family.VISION_TRANSFORMER;
      strong = false;
    } else {
      e.add(
          text.of(
              "causal mask",
              "none (no Trilu, triangular constant, position comparison or causal attribute)",
              "every position attends to every other: bidirectional encoder attention"));
      f = Family.TRANSFORMER_ENCODER;
      strong = !seq.tokenEmbeddings.isEmpty() && att.blocks.size() >= 2;
    }
    if (!causal.isEmpty()) {
      e.add(
          text.of(
              "causal mask",
              causal.size()
                  + " of "
                  + att.blocks.size()
                  + " blocks, e.g. "
                  + causal.get(0).causal().orElseThrow(),
              "each position attends only to earlier positions (autoregressive decoding)"));
    }
    if (kv) {
      e.add(
          text.of(
              "KV cache",
              !cache.isEmpty()
                  ? cache.get(0).kvCache().orElseThrow()
                  : "inputs " + seq.pastInputs + ", outputs " + seq.presentOutputs,
              "keys and values of earlier tokens are fed back: incremental decoding"));
    }
    return Optional.of(
        new FamilyCall(
            f, FamilyCall.confidence(strong), e, att.blocks.size() + " attention blocks"));
  }

  /** BeamSearch and its kin run a whole model; their attributes say which kind. */
  private FamilyCall generation(int n) {
    boolean encDec = SequenceSignals.encoderDecoderGeneration(g, n);
    return new FamilyCall(
        encDec ? Family.TRANSFORMER_ENCODER_DECODER : Family.TRANSFORMER_DECODER,
        Confidence.STRUCTURE_STRONG,
        List.of(
            text.of(
                "generation op",
                g.op(n) + " " + g.label(n) + " (model_type=" + g.intAttr(n, "model_type", 0) + ")",
                encDec
                    ? "runs an encoder once, then a decoder token by token"
                    : "runs a decoder token by token")),
        "a " + g.op(n) + " generation loop");
  }

  private Evidence blocks() {
    List<AttentionSignals.Block> fused = att.fusedBlocks();
    int decomposed = att.blocks.size() - fused.size();
    String value =
        (decomposed > 0 ? decomposed + " MatMul → Softmax → MatMul" : "")
            + (decomposed > 0 && !fused.isEmpty() ? " and " : "")
            + (fused.isEmpty()
                ? ""
                : fused.size()
                    + " fused ("
                    + text.ops(fused.stream().map(AttentionSignals.Block::node).toList())
                    + ")")
            + ", e.g. "
            + g.label(att.blocks.get(0).node());
    return text.of("attention blocks", value, "scaled dot-product attention");
  }

  /** The cross-attention blocks, for an encoder-decoder or a conditioned denoiser. */
  static Evidence cross(AttentionSignals att, GraphEvidence text, String meaning) {
    List<AttentionSignals.Block> cross = att.cross();
    return text.of(
        "cross-attention",
        cross.size()
            + " block"
            + (cross.size() == 1 ? "" : "s")
            + ", e.g. "
            + text.label(cross.get(0).node())
            + ": "
            + cross.get(0).cross().orElseThrow(),
        meaning);
  }
}
