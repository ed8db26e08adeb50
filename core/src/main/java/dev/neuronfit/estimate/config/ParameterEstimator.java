package dev.neuronfit.estimate.config;

import dev.neuronfit.estimate.Estimate;
import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.Quantization;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Estimates parameters and weight bytes from a Hugging Face configuration when a model folder has
 * no weight files to read. Each formula reproduces the module layout of one family of transformers
 * or diffusers implementations (see {@code ParameterEstimatorTest} for the published counts they
 * are checked against); a model type without a formula gets no estimate rather than a guess.
 */
public final class ParameterEstimator {
  private static final String DEFAULT_DTYPE = "default float32";

  private ParameterEstimator() {}

  /**
   * An estimate for the model, or empty when its architecture has no formula, a config number is
   * out of range ({@link ConfigNumbers#problem(ModelProfile)} says which) or the sizes multiply
   * beyond a long.
   */
  public static Optional<Estimate> estimate(ModelProfile profile) {
    if (profile.hf().isEmpty()) {
      return Optional.empty();
    }
    if (profile.hf().get().pipelineClass().isPresent()) {
      try {
        // each component is checked on its own: one bad config leaves the others sized
        return PipelineSizes.estimate(profile.hf().get());
      } catch (ArithmeticException e) {
        return Optional.empty();
      }
    }
    if (ConfigNumbers.problem(profile).isPresent()) {
      return Optional.empty();
    }
    try {
      return sized(estimateChecked(profile));
    } catch (ArithmeticException e) {
      return Optional.empty(); // sizes beyond a long: no figure rather than a wrapped one
    }
  }

  /**
   * Why the estimate was skipped although the model has a config: a number out of range, or sizes
   * that multiply beyond a long; empty when it was not skipped for either reason.
   */
  public static Optional<String> skipped(ModelProfile profile) {
    Optional<String> problem = ConfigNumbers.problem(profile);
    if (problem.isPresent() || profile.hf().isEmpty()) {
      return problem;
    }
    try {
      sized(estimateChecked(profile));
      return Optional.empty();
    } catch (ArithmeticException e) {
      return Optional.of(ConfigNumbers.overflowNote(profile.hf().get(), "parameter estimate"));
    }
  }

  /**
   * The estimate when its parameters are positive and their bytes fit a long at the widest element
   * type (8 bytes), so no later figure wraps; else the overflow that layouts summing plainly could
   * otherwise hide.
   *
   * @throws ArithmeticException when they do not
   */
  private static Optional<Estimate> sized(Optional<Estimate> estimate) {
    estimate.ifPresent(
        e -> {
          if (e.parameters() <= 0) {
            throw new ArithmeticException("parameter estimate wrapped");
          }
          Math.multiplyExact(e.parameters(), 8L);
        });
    return estimate;
  }

  private static Optional<Estimate> estimateChecked(ModelProfile profile) {
    HfMetadata hf = profile.hf().get();
    if (hf.pipelineClass().isPresent()) {
      return PipelineSizes.estimate(hf);
    }
    if (hf.config().isEmpty()) {
      return Optional.empty();
    }
    HfConfig c = hf.config().get();
    OptionalLong p = single(c);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    Optional<Quantization> q = hf.quantization();
    DTypeChoice dt = dtype(c);
    if (q.isEmpty()) {
      return Optional.of(
          new Estimate(p.getAsLong(), dt.dtype, dt.source, method(c), List.of(), List.of()));
    }
    if (dt.source.startsWith(DEFAULT_DTYPE)) {
      // quantizers keep the weights they leave unconverted at half precision, not float32
      dt =
          new DTypeChoice(
              DType.BF16,
              "the 16-bit default of quantized checkpoints (the config declares no dtype)");
    }
    return Optional.of(
        new Estimate(
            p.getAsLong(),
            dt.dtype,
            dt.source,
            method(c) + "; quantized: " + q.get().label() + ", logical parameters counted",
            List.of(),
            List.of(),
            q,
            OptionalLong.of(QuantizedBytes.of(c, p.getAsLong(), dt.dtype, q.get()))));
  }

  /**
   * Parameters from the byte total an index declares ({@code metadata.total_size}) divided by the
   * width of the dtype the config declares: exact for a single-dtype checkpoint. Empty when the
   * config declares no dtype or the checkpoint is quantized (its stored widths differ).
   */
  public static Optional<Estimate> fromDeclaredBytes(ModelProfile profile, long bytes) {
    Optional<HfConfig> c = profile.hf().flatMap(HfMetadata::config);
    if (c.isEmpty() || profile.hf().get().quantization().isPresent()) {
      return Optional.empty();
    }
    DTypeChoice dt = dtype(c.get());
    long width = dt.dtype.bytesFor(1);
    if (!dt.source.startsWith(c.get().file()) || width < 1 || bytes % width != 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Estimate(
            bytes / width,
            dt.dtype,
            dt.source,
            SizeSource.TOTAL_SIZE_METHOD + " at " + width + " bytes per parameter",
            List.of(),
            List.of()));
  }

  /**
   * The parameters of one config's layout; empty when no layout covers it. A diffusers class
   * without a layout here (UNet3DConditionModel, UNetSpatioTemporalConditionModel and the other
   * video denoisers) gets none, and {@link ConfigWorkload} gives it no workload either.
   *
   * @throws ArithmeticException when the sizes multiply beyond a long
   */
  static OptionalLong single(HfConfig c) {
    Optional<String> cls = c.string("_class_name");
    if (cls.isPresent()) {
      if (DiffusionTransformers.CLASSES.contains(cls.get())) {
        return parameters(DiffusionTransformers.walk(cls.get(), c, 0, 0));
      }
      return switch (cls.get()) {
        case "UNet2DConditionModel" -> parameters(DiffusersLayouts.unet2dCondition(c, 0, 0));
        case "AutoencoderKL" -> DiffusersLayouts.autoencoderKl(c);
        default -> OptionalLong.empty();
      };
    }
    Optional<TransformerLayouts.Layout> transformer = TransformerLayouts.walk(c);
    if (transformer.isPresent()) {
      return transformer.get().parameters();
    }
    boolean classifier =
        c.strings("architectures").stream()
            .findFirst()
            .orElse("")
            .endsWith("ForImageClassification");
    return switch (c.string("model_type").orElse("")) {
      case "resnet" -> parameters(VisionLayouts.resnet(c, 0, classifier));
      case "convnext" -> parameters(VisionLayouts.convnext(c, 0, classifier));
      case "swin" -> parameters(VisionLayouts.swin(c, 0, classifier));
      default -> OptionalLong.empty();
    };
  }

  /**
   * The parameters of a layout walk. The walks here run at input size 0: the size changes only the
   * multiply-accumulates, which the parameter estimate does not use.
   */
  private static OptionalLong parameters(Optional<LayoutCount> count) {
    return count.isPresent() ? count.get().parameters() : OptionalLong.empty();
  }

  static String method(HfConfig c) {
    if (c.has("_class_name")) {
      return "diffusers " + c.string("_class_name").get() + " layout";
    }
    String type = c.string("model_type").orElse("?");
    if (TransformerLayouts.T5_LAYOUT.contains(type)
        && c.strings("architectures").stream().anyMatch(a -> a.endsWith("EncoderModel"))) {
      return type + " encoder-only layout";
    }
    if (TransformerLayouts.DECODER_LAYOUT.contains(type)) {
      return (TransformerLayouts.llamaStyle(c) ? "Llama-style" : "GPT-2-style")
          + " decoder layout ("
          + type
          + ")";
    }
    return type + " layout";
  }

  /**
   * The quantization a config declares ({@code quantization_config}: gptq, awq, bitsandbytes, fp8,
   * compressed-tensors, mxfp4), said after the method: the layout counts logical parameters, and
   * the stored bytes are narrower than the config's dtype.
   */
  static String quantization(HfConfig c) {
    Optional<HfConfig> q = c.child("quantization_config");
    if (q.isEmpty()) {
      return "";
    }
    String method = q.get().string("quant_method").orElse("unnamed method");
    OptionalLong bits = q.get().integer("bits");
    if (bits.isEmpty() && q.get().bool("load_in_4bit").orElse(false)) {
      bits = OptionalLong.of(4);
    } else if (bits.isEmpty() && q.get().bool("load_in_8bit").orElse(false)) {
      bits = OptionalLong.of(8);
    }
    return "; quantized: "
        + method
        + (bits.isPresent() ? " " + bits.getAsLong() + "-bit" : "")
        + ", logical parameters counted";
  }

  record DTypeChoice(DType dtype, String source) {}

  /** The dtype the config declares ({@code torch_dtype} or {@code dtype}), else float32. */
  static DTypeChoice dtype(HfConfig c) {
    for (String key : List.of("torch_dtype", "dtype")) {
      Optional<DType> d = c.string(key).flatMap(DType::fromTorchName);
      if (d.isPresent()) {
        return new DTypeChoice(d.get(), c.file() + " " + key);
      }
    }
    return new DTypeChoice(DType.F32, DEFAULT_DTYPE + " (the config declares no dtype)");
  }
}
