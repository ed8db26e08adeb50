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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The workload of a Hugging Face model computed from its config.json, for the architectures whose
 * layout neuronfit knows (the same ones {@link ParameterEstimator} covers).
 */
public final class ConfigWorkload {
  /** The layouts are {@link ParameterEstimator}'s; CLIP's text encoder also runs as an encoder. */
  private static final Set<String> ENCODERS =
      Stream.concat(ParameterEstimator.BERT_LAYOUT.stream(), Stream.of("clip_text_model"))
          .collect(Collectors.toUnmodifiableSet());

  /** CLIP text encoders condition Stable Diffusion: 77 tokens. */
  private static final int DEFAULT_TEXT_TOKENS = 77;

  private ConfigWorkload() {}

  /**
   * @param parameters the model's parameter count (read or estimated), for the bytes of weights
   */
  public static Optional<Workload> estimate(
      ModelProfile profile, long parameters, WorkloadOptions opts) {
    if (profile.hf().isEmpty()) {
      return Optional.empty();
    }
    HfMetadata hf = profile.hf().get();
    DType dtype = opts.dtypeOrDefault();
    int bytes = Math.max(1, (int) dtype.bytesFor(1));
    int batch = opts.batchOr1();
    Optional<Work> work;
    if (hf.pipelineClass().isPresent()) {
      work = pipeline(hf, opts, bytes, batch);
    } else if (hf.config().isPresent()) {
      work = single(hf.config().get(), parameters * bytes, opts, bytes, batch);
    } else {
      work = Optional.empty();
    }
    return work.map(
        w -> {
          List<String> a = new ArrayList<>(w.assumptions());
          a.add(Assumptions.deviceType(dtype, opts));
          return new Workload(
              batch,
              w.sequenceLength(),
              w.imageSize(),
              dtype,
              w.phases(),
              Map.of(),
              parameters * bytes,
              w.activationBytes(),
              w.kvCacheBytes(),
              w.method(),
              a);
        });
  }

  private static Optional<Work> pipeline(
      HfMetadata hf, WorkloadOptions opts, int bytes, int batch) {
    Optional<HfComponent> unet = hf.component("unet").filter(u -> u.config().isPresent());
    if (unet.isEmpty()) {
      return Optional.empty();
    }
    HfConfig c = unet.get().config().get();
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
            batch,
            Optional.empty(),
            Optional.of(latent * 8),
            "one denoising step of the unet (UNet2DConditionModel layout)",
            List.of(Assumptions.unetStep(latent, DEFAULT_TEXT_TOKENS), Assumptions.UNET_WEIGHTS)));
  }

  private static Optional<Work> single(
      HfConfig c, long weightBytes, WorkloadOptions opts, int bytes, int batch) {
    String type = c.string("model_type").orElse("");
    Dims d = new Dims(c);
    String method = type + " layout from " + c.file();
    if (ENCODERS.contains(type)) {
      int seq =
          opts.sequenceLength()
              .orElse(TransformerWork.positions(c, "max_position_embeddings").orElse(512));
      return TransformerWork.shape(d, false, 0)
          .map(
              s ->
                  TransformerWork.encoder(
                      s, batch, seq, weightBytes, bytes, method, Optional.empty(), List.of()));
    }
    if (ParameterEstimator.GATED_DECODERS.contains(type)
        || ParameterEstimator.PLAIN_DECODERS.contains(type)) {
      int seq =
          opts.sequenceLength()
              .orElse(
                  TransformerWork.positions(c, "n_positions", "max_position_embeddings", "n_ctx")
                      .orElse(2048));
      long active = d.first("num_experts_per_tok", "num_experts_per_token").orElse(0);
      boolean gated = ParameterEstimator.GATED_DECODERS.contains(type);
      OptionalLong vocab = d.vocab();
      if (vocab.isEmpty()) {
        return Optional.empty();
      }
      return TransformerWork.shape(
              d,
              gated,
              gated && d.first("num_local_experts", "num_experts").isPresent()
                  ? Math.max(1, active)
                  : 0)
          .map(
              s ->
                  TransformerWork.decoder(
                      s, vocab.getAsLong(), batch, seq, weightBytes, bytes, method));
    }
    if (ParameterEstimator.T5_LAYOUT.contains(type)
        || ParameterEstimator.BART_LAYOUT.contains(type)
        || type.equals("whisper")) {
      return seq2seq(c, type, opts, weightBytes, bytes, batch, method);
    }
    int image = opts.imageSize().orElse((int) c.integer("image_size").orElse(224));
    Optional<LayoutCount> count =
        switch (type) {
          case "resnet" -> VisionLayouts.resnet(c, image, false);
          case "convnext" -> VisionLayouts.convnext(c, image, false);
          case "swin" -> VisionLayouts.swin(c, image, false);
          default -> Optional.empty();
        };
    if (count.isPresent()) {
      long channels =
          c.integers("hidden_sizes").stream().findFirst().orElse(c.integer("embed_dim").orElse(64));
      return Optional.of(
          Work.single(
              batch * count.get().macs(),
              weightBytes,
              VisionLayouts.cnnActivationBytes(batch, image, channels, bytes),
              batch,
              Optional.empty(),
              Optional.of(image),
              method,
              List.of(Assumptions.images(image))));
    }
    if (type.equals("vit") || type.equals("deit")) {
      long patch = c.integer("patch_size").orElse(16);
      long ch = c.integer("num_channels").orElse(3);
      int tokens = (int) ((image / patch) * (image / patch) + 1);
      return TransformerWork.shape(d, false, 0)
          .map(
              s -> {
                Work w =
                    TransformerWork.encoder(
                        s,
                        batch,
                        tokens,
                        weightBytes,
                        bytes,
                        method,
                        Optional.of(image),
                        List.of(Assumptions.vitTokens(image, tokens)));
                double patchMacs = batch * (double) (tokens - 1) * ch * patch * patch * s.hidden();
                Phase p = w.phases().get(0);
                return new Work(
                    List.of(
                        new Phase(p.name(), p.flops() + 2 * patchMacs, p.bytesMoved(), p.units())),
                    w.activationBytes(),
                    0,
                    w.sequenceLength(),
                    w.imageSize(),
                    w.method(),
                    w.assumptions());
              });
    }
    return Optional.empty();
  }

  private static Optional<Work> seq2seq(
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
    if (ParameterEstimator.T5_LAYOUT.contains(type)) {
      long h = c.integer("d_model").orElse(512);
      long heads = c.integer("num_heads").orElse(8);
      long dkv = c.integer("d_kv").orElse(h / heads);
      long ff = c.integer("d_ff").orElse(4 * h);
      int mats = c.string("feed_forward_proj").orElse("relu").startsWith("gated") ? 3 : 2;
      long le = c.integer("num_layers").orElse(6);
      var enc = new TransformerWork.LayerShape(h, heads, heads, dkv, ff, mats, le);
      var dec =
          new TransformerWork.LayerShape(
              h, heads, heads, dkv, ff, mats, c.integer("num_decoder_layers").orElse(le));
      int src = opts.sequenceLength().orElse((int) c.integer("n_positions").orElse(512));
      return Optional.of(
          TransformerWork.encoderDecoder(
              enc, dec, vocab.getAsLong(), batch, src, src, 0, weightBytes, bytes, method));
    }
    long h = c.integer("d_model").orElse(512);
    long eh = c.integer("encoder_attention_heads").orElse(8);
    long dh = c.integer("decoder_attention_heads").orElse(eh);
    var enc =
        new TransformerWork.LayerShape(
            h,
            eh,
            eh,
            h / eh,
            c.integer("encoder_ffn_dim").orElse(4 * h),
            2,
            c.integer("encoder_layers").orElse(6));
    var dec =
        new TransformerWork.LayerShape(
            h,
            dh,
            dh,
            h / dh,
            c.integer("decoder_ffn_dim").orElse(4 * h),
            2,
            c.integer("decoder_layers").orElse(6));
    if (type.equals("whisper")) {
      int src = (int) c.integer("max_source_positions").orElse(1500);
      int tgt = opts.sequenceLength().orElse((int) c.integer("max_target_positions").orElse(448));
      long mel = c.integer("num_mel_bins").orElse(80);
      long convs =
          2L * src * mel * h * 3 + (long) src * h * h * 3; // two conv layers over the mel frames
      return Optional.of(
          TransformerWork.encoderDecoder(
              enc, dec, vocab.getAsLong(), batch, src, tgt, convs, weightBytes, bytes, method));
    }
    int src = opts.sequenceLength().orElse((int) c.integer("max_position_embeddings").orElse(1024));
    return Optional.of(
        TransformerWork.encoderDecoder(
            enc, dec, vocab.getAsLong(), batch, src, src, 0, weightBytes, bytes, method));
  }
}
