package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import java.util.List;
import java.util.Optional;

/**
 * Guesses a family from the shape of a configuration the catalogue does not know, for example a
 * remote-code model. Each hint records the key that decided it; none of them reaches the confidence
 * of a catalogue match.
 */
final class StructuralHints {
  private StructuralHints() {}

  static void apply(HfConfig c, FamilyTally v) {
    String f = c.file();
    if (c.bool("is_encoder_decoder").orElse(false)) {
      v.evidence(
          f, c.keyPath("is_encoder_decoder"), "true", "the model has an encoder and a decoder");
      v.decide(Family.TRANSFORMER_ENCODER_DECODER, Confidence.STRUCTURE_STRONG);
      return;
    }
    List<String> archs = c.strings("architectures");
    for (String a : archs) {
      if (a.endsWith("ForCausalLM") || a.endsWith("LMHeadModel")) {
        v.evidence(
            f,
            c.keyPath("architectures"),
            HfConfigClassifier.quote(a),
            "a causal language-model head generates token by token");
        v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
        return;
      }
      if (a.endsWith("ForMaskedLM")) {
        v.evidence(
            f,
            c.keyPath("architectures"),
            HfConfigClassifier.quote(a),
            "a masked-LM head belongs to an encoder");
        v.decide(Family.TRANSFORMER_ENCODER, Confidence.STRUCTURE_WEAK);
        return;
      }
    }
    Optional<String> autoCausal =
        c.child("auto_map").flatMap(m -> m.string("AutoModelForCausalLM"));
    if (autoCausal.isPresent()) {
      v.evidence(
          f,
          c.keyPath("auto_map.AutoModelForCausalLM"),
          HfConfigClassifier.quote(autoCausal.get()),
          "remote code registers a causal language model");
      v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
      return;
    }
    Optional<String> autoSeq2Seq =
        c.child("auto_map").flatMap(m -> m.string("AutoModelForSeq2SeqLM"));
    if (autoSeq2Seq.isPresent()) {
      v.evidence(
          f,
          c.keyPath("auto_map.AutoModelForSeq2SeqLM"),
          HfConfigClassifier.quote(autoSeq2Seq.get()),
          "remote code registers a sequence-to-sequence model");
      v.decide(Family.TRANSFORMER_ENCODER_DECODER, Confidence.STRUCTURE_WEAK);
      return;
    }
    boolean attention = c.has("num_attention_heads") || c.has("num_heads") || c.has("n_head");
    if (c.has("patch_size") && c.has("image_size") && attention) {
      v.evidence(
          f,
          c.keyPath("patch_size"),
          c.shown("patch_size").orElse(""),
          "images are cut into patches for attention heads ("
              + c.shown("image_size").orElse("")
              + " px images)");
      v.decide(Family.VISION_TRANSFORMER, Confidence.STRUCTURE_WEAK);
      return;
    }
    if (c.has("hidden_sizes") && c.has("depths") && !attention && c.has("num_channels")) {
      v.evidence(
          f,
          c.keyPath("hidden_sizes"),
          c.shown("hidden_sizes").orElse(""),
          "staged channel widths without attention heads: a convolutional backbone");
      v.decide(Family.CNN, Confidence.STRUCTURE_WEAK);
      return;
    }
    v.evidence(
        f,
        "(structure)",
        "no decisive keys",
        "no is_encoder_decoder, language-model head, auto_map, patch size or convolutional stages to go on");
  }
}
