package dev.neuronfit.estimate.config;

import static dev.neuronfit.estimate.config.Exact.add;
import static dev.neuronfit.estimate.config.Exact.mul;

import dev.neuronfit.model.HfConfig;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Transformer language and vision models walked from their configs: one walk per layout yields the
 * parameter count (weights and biases of every projection and norm, following the module layout of
 * the transformers implementation it names; buffers are not counted) together with the shape of the
 * layers ({@link LayerShape}), from which {@link TransformerPhases} counts the multiply-accumulates
 * at a sequence length. The two halves keep the config keys and defaults each was checked with, so
 * a config may give one and not the other.
 */
final class TransformerLayouts {
  static final Set<String> T5_LAYOUT = Set.of("t5", "mt5", "umt5");
  static final Set<String> BART_LAYOUT =
      Set.of(
          "bart",
          "mbart",
          "marian",
          "pegasus",
          "m2m_100",
          "blenderbot",
          "blenderbot-small",
          "plbart");

  /** Encoders laid out like BERT: absolute positions, token types, post-LayerNorm layers. */
  static final Set<String> BERT_LAYOUT =
      Set.of(
          "bert",
          "roberta",
          "xlm-roberta",
          "camembert",
          "distilbert",
          "ernie",
          "data2vec-text",
          "electra",
          "albert");

  /** Decoders laid out like GPT-2: learned positions, no gated MLP. */
  static final Set<String> PLAIN_DECODERS =
      Set.of("gpt2", "gpt_bigcode", "biogpt", "gpt-sw3", "imagegpt");

  /** Decoders laid out like Llama: rotary positions, gated MLPs, grouped KV heads. */
  static final Set<String> GATED_DECODERS =
      Set.of(
          "llama",
          "mistral",
          "mixtral",
          "qwen2",
          "qwen2_moe",
          "qwen3",
          "qwen3_moe",
          "gemma",
          "gemma2",
          "phi3",
          "olmo",
          "olmo2",
          "granite");

  /** Both decoder layouts (see {@link #decoder}). */
  static final Set<String> DECODER_LAYOUT =
      Stream.concat(PLAIN_DECODERS.stream(), GATED_DECODERS.stream())
          .collect(Collectors.toUnmodifiableSet());

  /** Decoders whose positions are a learned table (the others use rotary or ALiBi positions). */
  private static final Set<String> LEARNED_POSITIONS =
      Set.of("gpt2", "gpt_bigcode", "gpt_neo", "opt", "biogpt", "imagegpt", "gpt-sw3");

  private TransformerLayouts() {}

  /** How the layers of a layout run. */
  enum Kind {
    /** One pass over a sequence (BERT, CLIP's text tower). */
    ENCODER,
    /** Prefill and decode over a growing context (GPT-2, Llama). */
    DECODER,
    /** An encoder pass and decoder steps (T5, BART, Whisper). */
    ENCODER_DECODER,
    /** One pass over image patches (ViT, DeiT). */
    VISION_ENCODER,
    /**
     * CLIP: a vision encoder and a text encoder, each one pass, joined by two projections. The
     * towers' layers come from {@link #tower(HfConfig)} of its vision_config and text_config.
     */
    TWO_TOWER
  }

  /**
   * What one walk of a transformer layout yields.
   *
   * @param parameters the parameter count, empty when the config lacks a size it needs
   * @param encoder the encoder's layers (of an encoder, a vision encoder or a sequence-to-sequence
   *     model), empty when the config lacks a size they need
   * @param decoder the decoder's layers (of a decoder or a sequence-to-sequence model)
   *     <p>The layers are read when asked for: the parameter estimate never needs them, and the
   *     sequence-to-sequence defaults divide by a head count the config may give as 0.
   */
  record Layout(
      Kind kind,
      OptionalLong parameters,
      Supplier<Optional<LayerShape>> encoder,
      Supplier<Optional<LayerShape>> decoder) {}

  /**
   * Per-token MACs of one layer's projections and MLP (attention pairs not included).
   *
   * @param kvPerToken elements one token adds to one layer's cache: 2 x KV heads x head width, or a
   *     latent-attention layer's compressed latent and rotary key
   */
  record LayerShape(
      long hidden,
      long heads,
      long kvHeads,
      long headDim,
      long intermediate,
      int mlpMatrices,
      long layers,
      long kvPerToken) {
    LayerShape(
        long hidden,
        long heads,
        long kvHeads,
        long headDim,
        long intermediate,
        int mlpMatrices,
        long layers) {
      this(
          hidden,
          heads,
          kvHeads,
          headDim,
          intermediate,
          mlpMatrices,
          layers,
          2 * kvHeads * headDim);
    }

    long projectionMacs() {
      long attn =
          add(
              mul(hidden, heads, headDim),
              mul(2, hidden, kvHeads, headDim),
              mul(heads, headDim, hidden));
      return add(attn, mul(mlpMatrices, hidden, intermediate));
    }

    /** Bytes of the K and V entries one token adds to one layer's cache. */
    long kvBytesPerToken(int bytes) {
      return mul(kvPerToken, bytes);
    }
  }

  /**
   * The layout of a transformers config, or empty when its model type is not a transformer here.
   */
  static Optional<Layout> walk(HfConfig c) {
    String type = c.string("model_type").orElse("");
    Dims d = new Dims(c);
    String arch = c.strings("architectures").stream().findFirst().orElse("");
    if (T5_LAYOUT.contains(type) && arch.endsWith("EncoderModel")) {
      // T5EncoderModel (the text encoder of SD3, FLUX and PixArt): the encoder stack alone
      return Optional.of(
          new Layout(
              Kind.ENCODER, t5(d, false), () -> Optional.of(t5Shapes(c)[0]), Optional::empty));
    }
    if (T5_LAYOUT.contains(type)) {
      return Optional.of(seq2seq(t5(d, true), () -> t5Shapes(c)));
    }
    if (BART_LAYOUT.contains(type)) {
      return Optional.of(seq2seq(bartFamily(d, type), () -> bartShapes(c)));
    }
    if (BERT_LAYOUT.contains(type)) {
      String head =
          arch.endsWith("ForMaskedLM")
              ? "masked-lm"
              : arch.equals("ElectraForPreTraining")
                  ? "discriminator"
                  : arch.equals("DistilBertForSequenceClassification")
                      ? "distilbert-classifier"
                      : type.equals("distilbert") || type.equals("electra") ? "none" : "pooler";
      return Optional.of(
          new Layout(Kind.ENCODER, encoder(d, head), () -> shape(d, false, 0), Optional::empty));
    }
    if (DECODER_LAYOUT.contains(type) && c.bool("multi_query").orElse(false)) {
      // GPT-BigCode (StarCoder, SantaCoder) with multi-query attention: one key/value head, which
      // the GPT-2 layout's full-width key and value projections would count 48 times over
      return generalDecoder(c);
    }
    if (DECODER_LAYOUT.contains(type)) {
      long active = d.first("num_experts_per_tok", "num_experts_per_token").orElse(0);
      boolean gated = GATED_DECODERS.contains(type);
      long experts =
          gated && d.first("num_local_experts", "num_experts").isPresent()
              ? Math.max(1, active)
              : 0;
      return Optional.of(
          new Layout(
              Kind.DECODER, decoder(d, type), Optional::empty, () -> shape(d, gated, experts)));
    }
    Optional<HfConfig> text = c.child("text_config");
    if (type.equals("clip") && text.isPresent() && c.child("vision_config").isPresent()) {
      return Optional.of(
          new Layout(
              Kind.TWO_TOWER,
              clip(c, text.get(), c.child("vision_config").get()),
              Optional::empty,
              Optional::empty));
    }
    boolean nested = text.isPresent() && d.hidden().isEmpty();
    if (nested || (c.has("vision_config") && d.hidden().isPresent() && !type.contains("clip"))) {
      // an image+text model: its language model (nested, or flat as Qwen2.5-VL's) plus the tower
      HfConfig lm = nested ? TiedEmbeddings.textConfig(c).orElseThrow() : c;
      OptionalLong vision =
          c.child("vision_config").map(VisionTower::parameters).orElse(OptionalLong.of(0));
      return (nested ? walk(lm) : Optional.<Layout>empty())
          .or(() -> generalDecoder(lm))
          .map(
              l ->
                  new Layout(
                      l.kind(),
                      l.parameters().isPresent() && vision.isPresent()
                          ? OptionalLong.of(
                              l.parameters().getAsLong()
                                  + vision.getAsLong()
                                  + VisionTower.projector(c, lm))
                          : OptionalLong.empty(),
                      l.encoder(),
                      l.decoder()));
    }
    boolean classifier = arch.endsWith("ForImageClassification");
    boolean causal =
        arch.endsWith("ForCausalLM")
            || arch.endsWith("LMHeadModel")
            || GeneralDecoder.KNOWN_DECODERS.contains(type);
    if (causal && GeneralDecoder.applies(c)) {
      return generalDecoder(c);
    }
    return switch (type) {
      case "whisper" -> Optional.of(seq2seq(whisper(d), () -> bartShapes(c)));
      case "vit", "deit" ->
          Optional.of(
              new Layout(
                  Kind.VISION_ENCODER,
                  vit(d, classifier, !classifier && !arch.endsWith("ForMaskedImageModeling")),
                  () -> shape(d, false, 0),
                  Optional::empty));
      // CLIP's text tower has no embedding LayerNorm but a final one of the same size; the
      // WithProjection class (SDXL's and SD3's text encoders) adds a bias-free text projection
      case "clip_text_model" ->
          Optional.of(
              new Layout(
                  Kind.ENCODER,
                  arch.equals("CLIPTextModelWithProjection")
                      ? plus(encoder(d, "none"), textProjection(d))
                      : encoder(d, "none"),
                  () -> shape(d, false, 0),
                  Optional::empty));
      default -> Optional.empty();
    };
  }

  /** The layers of one tower of a two-tower model (CLIP's text_config or vision_config). */
  static Optional<LayerShape> tower(HfConfig tower) {
    return shape(new Dims(tower), false, 0);
  }

  /**
   * CLIPModel: the text tower (token and position embeddings, pre-norm layers, a final LayerNorm),
   * the vision tower (a patch convolution without bias, a class embedding, positions, LayerNorms
   * before and after the layers), the two projections into projection_dim and the logit scale.
   */
  private static OptionalLong clip(HfConfig c, HfConfig text, HfConfig vision) {
    OptionalLong t = encoder(new Dims(text), "none");
    Dims vd = new Dims(vision);
    // vit() counts a patch-convolution bias CLIP has not, and no pre-LayerNorm (2h) CLIP has
    OptionalLong v = vit(vd, false, false);
    OptionalLong th = new Dims(text).hidden();
    OptionalLong vh = vd.hidden();
    if (t.isEmpty() || v.isEmpty() || th.isEmpty() || vh.isEmpty()) {
      return OptionalLong.empty();
    }
    long proj = c.integer("projection_dim").orElse(512);
    return OptionalLong.of(
        add(
            t.getAsLong(),
            v.getAsLong(),
            vh.getAsLong(),
            mul(vh.getAsLong(), proj),
            mul(th.getAsLong(), proj),
            1));
  }

  private static Optional<Layout> generalDecoder(HfConfig c) {
    if (!GeneralDecoder.applies(c)) {
      return Optional.empty();
    }
    return Optional.of(
        new Layout(
            Kind.DECODER,
            GeneralDecoder.parameters(c),
            Optional::empty,
            () -> GeneralDecoder.shape(c)));
  }

  private static Layout seq2seq(OptionalLong parameters, Supplier<LayerShape[]> encoderDecoder) {
    return new Layout(
        Kind.ENCODER_DECODER,
        parameters,
        () -> Optional.of(encoderDecoder.get()[0]),
        () -> Optional.of(encoderDecoder.get()[1]));
  }

  private static Optional<LayerShape> shape(Dims d, boolean gated, long activeExperts) {
    if (d.hidden().isEmpty() || d.layers().isEmpty() || d.heads().isEmpty()) {
      return Optional.empty();
    }
    long h = d.hidden().getAsLong();
    long nh = d.heads().getAsLong();
    long i = d.intermediate(h);
    if (activeExperts > 0) {
      i = mul(d.first("moe_intermediate_size").orElse(i), activeExperts);
    }
    return Optional.of(
        new LayerShape(
            h, nh, d.kvHeads(nh), d.headDim(h, nh), i, gated ? 3 : 2, d.layers().getAsLong()));
  }

  /** T5's encoder and decoder layers, with transformers' defaults for what the config omits. */
  private static LayerShape[] t5Shapes(HfConfig c) {
    long h = c.integer("d_model").orElse(512);
    long heads = c.integer("num_heads").orElse(8);
    long dkv = c.integer("d_kv").orElse(h / heads);
    long ff = c.integer("d_ff").orElse(4 * h);
    int mats = c.string("feed_forward_proj").orElse("relu").startsWith("gated") ? 3 : 2;
    long le = c.integer("num_layers").orElse(6);
    return new LayerShape[] {
      new LayerShape(h, heads, heads, dkv, ff, mats, le),
      new LayerShape(h, heads, heads, dkv, ff, mats, c.integer("num_decoder_layers").orElse(le))
    };
  }

  /** BART-family and Whisper encoder and decoder layers. */
  private static LayerShape[] bartShapes(HfConfig c) {
    long h = c.integer("d_model").orElse(512);
    long eh = c.integer("encoder_attention_heads").orElse(8);
    long dh = c.integer("decoder_attention_heads").orElse(eh);
    return new LayerShape[] {
      new LayerShape(
          h,
          eh,
          eh,
          h / eh,
          c.integer("encoder_ffn_dim").orElse(4 * h),
          2,
          c.integer("encoder_layers").orElse(6)),
      new LayerShape(
          h,
          dh,
          dh,
          h / dh,
          c.integer("decoder_ffn_dim").orElse(4 * h),
          2,
          c.integer("decoder_layers").orElse(6))
    };
  }

  /** One BERT-style encoder layer: attention with biases, two LayerNorms, a two-matrix MLP. */
  private static long bertLayer(long h, long i) {
    return add(mul(4, add(mul(h, h), h)), mul(2, h), mul(h, i), i, mul(i, h), h, mul(2, h));
  }

  /**
   * BERT, RoBERTa, ELECTRA, ALBERT, DistilBERT and other encoders with absolute positions. ELECTRA
   * and ALBERT embed at {@code embedding_size} and project to the hidden size when the two differ;
   * ALBERT shares one set of layer weights per group ({@code num_hidden_groups} groups of {@code
   * inner_group_num} layers), so its weights count the groups while its compute runs every layer.
   */
  private static OptionalLong encoder(Dims d, String head) {
    OptionalLong hOpt = d.hidden();
    OptionalLong lOpt = d.layers();
    OptionalLong vOpt = d.vocab();
    if (hOpt.isEmpty() || lOpt.isEmpty() || vOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = hOpt.getAsLong();
    long v = vOpt.getAsLong();
    long e = d.first("embedding_size").orElse(h);
    long p = d.positions().orElse(0);
    long types = d.first("type_vocab_size").orElse(0);
    long emb = add(mul(v, e), mul(p, e), mul(types, e), mul(2, e), e == h ? 0 : add(mul(e, h), h));
    boolean albert = d.config().string("model_type").orElse("").equals("albert");
    long stacks =
        albert
            ? mul(d.first("num_hidden_groups").orElse(1), d.first("inner_group_num").orElse(1))
            : lOpt.getAsLong();
    long layers = mul(stacks, bertLayer(h, d.intermediate(h)));
    long top =
        switch (head) {
          // transform to the embedding width, LayerNorm, output bias; the output matrix is tied
          case "masked-lm" -> add(mul(h, e), e, mul(2, e), v);
          // ELECTRA's discriminator: a dense layer and a one-logit prediction per token
          case "discriminator" -> add(mul(h, h), h, h, 1);
          // DistilBertForSequenceClassification (transformers' modeling_distilbert.py):
          // pre_classifier Linear(dim, dim) and classifier Linear(dim, num_labels), both with bias
          case "distilbert-classifier" -> add(mul(h, h), h, mul(h, labels(d)), labels(d));
          case "none" -> 0;
          default -> add(mul(h, h), h); // pooler
        };
    return OptionalLong.of(add(emb, layers, top));
  }

  /**
   * The classes of a classification head: {@code id2label}'s entries, else {@code num_labels}, else
   * 2 (transformers' default).
   */
  private static long labels(Dims d) {
    int named = d.config().sizeOf("id2label");
    return named > 0 ? named : d.first("num_labels").orElse(2);
  }

  /**
   * Decoder-only language models: GPT-2 style (biases, LayerNorm, learned positions, 2-matrix MLP)
   * or Llama style (no biases, RMSNorm, rotary positions, gated 3-matrix MLP, grouped KV heads,
   * optional mixture of experts).
   */
  private static OptionalLong decoder(Dims d, String modelType) {
    OptionalLong hOpt = d.hidden();
    OptionalLong lOpt = d.layers();
    OptionalLong vOpt = d.vocab();
    OptionalLong nhOpt = d.heads();
    if (hOpt.isEmpty() || lOpt.isEmpty() || vOpt.isEmpty() || nhOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = hOpt.getAsLong();
    long v = vOpt.getAsLong();
    long layers = lOpt.getAsLong();
    long i = d.intermediate(h);
    if (!llamaStyle(d.config())) {
      long pos = LEARNED_POSITIONS.contains(modelType) ? mul(d.positions().orElse(0), h) : 0;
      long head = TiedEmbeddings.of(d.config(), true) ? 0 : mul(v, h);
      return OptionalLong.of(add(mul(v, h), pos, mul(layers, bertLayer(h, i)), mul(2, h), head));
    }
    long nh = nhOpt.getAsLong();
    long kv = d.kvHeads(nh);
    long hd = d.headDim(h, nh);
    long attn = add(mul(h, nh, hd), mul(2, h, kv, hd), mul(nh, hd, h));
    if (d.flag("attention_bias", modelType.startsWith("qwen2"))) {
      attn = add(attn, mul(nh, hd), mul(2, kv, hd));
    }
    long experts = d.first("num_local_experts", "num_experts", "n_routed_experts").orElse(0);
    long mlp;
    if (experts > 0) {
      long ei = d.first("moe_intermediate_size").orElse(i);
      long shared = d.first("shared_expert_intermediate_size").orElse(0);
      mlp = add(mul(experts, 3, h, ei), mul(h, experts), mul(3, h, shared), shared > 0 ? h : 0);
    } else {
      mlp = mul(3, h, i);
    }
    long head = TiedEmbeddings.of(d.config(), false) ? 0 : mul(v, h);
    return OptionalLong.of(add(mul(v, h), mul(layers, add(attn, mlp, mul(2, h))), h, head));
  }

  /** Llama-family configs name their KV heads or RMSNorm epsilon; GPT-2-family configs do not. */
  static boolean llamaStyle(HfConfig c) {
    return c.has("num_key_value_heads") || c.has("rms_norm_eps") || c.has("rope_theta");
  }

  /**
   * T5 and mT5: no biases, RMSNorm-style LayerNorm, relative position buckets, optional gated FFN.
   */
  private static OptionalLong plus(OptionalLong a, long b) {
    return a.isPresent() ? OptionalLong.of(add(a.getAsLong(), b)) : a;
  }

  /** A CLIP text projection: hidden to {@code projection_dim}, no bias. */
  private static long textProjection(Dims d) {
    long h = d.hidden().orElse(0);
    return mul(h, d.config().integer("projection_dim").orElse(h));
  }

  /** T5 with its decoder and LM head ({@code withDecoder}), or its encoder stack alone. */
  private static OptionalLong t5(Dims d, boolean withDecoder) {
    HfConfig c = d.config();
    OptionalLong dm = c.integer("d_model");
    OptionalLong le = c.integer("num_layers");
    OptionalLong vOpt = d.vocab();
    if (dm.isEmpty() || le.isEmpty() || vOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = dm.getAsLong();
    long v = vOpt.getAsLong();
    long heads = c.integer("num_heads").orElse(8);
    long inner = mul(heads, c.integer("d_kv").orElse(h / heads));
    long ff = c.integer("d_ff").orElse(mul(4, h));
    long ffn = mul(c.string("feed_forward_proj").orElse("relu").startsWith("gated") ? 3 : 2, h, ff);
    long buckets = mul(c.integer("relative_attention_num_buckets").orElse(32), heads);
    long attn = mul(4, h, inner);
    long encLayers = le.getAsLong();
    long decLayers = c.integer("num_decoder_layers").orElse(encLayers);
    long encoder = add(mul(encLayers, add(attn, h, ffn, h)), buckets, h);
    long decoder = add(mul(decLayers, add(mul(2, attn), mul(2, h), ffn, h)), buckets, h);
    if (!withDecoder) {
      return OptionalLong.of(add(mul(v, h), encoder));
    }
    long head = TiedEmbeddings.of(c, true) ? 0 : mul(v, h);
    return OptionalLong.of(add(mul(v, h), encoder, decoder, head));
  }

  /**
   * BART-family sequence-to-sequence models (BART, mBART, Marian, Pegasus, M2M100, Blenderbot):
   * attention with biases, LayerNorms, shared token embeddings tied to the output.
   */
  private static OptionalLong bartFamily(Dims d, String modelType) {
    HfConfig c = d.config();
    OptionalLong dm = c.integer("d_model");
    OptionalLong vOpt = d.vocab();
    if (dm.isEmpty() || vOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = dm.getAsLong();
    long v = vOpt.getAsLong();
    long le = c.integer("encoder_layers").orElse(12);
    long ld = c.integer("decoder_layers").orElse(le);
    long fe = c.integer("encoder_ffn_dim").orElse(mul(4, h));
    long fd = c.integer("decoder_ffn_dim").orElse(fe);
    long p = c.integer("max_position_embeddings").orElse(1024);
    long attn = mul(4, add(mul(h, h), h));
    long enc = mul(le, add(attn, mul(2, h), mul(h, fe), fe, mul(fe, h), h, mul(2, h)));
    long dec = mul(ld, add(mul(2, attn), mul(4, h), mul(h, fd), fd, mul(fd, h), h, mul(2, h)));
    long extra =
        switch (modelType) {
          // learned positions with an offset of 2, and a LayerNorm on the embeddings, on both sides
          case "bart" -> add(mul(2, add(p, 2), h), mul(2, 2, h));
          // as BART plus a final LayerNorm on both sides
          case "mbart" -> add(mul(2, add(p, 2), h), mul(4, 2, h));
          // sinusoidal tables stored as frozen embedding weights; no embedding LayerNorm
          case "marian" -> mul(2, p, h);
          case "pegasus" -> add(mul(2, p, h), mul(2, 2, h));
          // sinusoidal positions kept as buffers; final LayerNorms
          default -> mul(2, 2, h);
        };
    long decoderVocab = c.integer("decoder_vocab_size").orElse(v);
    boolean shared = c.bool("share_encoder_decoder_embeddings").orElse(true);
    long embeddings = shared ? mul(v, h) : add(mul(v, h), mul(decoderVocab, h));
    return OptionalLong.of(add(embeddings, enc, dec, extra));
  }

  /** Whisper: a two-convolution audio front end, a BART-like encoder and decoder. */
  private static OptionalLong whisper(Dims d) {
    HfConfig c = d.config();
    OptionalLong dm = c.integer("d_model");
    OptionalLong vOpt = d.vocab();
    if (dm.isEmpty() || vOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = dm.getAsLong();
    long mel = c.integer("num_mel_bins").orElse(80);
    long le = c.integer("encoder_layers").orElse(4);
    long ld = c.integer("decoder_layers").orElse(le);
    long fe = c.integer("encoder_ffn_dim").orElse(mul(4, h));
    long fd = c.integer("decoder_ffn_dim").orElse(fe);
    long attn = add(mul(4, h, h), mul(3, h)); // the key projection has no bias
    long convs = add(mul(mel, h, 3), h, mul(h, h, 3), h);
    long positions =
        add(
            mul(c.integer("max_source_positions").orElse(1500), h),
            mul(c.integer("max_target_positions").orElse(448), h));
    long enc =
        add(mul(le, add(attn, mul(2, h), mul(h, fe), fe, mul(fe, h), h, mul(2, h))), mul(2, h));
    long dec =
        add(
            mul(ld, add(mul(2, attn), mul(4, h), mul(h, fd), fd, mul(fd, h), h, mul(2, h))),
            mul(2, h));
    return OptionalLong.of(add(mul(vOpt.getAsLong(), h), convs, positions, enc, dec));
  }

  /** ViT: a patch-embedding convolution, class token and positions, encoder layers, a head. */
  private static OptionalLong vit(Dims d, boolean classifier, boolean pooler) {
    HfConfig c = d.config();
    OptionalLong hOpt = d.hidden();
    OptionalLong lOpt = d.layers();
    OptionalLong patchOpt = c.integer("patch_size");
    OptionalLong imageOpt = c.integer("image_size");
    if (hOpt.isEmpty() || lOpt.isEmpty() || patchOpt.isEmpty() || imageOpt.isEmpty()) {
      return OptionalLong.empty();
    }
    long h = hOpt.getAsLong();
    long patch = patchOpt.getAsLong();
    long channels = c.integer("num_channels").orElse(3);
    long patches = mul(imageOpt.getAsLong() / patch, imageOpt.getAsLong() / patch);
    long emb = add(mul(channels, patch, patch, h), h, h, mul(add(patches, 1), h));
    long layers = mul(lOpt.getAsLong(), bertLayer(h, d.intermediate(h)));
    long labels = Math.max(2, c.sizeOf("id2label"));
    long head = add(classifier ? add(mul(h, labels), labels) : 0, pooler ? add(mul(h, h), h) : 0);
    return OptionalLong.of(add(emb, layers, mul(2, h), head));
  }
}
