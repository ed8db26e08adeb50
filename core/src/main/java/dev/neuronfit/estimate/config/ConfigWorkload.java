package dev.neuronfit.estimate.config;

import dev.neuronfit.estimate.Assumptions;
import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The workload of a Hugging Face model computed from its config.json, for the architectures whose
 * layout neuronfit knows (the same ones {@link ParameterEstimator} covers).
 */
public final class ConfigWorkload {
  /** CLIP text encoders condition Stable Diffusion: 77 tokens. */
  private static final int DEFAULT_TEXT_TOKENS = 77;

  /**
   * The context a decoder is sized for unless --seq-len says otherwise: a common serving context,
   * or the model's maximum when that is smaller.
   */
  static final int SERVING_CONTEXT = 4096;

  private ConfigWorkload() {}

  /**
   * The workload, or empty when the architecture has no layout, a config number is out of range
   * ({@link ConfigNumbers#problem(ModelProfile)} says which) or the sizes multiply beyond a long.
   *
   * @param parameters the model's parameter count (read or estimated), for the bytes of weights
   */
  public static Optional<Workload> estimate(
      ModelProfile profile, long parameters, WorkloadOptions opts) {
    return estimate(profile, parameters, opts, true);
  }

  /**
   * The workload with a quantized checkpoint's weights at their stored widths ({@code
   * storedWidths}) or all at the device type, for a target whose path does not run the method.
   */
  public static Optional<Workload> estimate(
      ModelProfile profile, long parameters, WorkloadOptions opts, boolean storedWidths) {
    if (profile.hf().isEmpty() || ConfigNumbers.problem(profile).isPresent()) {
      return Optional.empty();
    }
    try {
      return estimateChecked(profile, parameters, opts, storedWidths);
    } catch (ArithmeticException e) {
      return Optional.empty(); // sizes beyond a long: no figure rather than a wrapped one
    }
  }

  /**
   * Why the workload was skipped although the model has a config: a number out of range, or sizes
   * that multiply beyond a long at this input; empty when it was not skipped for either reason.
   */
  public static Optional<String> skipped(
      ModelProfile profile, long parameters, WorkloadOptions opts) {
    Optional<String> problem = ConfigNumbers.problem(profile);
    if (problem.isPresent() || profile.hf().isEmpty()) {
      return problem;
    }
    try {
      estimateChecked(profile, parameters, opts, true);
      return Optional.empty();
    } catch (ArithmeticException e) {
      return Optional.of(ConfigNumbers.overflowNote(profile.hf().get(), "workload estimate"));
    }
  }

  private static Optional<Workload> estimateChecked(
      ModelProfile profile, long parameters, WorkloadOptions opts, boolean storedWidths) {
    HfMetadata hf = profile.hf().get();
    DType dtype = opts.dtypeOrDefault();
    int bytes = Math.max(1, (int) dtype.bytesFor(1));
    int batch = opts.batchOr1();
    long weightBytes = Exact.mul(parameters, bytes);
    // a quantized language model's weights are moved and held as stored: the weights its method
    // converts at their bits with their scales, the others at the device type
    Optional<Quantization> q =
        storedWidths
                && hf.pipelineClass().isEmpty()
                && hf.config().isPresent()
                && !hf.config().get().has("_class_name")
            ? hf.quantization()
            : Optional.empty();
    if (q.isPresent()) {
      weightBytes = QuantizedBytes.of(hf.config().get(), parameters, dtype, q.get());
    }
    Optional<Work> work;
    if (hf.pipelineClass().isPresent()) {
      work = pipeline(hf, opts, bytes, batch);
    } else if (hf.config().isPresent() && hf.config().get().has("_class_name")) {
      // a diffusers component folder on its own (a unet/ or transformer/ folder)
      work = denoiser("model", hf.config().get(), opts, bytes, batch);
    } else if (hf.config().isPresent()) {
      work = single(hf.config().get(), weightBytes, opts, bytes, batch, q);
    } else {
      work = Optional.empty();
    }
    long held = weightBytes;
    return work.map(
        w -> {
          List<String> a = new ArrayList<>(w.assumptions());
          a.add(
              q.isPresent()
                  ? Assumptions.quantizedWeights(
                      q.get(), held, Exact.mul(parameters, bytes), dtype, opts)
                  : Assumptions.deviceType(dtype, opts));
          if (w.activationBytes() > 0) {
            a.add(Assumptions.activationsLikely(w.activationBytes()));
          }
          return new Workload(
              batch,
              w.sequenceLength(),
              w.imageSize(),
              dtype,
              w.phases(),
              Map.of(),
              held,
              w.activationBytes(),
              w.kvCacheBytes(),
              w.method(),
              a,
              q,
              Optional.empty());
        });
  }

  /**
   * One denoising step of the pipeline's denoiser: its {@code unet} (UNet2DConditionModel) or its
   * {@code transformer} (the classes of {@link DiffusionTransformers}). Other denoisers, such as
   * the 3D UNets of video pipelines, have no layout here and get no workload, as they get no
   * parameter estimate.
   */
  private static Optional<Work> pipeline(
      HfMetadata hf, WorkloadOptions opts, int bytes, int batch) {
    for (String name : List.of("unet", "transformer")) {
      Optional<HfConfig> c = hf.component(name).flatMap(HfComponent::config);
      if (c.isPresent()) {
        return denoiser(name, c.get(), opts, bytes, batch);
      }
    }
    return Optional.empty();
  }

  /** The step of one denoiser config, named {@code name} in its pipeline. */
  private static Optional<Work> denoiser(
      String name, HfConfig c, WorkloadOptions opts, int bytes, int batch) {
    String cls = c.string("_class_name").orElse("");
    if (DiffusionTransformers.CLASSES.contains(cls)) {
      return transformerDenoiser(cls, c, opts, bytes, batch);
    }
    if (!cls.equals("UNet2DConditionModel")) {
      return Optional.empty();
    }
    int latent =
        opts.imageSize().isPresent()
            ? opts.imageSize().getAsInt() / 8
            : (int) c.integer("sample_size").orElse(64);
    Optional<LayoutCount> count = DiffusersLayouts.unet2dCondition(c, latent, DEFAULT_TEXT_TOKENS);
    if (count.isEmpty() || count.get().parameters().isEmpty()) {
      return Optional.empty();
    }
    long act =
        (long)
            (2.0 * batch * bytes * latent * latent * 8 * c.integers("block_out_channels").get(0));
    return Optional.of(
        Work.single(
            batch * count.get().macs(),
            count.get().parameters().getAsLong() * bytes,
            act,
            // the latent in and the noise prediction out
            2L * batch * bytes * latent * latent * c.integer("in_channels").orElse(4),
            batch,
            Optional.empty(),
            Optional.of(latent * 8),
            "one denoising step of the " + name + " (UNet2DConditionModel layout)",
            List.of(Assumptions.unetStep(latent, DEFAULT_TEXT_TOKENS), Assumptions.UNET_WEIGHTS)));
  }

  /**
   * One step of a transformer denoiser. The latent is the image side over 8 (the VAE's factor); SD3
   * and DiT cut it into patch_size patches, FLUX packs 2x2 latent pixels into one token. The text
   * tokens default to what the pipelines encode: 77 CLIP and 256 T5 tokens for SD3, 512 T5 tokens
   * for FLUX, 120 for PixArt; --seq-len replaces them.
   */
  private static Optional<Work> transformerDenoiser(
      String cls, HfConfig c, WorkloadOptions opts, int bytes, int batch) {
    int image =
        opts.imageSize()
            .orElse(
                (int)
                    (c.integer("sample_size").isPresent()
                        ? c.integer("sample_size").getAsLong() * 8
                        : 1024));
    int latent = Math.max(1, image / 8);
    long patch = cls.equals("FluxTransformer2DModel") ? 2 : c.integer("patch_size").orElse(2);
    long side = Math.max(1, latent / Math.max(1, patch));
    long tokens = Exact.mul(side, side);
    int text =
        opts.sequenceLength()
            .orElse(
                switch (cls) {
                  case "SD3Transformer2DModel" -> 77 + 256;
                  case "FluxTransformer2DModel" -> 512;
                  default -> c.integer("caption_channels").isPresent() ? 120 : 1;
                });
    Optional<LayoutCount> count = DiffusionTransformers.walk(cls, c, tokens, text);
    if (count.isEmpty() || count.get().parameters().isEmpty()) {
      return Optional.empty();
    }
    long width =
        Exact.mul(
            c.integer("num_attention_heads").orElse(1), c.integer("attention_head_dim").orElse(1));
    long channels = c.integer("in_channels").orElse(16);
    return Optional.of(
        Work.single(
            batch * count.get().macs(),
            Exact.mul(count.get().parameters().getAsLong(), bytes),
            Exact.mul(2L * batch * bytes, Exact.add(tokens, text), width),
            // the latent in and the prediction out
            Exact.mul(2L * batch * bytes, (long) latent * latent, channels),
            batch,
            Optional.of(text),
            Optional.of(image),
            "one denoising step of the transformer (" + cls + " layout)",
            List.of(
                Assumptions.transformerStep(latent, tokens, text),
                Assumptions.TRANSFORMER_WEIGHTS)));
  }

  private static Optional<Work> single(
      HfConfig c,
      long weightBytes,
      WorkloadOptions opts,
      int bytes,
      int batch,
      Optional<Quantization> q) {
    String type = c.string("model_type").orElse("");
    String method = type + " layout from " + c.file();
    Optional<TransformerLayouts.Layout> layout = TransformerLayouts.walk(c);
    if (layout.isPresent()) {
      return transformer(layout.get(), c, type, opts, weightBytes, bytes, batch, method, q);
    }
    int image = opts.imageSize().orElse((int) c.integer("image_size").orElse(224));
    Optional<LayoutCount> count =
        switch (type) {
          case "resnet" -> VisionLayouts.resnet(c, image, false);
          case "convnext" -> VisionLayouts.convnext(c, image, false);
          case "swin" -> VisionLayouts.swin(c, image, false);
          default -> Optional.empty();
        };
    if (count.isEmpty()) {
      return Optional.empty();
    }
    long channels =
        c.integers("hidden_sizes").stream().findFirst().orElse(c.integer("embed_dim").orElse(64));
    return Optional.of(
        Work.single(
            batch * count.get().macs(),
            weightBytes,
            VisionLayouts.cnnActivationBytes(batch, image, channels, bytes),
            // the image in; the output (logits or features) is far smaller
            (long) batch * c.integer("num_channels").orElse(3) * image * image * bytes,
            batch,
            Optional.empty(),
            Optional.of(image),
            method,
            List.of(Assumptions.images(image))));
  }

  private static Optional<Work> transformer(
      TransformerLayouts.Layout layout,
      HfConfig c,
      String type,
      WorkloadOptions opts,
      long weightBytes,
      int bytes,
      int batch,
      String method,
      Optional<Quantization> q) {
    Dims d = new Dims(c);
    switch (layout.kind()) {
      case ENCODER -> {
        int seq =
            opts.sequenceLength()
                .orElse(TransformerPhases.positions(c, "max_position_embeddings").orElse(512));
        return layout
            .encoder()
            .get()
            .map(
                s ->
                    TransformerPhases.encoder(
                        s, batch, seq, weightBytes, bytes, method, Optional.empty(), List.of()));
      }
      case DECODER -> {
        int max =
            TransformerPhases.positions(c, "n_positions", "max_position_embeddings", "n_ctx")
                .orElse(2048);
        int seq = opts.sequenceLength().orElse(Math.min(SERVING_CONTEXT, max));
        OptionalLong vocab = d.vocab();
        if (vocab.isEmpty()) {
          return Optional.empty();
        }
        int prompt = opts.inputLength().orElse(seq);
        double context =
            opts.outputLength().isPresent()
                ? prompt + (opts.outputLength().getAsInt() - 1) / 2.0
                : seq;
        TransformerPhases.Experts experts = experts(c, d, bytes, q, opts.dtypeOrDefault());
        List<String> a = new ArrayList<>();
        a.addAll(Assumptions.decoderPhases(seq, prompt, opts.outputLength(), context));
        if (experts.experts() > 0) {
          a.add(Assumptions.expertsRead(experts.experts(), experts.active()));
        }
        return layout
            .decoder()
            .get()
            .map(
                s -> {
                  Work w =
                      TransformerPhases.decoder(
                          s,
                          vocab.getAsLong(),
                          batch,
                          seq,
                          prompt,
                          opts.outputLength(),
                          context,
                          weightBytes,
                          experts,
                          bytes,
                          method,
                          a);
                  if (opts.sequenceLength().isPresent() || max <= seq) {
                    return w;
                  }
                  long fullKv =
                      Math.multiplyExact(
                          Math.multiplyExact((long) batch, (long) s.layers()),
                          Math.multiplyExact((long) max, s.kvBytesPerToken(bytes)));
                  List<String> withFull = new ArrayList<>(w.assumptions());
                  withFull.add(
                      Assumptions.servingContext(seq, max, Math.addExact(weightBytes, fullKv)));
                  return new Work(
                      w.phases(),
                      w.activationBytes(),
                      w.kvCacheBytes(),
                      w.sequenceLength(),
                      w.imageSize(),
                      w.method(),
                      withFull);
                });
      }
      case ENCODER_DECODER -> {
        return seq2seq(layout, c, type, opts, weightBytes, bytes, batch, method);
      }
      case VISION_ENCODER -> {
        int image = opts.imageSize().orElse((int) c.integer("image_size").orElse(224));
        long patch = c.integer("patch_size").orElse(16);
        long ch = c.integer("num_channels").orElse(3);
        int tokens = Math.toIntExact(Exact.add(Exact.mul(image / patch, image / patch), 1));
        return layout
            .encoder()
            .get()
            .map(
                s -> {
                  Work w =
                      TransformerPhases.encoder(
                          s,
                          batch,
                          tokens,
                          weightBytes,
                          bytes,
                          method,
                          Optional.of(image),
                          List.of(Assumptions.vitTokens(image, tokens)));
                  double patchMacs =
                      batch * (double) (tokens - 1) * ch * patch * patch * s.hidden();
                  Phase p = w.phases().get(0);
                  return new Work(
                      List.of(
                          new Phase(
                              p.name(),
                              p.flops() + 2 * patchMacs,
                              p.bytesMoved(),
                              p.units(),
                              p.tokens())),
                      w.activationBytes(),
                      0,
                      w.sequenceLength(),
                      w.imageSize(),
                      w.method(),
                      w.assumptions());
                });
      }
      case TWO_TOWER -> {
        return twoTower(c, opts, weightBytes, bytes, batch, method);
      }
      default -> throw new IllegalStateException("unhandled layout " + layout.kind());
    }
  }

  /**
   * CLIP: the vision tower over the batch of images, and the text tower over one prompt (the least
   * a forward pass with text runs; zero-shot classification pairs every image with the same label
   * prompts). The weights of both towers are read once.
   */
  private static Optional<Work> twoTower(
      HfConfig c, WorkloadOptions opts, long weightBytes, int bytes, int batch, String method) {
    HfConfig v = c.child("vision_config").orElseThrow();
    HfConfig t = c.child("text_config").orElseThrow();
    Optional<TransformerLayouts.LayerShape> vs = TransformerLayouts.tower(v);
    Optional<TransformerLayouts.LayerShape> ts = TransformerLayouts.tower(t);
    if (vs.isEmpty() || ts.isEmpty()) {
      return Optional.empty();
    }
    int image = opts.imageSize().orElse((int) v.integer("image_size").orElse(224));
    long patch = v.integer("patch_size").orElse(32);
    long ch = v.integer("num_channels").orElse(3);
    int tokens = Math.toIntExact(Exact.add(Exact.mul(image / patch, image / patch), 1));
    int prompt =
        opts.sequenceLength()
            .orElse(TransformerPhases.positions(t, "max_position_embeddings").orElse(77));
    Work vision =
        TransformerPhases.encoder(
            vs.get(), batch, tokens, weightBytes, bytes, method, Optional.of(image), List.of());
    Work text =
        TransformerPhases.encoder(
            ts.get(), 1, prompt, 0, bytes, method, Optional.empty(), List.of());
    double patchMacs = batch * (double) (tokens - 1) * ch * patch * patch * vs.get().hidden();
    Phase pv = vision.phases().get(0);
    Phase pt = text.phases().get(0);
    return Optional.of(
        new Work(
            List.of(
                new Phase(
                    pv.name(),
                    pv.flops() + 2 * patchMacs + pt.flops(),
                    pv.bytesMoved() + pt.bytesMoved(),
                    pv.units(),
                    pv.tokens())),
            vision.activationBytes() + text.activationBytes(),
            0,
            Optional.empty(),
            Optional.of(image),
            method,
            List.of(
                Assumptions.vitTokens(image, tokens),
                Assumptions.clipPrompt(prompt),
                Assumptions.encoderAttention(tokens))));
  }

  /**
   * The routed experts of a mixture-of-experts decoder config, or none; their bytes at the device
   * type, or at the stored width when the checkpoint is quantized (every method here converts the
   * experts).
   */
  private static TransformerPhases.Experts experts(
      HfConfig c, Dims d, int bytes, Optional<Quantization> q, DType dtype) {
    long e = d.first("num_local_experts", "num_experts", "n_routed_experts").orElse(0);
    long k = d.first("num_experts_per_tok", "num_experts_per_token").orElse(0);
    if (e <= 0 || k <= 0 || d.hidden().isEmpty() || d.layers().isEmpty()) {
      return TransformerPhases.Experts.NONE;
    }
    long ei = d.first("moe_intermediate_size", "intermediate_size").orElse(0);
    // three matrices (gate, up, down) per routed expert per layer that has experts: leading dense
    // layers (first_k_dense_replace) have none, and hybrids place experts every Nth layer
    long layers = d.layers().getAsLong() - d.first("first_k_dense_replace").orElse(0);
    long period = Math.max(1, d.first("expert_layer_period", "decoder_sparse_step").orElse(1));
    long moeLayers = Math.max(0, (layers + period - 1) / period);
    long params =
        Math.multiplyExact(
            Math.multiplyExact(moeLayers, e), Math.multiplyExact(3 * d.hidden().getAsLong(), ei));
    long stored =
        q.isPresent()
            ? QuantizedBytes.quantizedOnly(params, dtype, q.get())
            : Exact.mul(params, bytes);
    return new TransformerPhases.Experts(stored, e, k);
  }

  private static Optional<Work> seq2seq(
      TransformerLayouts.Layout layout,
      HfConfig c,
      String type,
      WorkloadOptions opts,
      long weightBytes,
      int bytes,
      int batch,
      String method) {
    Dims d = new Dims(c);
    OptionalLong vocab = d.vocab();
    if (vocab.isEmpty()) {
      return Optional.empty();
    }
    TransformerLayouts.LayerShape enc = layout.encoder().get().orElseThrow();
    TransformerLayouts.LayerShape dec = layout.decoder().get().orElseThrow();
    if (type.equals("whisper")) {
      long h = enc.hidden();
      int src = (int) c.integer("max_source_positions").orElse(1500);
      int tgt = opts.sequenceLength().orElse((int) c.integer("max_target_positions").orElse(448));
      long mel = c.integer("num_mel_bins").orElse(80);
      long convs =
          2L * src * mel * h * 3 + (long) src * h * h * 3; // two conv layers over the mel frames
      return Optional.of(
          TransformerPhases.encoderDecoder(
              enc,
              dec,
              vocab.getAsLong(),
              batch,
              src,
              Phase.InputUnit.AUDIO_FRAMES,
              opts.outputLength(),
              tgt,
              convs,
              weightBytes,
              bytes,
              method));
    }
    // T5 names its positions n_positions (512 by default); the BART family max_position_embeddings
    int src =
        opts.sequenceLength()
            .orElse(
                (int)
                    (TransformerLayouts.T5_LAYOUT.contains(type)
                        ? c.integer("n_positions").orElse(512)
                        : c.integer("max_position_embeddings").orElse(1024)));
    return Optional.of(
        TransformerPhases.encoderDecoder(
            enc,
            dec,
            vocab.getAsLong(),
            batch,
            opts.inputLength().orElse(src),
            Phase.InputUnit.TOKENS,
            opts.outputLength(),
            target(opts, src),
            0,
            weightBytes,
            bytes,
            method));
  }

  /**
   * The target context a decode step is computed at: the mean over the generated tokens when the
   * output length is given (rounded down, so the bound stays a bound), else {@code max}.
   */
  private static int target(WorkloadOptions opts, int max) {
    return opts.outputLength().isPresent()
        ? Math.max(1, (opts.outputLength().getAsInt() + 1) / 2)
        : max;
  }
}
