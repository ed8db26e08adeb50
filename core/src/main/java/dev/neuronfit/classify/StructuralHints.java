package dev.neuronfit.classify;

import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import java.util.List;
import java.util.Optional;

/**
 * Guesses a family from the shape of a configuration the catalogue does not know, for example a
 * remote-code model or a model type newer than the catalogue. The signals are tried from the most
 * to the least telling: the encoder-decoder flag, head class names (in {@code architectures}, then
 * in {@code auto_map}, whose class names may also belong to a catalogued model type), a vision
 * tower beside a text model, the decoder flag, state-space sizes, experts, fields only decoders
 * carry, and the patch or stage sizes of vision models. Each hint records the key that decided it;
 * none of them reaches the confidence of a catalogue match.
 */
final class StructuralHints {
  /** Fields that only decoder-only language models carry (KV heads, rotary positions, ...). */
  private static final List<String> DECODER_FIELDS =
      List.of(
          "num_key_value_heads",
          "rope_theta",
          "rope_scaling",
          "rope_parameters",
          "rms_norm_eps",
          "sliding_window",
          "n_head_kv",
          "num_kv_heads",
          "multi_query");

  /** Keys of Mamba state sizes. */
  private static final List<String> STATE_SPACE_FIELDS =
      List.of("state_size", "ssm_state_size", "d_state", "mamba_d_state");

  /** Keys of the number of routed experts. */
  private static final List<String> EXPERT_FIELDS =
      List.of("n_routed_experts", "num_local_experts", "num_experts", "moe_num_experts");

  private StructuralHints() {}

  static void apply(HfConfig c, HfCatalogue catalogue, FamilyTally v) {
    String f = c.file();
    if (c.bool("is_encoder_decoder").orElse(false)) {
      v.evidence(
          f, c.keyPath("is_encoder_decoder"), "true", "the model has an encoder and a decoder");
      v.decide(Family.TRANSFORMER_ENCODER_DECODER, Confidence.STRUCTURE_STRONG);
      return;
    }
    for (String a : c.strings("architectures")) {
      if (headClass(f, c.keyPath("architectures"), a, c, v)) {
        return;
      }
    }
    if (autoMap(c, catalogue, v)) {
      return;
    }
    if (imageText(c, v)) {
      return;
    }
    if (c.bool("is_decoder").orElse(false)) {
      v.evidence(f, c.keyPath("is_decoder"), "true", "the config declares a decoder");
      v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
      return;
    }
    boolean vocab = c.has("vocab_size");
    Optional<HfConfig.KeyValue> state = c.firstInteger(STATE_SPACE_FIELDS.toArray(String[]::new));
    if (state.isPresent() && vocab) {
      v.evidence(
          f,
          state.get().key(),
          String.valueOf(state.get().value()),
          "state-space (Mamba) mixers over a vocabulary: a language model decoding token by token");
      v.decide(Family.TRANSFORMER_DECODER, Math.min(Confidence.STRUCTURE_WEAK, Confidence.CLOSEST));
      return;
    }
    boolean attention = c.has("num_attention_heads") || c.has("num_heads") || c.has("n_head");
    Optional<HfConfig.KeyValue> experts = c.firstInteger(EXPERT_FIELDS.toArray(String[]::new));
    if (experts.isPresent() && experts.get().value() > 1 && attention && vocab) {
      v.evidence(
          f,
          experts.get().key(),
          String.valueOf(experts.get().value()),
          "routed experts in an attention model over a vocabulary: a mixture-of-experts"
              + " language model");
      v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
      return;
    }
    Optional<String> decoderField = DECODER_FIELDS.stream().filter(c::has).findFirst();
    if (decoderField.isPresent() && attention && vocab && !c.has("type_vocab_size")) {
      v.evidence(
          f,
          c.keyPath(decoderField.get()),
          c.shown(decoderField.get()).orElse(""),
          "attention heads over a vocabulary with a field only decoder-only language models"
              + " carry");
      v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
      return;
    }
    if (c.has("type_vocab_size") && attention && vocab) {
      v.evidence(
          f,
          c.keyPath("type_vocab_size"),
          c.shown("type_vocab_size").orElse(""),
          "token-type embeddings over a vocabulary: a BERT-style encoder");
      v.decide(Family.TRANSFORMER_ENCODER, Confidence.STRUCTURE_WEAK);
      return;
    }
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
        "no is_encoder_decoder, head class, auto_map, vision tower, decoder fields, experts,"
            + " patch size or convolutional stages to go on");
  }

  /** Decides from a head class name such as {@code FooForCausalLM}; false when it says nothing. */
  private static boolean headClass(
      String file, String key, String className, HfConfig c, FamilyTally v) {
    String q = HfConfigClassifier.quote(className);
    if (className.endsWith("ForCausalLM") || className.endsWith("LMHeadModel")) {
      v.evidence(file, key, q, "a causal language-model head generates token by token");
      v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
      return true;
    }
    if (className.endsWith("ForMaskedLM")) {
      v.evidence(file, key, q, "a masked-LM head belongs to an encoder");
      v.decide(Family.TRANSFORMER_ENCODER, Confidence.STRUCTURE_WEAK);
      return true;
    }
    if (className.endsWith("ForSeq2SeqLM")) {
      v.evidence(file, key, q, "a sequence-to-sequence head has an encoder and a decoder");
      v.decide(Family.TRANSFORMER_ENCODER_DECODER, Confidence.STRUCTURE_WEAK);
      return true;
    }
    if (className.endsWith("ForConditionalGeneration") && c.has("vision_config")) {
      v.evidence(
          file, key, q, "a generation head beside a vision tower: an image+text language model");
      v.decide(Family.TRANSFORMER_DECODER, Math.min(Confidence.STRUCTURE_WEAK, Confidence.CLOSEST));
      v.also(Family.VISION_TRANSFORMER, "its vision_config is a vision tower");
      return true;
    }
    return false;
  }

  /**
   * Reads remote code's {@code auto_map}: a class name that belongs to a catalogued model type
   * decides as the catalogue does (remote code often ships a known architecture); otherwise its
   * head class name is read as in {@code architectures}.
   */
  private static boolean autoMap(HfConfig c, HfCatalogue catalogue, FamilyTally v) {
    Optional<HfConfig> map = c.child("auto_map");
    if (map.isEmpty()) {
      return false;
    }
    for (String auto : map.get().keys()) {
      // a value is a class reference, or a list of them (tokenizers: slow and fast)
      Optional<String> ref = map.get().strings(auto).stream().findFirst();
      if (ref.isEmpty() || !auto.startsWith("AutoModel")) {
        continue;
      }
      // "modeling_foo.FooForCausalLM" or "org/repo--modeling_foo.FooForCausalLM"
      String className = ref.get().substring(ref.get().lastIndexOf('.') + 1);
      String key = map.get().keyPath(auto);
      Optional<HfCatalogue.Entry> known = catalogue.findByClassName(className);
      if (known.isPresent() && known.get().family() != Family.UNKNOWN) {
        HfCatalogue.Entry e = known.get();
        v.evidence(
            c.file(),
            key,
            HfConfigClassifier.quote(ref.get()),
            "remote code registers "
                + className
                + ", a class of model type "
                + e.name()
                + ": "
                + e.note());
        v.decide(
            e.family(),
            e.exact()
                ? Confidence.STRUCTURE_STRONG
                : Math.min(Confidence.STRUCTURE_STRONG, Confidence.CLOSEST));
        e.also().forEach(x -> v.also(x, "catalogue: " + e.note()));
        return true;
      }
      if (auto.equals("AutoModelForCausalLM")) {
        v.evidence(
            c.file(),
            key,
            HfConfigClassifier.quote(ref.get()),
            "remote code registers a causal language model");
        v.decide(Family.TRANSFORMER_DECODER, Confidence.STRUCTURE_WEAK);
        return true;
      }
      if (auto.equals("AutoModelForSeq2SeqLM")) {
        v.evidence(
            c.file(),
            key,
            HfConfigClassifier.quote(ref.get()),
            "remote code registers a sequence-to-sequence model");
        v.decide(Family.TRANSFORMER_ENCODER_DECODER, Confidence.STRUCTURE_WEAK);
        return true;
      }
      if (headClass(c.file(), key, className, c, v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A {@code vision_config} beside a {@code text_config}: a contrastive pair of encoders (CLIP,
   * SigLIP: a projection and a logit scale) or an image+text language model.
   */
  private static boolean imageText(HfConfig c, FamilyTally v) {
    if (!c.has("vision_config") || !c.has("text_config")) {
      return false;
    }
    String f = c.file();
    if (c.has("projection_dim") || c.has("logit_scale_init_value")) {
      v.evidence(
          f,
          c.keyPath("vision_config"),
          "{…}",
          "a vision tower and a text tower projected into one space: contrastive image-text"
              + " encoders");
      v.decide(Family.VISION_TRANSFORMER, Confidence.STRUCTURE_WEAK);
      v.also(Family.TRANSFORMER_ENCODER, "its text_config is a text encoder");
      return true;
    }
    v.evidence(
        f,
        c.keyPath("vision_config"),
        "{…}",
        "a vision tower beside a text_config: an image+text language model");
    v.decide(Family.TRANSFORMER_DECODER, Math.min(Confidence.STRUCTURE_WEAK, Confidence.CLOSEST));
    v.also(Family.VISION_TRANSFORMER, "its vision_config is a vision tower");
    return true;
  }
}
