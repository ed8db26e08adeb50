package dev.neuronfit.classify;

import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The family a PyTorch module class stands for, from its module path: torchvision and detectron2
 * models, {@code torch.nn} recurrent and transformer modules, timm models, and Hugging Face
 * transformers and diffusers classes (looked up in the Hugging Face catalogue by the model type in
 * the module path, {@code transformers.models.<model_type>.modeling_<model_type>.<Class>}, or by
 * the diffusers class name). A second, weaker table reads words in the names of a project's own
 * classes ({@code __main__.ViT}, {@code __main__.DDPM}).
 */
final class TorchClassNames {
  /** A family read from a class name, and why. */
  record Match(Family family, String reason) {}

  private static final Map<String, Family> TORCHVISION =
      Map.ofEntries(
          Map.entry("detection.faster_rcnn", Family.R_CNN),
          Map.entry("detection.mask_rcnn", Family.R_CNN),
          Map.entry("detection.keypoint_rcnn", Family.R_CNN),
          Map.entry("detection.generalized_rcnn", Family.R_CNN),
          Map.entry("detection.retinanet", Family.CNN),
          Map.entry("detection.ssd", Family.CNN),
          Map.entry("detection.ssdlite", Family.CNN),
          Map.entry("detection.fcos", Family.CNN),
          Map.entry("vision_transformer", Family.VISION_TRANSFORMER),
          Map.entry("swin_transformer", Family.VISION_TRANSFORMER),
          Map.entry("maxvit", Family.VISION_TRANSFORMER),
          Map.entry("video.mvit", Family.VISION_TRANSFORMER),
          Map.entry("video.swin_transformer", Family.VISION_TRANSFORMER));

  private static final List<String> TORCHVISION_CNN =
      List.of(
          "resnet",
          "vgg",
          "alexnet",
          "densenet",
          "googlenet",
          "inception",
          "mobilenet",
          "mnasnet",
          "shufflenetv2",
          "squeezenet",
          "efficientnet",
          "regnet",
          "convnext",
          "quantization.",
          "segmentation.",
          "video.resnet",
          "video.s3d",
          "optical_flow.");

  private static final Map<String, Family> LIBRARY =
      Map.ofEntries(
          Map.entry("detectron2.modeling.meta_arch.rcnn", Family.R_CNN),
          Map.entry("detectron2.modeling.roi_heads", Family.R_CNN),
          Map.entry("detectron2.modeling.proposal_generator", Family.R_CNN),
          Map.entry("detectron2.modeling.meta_arch.retinanet", Family.CNN),
          Map.entry("torch.nn.modules.rnn.LSTM", Family.LSTM),
          Map.entry("torch.nn.modules.rnn.GRU", Family.LSTM),
          Map.entry("torch.nn.modules.rnn.RNN", Family.LSTM),
          Map.entry("torch.nn.modules.transformer.Transformer", Family.TRANSFORMER_ENCODER_DECODER),
          Map.entry("torch.nn.modules.transformer.TransformerEncoder", Family.TRANSFORMER_ENCODER));

  private static final List<String> TIMM_VIT =
      List.of(
          "vision_transformer",
          "deit",
          "swin_transformer",
          "beit",
          "cait",
          "xcit",
          "eva",
          "levit",
          "pvt_v2",
          "mvitv2",
          "twins",
          "crossvit",
          "convit",
          "maxxvit",
          "vitamin");

  /** Words in a project's own class names, checked in this order. */
  private static final List<Map.Entry<String, Family>> WORDS =
      List.of(
          Map.entry("RCNN", Family.R_CNN),
          Map.entry("RCnn", Family.R_CNN),
          Map.entry("DDPM", Family.DIFFUSION),
          Map.entry("DDIM", Family.DIFFUSION),
          Map.entry("Diffusion", Family.DIFFUSION),
          Map.entry("LSTM", Family.LSTM),
          Map.entry("Lstm", Family.LSTM),
          Map.entry("GRU", Family.LSTM),
          Map.entry("VisionTransformer", Family.VISION_TRANSFORMER),
          Map.entry("ViT", Family.VISION_TRANSFORMER),
          Map.entry("DeiT", Family.VISION_TRANSFORMER),
          Map.entry("Swin", Family.VISION_TRANSFORMER),
          Map.entry("GPT", Family.TRANSFORMER_DECODER),
          Map.entry("Llama", Family.TRANSFORMER_DECODER),
          Map.entry("CausalLM", Family.TRANSFORMER_DECODER),
          Map.entry("Bert", Family.TRANSFORMER_ENCODER),
          Map.entry("BERT", Family.TRANSFORMER_ENCODER),
          Map.entry("Seq2Seq", Family.TRANSFORMER_ENCODER_DECODER),
          Map.entry("ResNet", Family.CNN),
          Map.entry("VGG", Family.CNN),
          Map.entry("MobileNet", Family.CNN),
          Map.entry("CNN", Family.CNN),
          Map.entry("ConvNet", Family.CNN));

  private final Supplier<HfCatalogue> catalogue;

  /**
   * @param catalogue loaded only when a transformers or diffusers class is looked up
   */
  TorchClassNames(Supplier<HfCatalogue> catalogue) {
    this.catalogue = catalogue;
  }

  /** With the catalogue shipped in neuronfit's resources. */
  static TorchClassNames shipped() {
    return new TorchClassNames(() -> KnowledgeBase.load().catalogue());
  }

  /**
   * The family of a class from a library neuronfit knows.
   *
   * @param cls a cleaned class name, e.g. {@code torchvision.models.resnet.ResNet}
   */
  Optional<Match> library(String cls) {
    if (cls.startsWith("torchvision.models.")) {
      String rest = cls.substring("torchvision.models.".length());
      for (Map.Entry<String, Family> e : TORCHVISION.entrySet()) {
        if (rest.startsWith(e.getKey() + ".")) {
          return Optional.of(new Match(e.getValue(), "a torchvision " + e.getKey() + " model"));
        }
      }
      for (String m : TORCHVISION_CNN) {
        if (rest.startsWith(m)) {
          return Optional.of(new Match(Family.CNN, "a torchvision convolutional model"));
        }
      }
    }
    for (Map.Entry<String, Family> e : LIBRARY.entrySet()) {
      if (cls.equals(e.getKey()) || cls.startsWith(e.getKey() + ".")) {
        return Optional.of(new Match(e.getValue(), "a " + e.getKey() + " module"));
      }
    }
    if (cls.startsWith("timm.models.")) {
      String module = cls.substring("timm.models.".length()).split("\\.")[0];
      if (TIMM_VIT.stream().anyMatch(module::startsWith)) {
        return Optional.of(new Match(Family.VISION_TRANSFORMER, "a timm " + module + " model"));
      }
      return catalogue
          .get()
          .findTimm(module)
          .map(e -> new Match(e.family(), "a timm " + module + " model"));
    }
    if (cls.startsWith("transformers.models.")) {
      String type = cls.substring("transformers.models.".length()).split("\\.")[0];
      return catalogue
          .get()
          .find(HfCatalogue.Kind.MODEL_TYPE, type)
          .map(e -> new Match(e.family(), "a transformers " + type + " model (" + e.note() + ")"));
    }
    if (cls.startsWith("diffusers.")) {
      String simple = cls.substring(cls.lastIndexOf('.') + 1);
      return catalogue
          .get()
          .find(HfCatalogue.Kind.DIFFUSERS_MODEL, simple)
          .map(e -> new Match(e.family(), "a diffusers " + simple));
    }
    return Optional.empty();
  }

  /** The family a word in a project's own class name suggests, e.g. {@code ViT}. */
  static Optional<Match> word(String cls) {
    String simple = cls.substring(cls.lastIndexOf('.') + 1);
    for (Map.Entry<String, Family> w : WORDS) {
      if (simple.contains(w.getKey())) {
        return Optional.of(new Match(w.getValue(), "the class name contains " + w.getKey()));
      }
    }
    return Optional.empty();
  }
}
