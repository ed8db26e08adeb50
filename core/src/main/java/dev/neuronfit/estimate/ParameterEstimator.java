package dev.neuronfit.estimate;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import dev.neuronfit.model.ModelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Estimates parameters and weight bytes from a Hugging Face configuration when a model folder has
 * no weight files to read. The formulas reproduce the parameter counts of the transformers and
 * diffusers implementations (see {@code EstimateTest} for the published counts they are checked
 * against); architectures without a formula give no estimate rather than a guess.
 */
public final class ParameterEstimator {
  private static final Set<String> BART_FAMILY =
      Set.of(
          "bart",
          "mbart",
          "marian",
          "pegasus",
          "m2m_100",
          "nllb_moe",
          "blenderbot",
          "blenderbot-small",
          "plbart");
  private static final Set<String> T5_FAMILY = Set.of("t5", "mt5", "umt5", "longt5");

  private ParameterEstimator() {}

  /** An estimate for the model, or empty when its architecture has no formula. */
  public static Optional<Estimate> estimate(ModelProfile profile, Classification classification) {
    if (profile.hf().isEmpty()) {
      return Optional.empty();
    }
    HfMetadata hf = profile.hf().get();
    if (hf.pipelineClass().isPresent()) {
      return pipeline(hf);
    }
    if (hf.config().isEmpty()) {
      return Optional.empty();
    }
    HfConfig c = hf.config().get();
    OptionalLong p = single(c, classification.family());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    DTypeChoice dt = dtype(c);
    return Optional.of(
        new Estimate(
            p.getAsLong(),
            dt.dtype,
            dt.source,
            method(c, classification.family()),
            List.of(),
            List.of()));
  }

  private static Optional<Estimate> pipeline(HfMetadata hf) {
    long total = 0;
    List<String> parts = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    DTypeChoice dt = null;
    for (HfComponent comp : hf.components()) {
      if (comp.config().isEmpty()) {
        continue;
      }
      HfConfig c = comp.config().get();
      OptionalLong p = single(c, Family.UNKNOWN);
      if (p.isPresent()) {
        total += p.getAsLong();
        parts.add(comp.name());
        if (dt == null) {
          dt = dtype(c);
        }
      } else {
        skipped.add(comp.name());
      }
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Estimate(total, dt.dtype, dt.source, "sum of component formulas", parts, skipped));
  }

  private static OptionalLong single(HfConfig c, Family family) {
    Optional<String> cls = c.string("_class_name");
    if (cls.isPresent()) {
      return switch (cls.get()) {
        case "UNet2DConditionModel" -> DiffusersFormulas.unet2dCondition(c);
        case "AutoencoderKL" -> DiffusersFormulas.autoencoderKl(c);
        default -> OptionalLong.empty();
      };
    }
    String type = c.string("model_type").orElse("");
    Dims d = new Dims(c);
    boolean classifier =
        c.strings("architectures").stream().anyMatch(a -> a.endsWith("ForImageClassification"));
    String arch = c.strings("architectures").stream().findFirst().orElse("");
    if (T5_FAMILY.contains(type)) {
      return TransformerFormulas.t5(d);
    }
    if (BART_FAMILY.contains(type)) {
      return TransformerFormulas.bartFamily(d, type);
    }
    switch (type) {
      case "whisper":
        return TransformerFormulas.whisper(d);
      case "resnet":
        return VisionFormulas.resnet(c, classifier);
      case "convnext":
        return VisionFormulas.convnext(c, classifier);
      case "swin":
        return VisionFormulas.swin(c, classifier);
      case "vit", "deit":
        return TransformerFormulas.vit(
            d, classifier, !classifier && !arch.endsWith("ForMaskedImageModeling"));
      case "clip_text_model":
        return TransformerFormulas.encoder(
            d, "none"); // its last LayerNorm takes the place of the embedding one
      default:
        break;
    }
    if (family == Family.TRANSFORMER_ENCODER) {
      String head =
          arch.endsWith("ForMaskedLM")
              ? "masked-lm"
              : type.equals("distilbert") ? "none" : "pooler";
      return TransformerFormulas.encoder(d, head);
    }
    if (family == Family.TRANSFORMER_DECODER && !c.has("text_config") && !c.has("vision_config")) {
      return TransformerFormulas.decoder(d, type);
    }
    return OptionalLong.empty();
  }

  private static String method(HfConfig c, Family family) {
    if (c.has("_class_name")) {
      return "diffusers " + c.string("_class_name").get() + " layout";
    }
    String type = c.string("model_type").orElse("?");
    if (family == Family.TRANSFORMER_DECODER) {
      return (TransformerFormulas.llamaStyle(c) ? "Llama-style" : "GPT-2-style")
          + " decoder layout ("
          + type
          + ")";
    }
    return type + " layout";
  }

  private record DTypeChoice(DType dtype, String source) {}

  /** The dtype the config declares ({@code torch_dtype} or {@code dtype}), else float32. */
  private static DTypeChoice dtype(HfConfig c) {
    for (String key : List.of("torch_dtype", "dtype")) {
      Optional<DType> d = c.string(key).flatMap(DType::fromTorchName);
      if (d.isPresent()) {
        return new DTypeChoice(d.get(), c.file() + " " + key);
      }
    }
    return new DTypeChoice(DType.F32, "default float32 (the config declares no dtype)");
  }
}
