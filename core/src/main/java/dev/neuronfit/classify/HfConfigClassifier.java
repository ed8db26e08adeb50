package dev.neuronfit.classify;

import dev.neuronfit.kb.HfCatalogue;
import dev.neuronfit.kb.HfCatalogue.Entry;
import dev.neuronfit.kb.HfCatalogue.Kind;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.HfMetadata;
import java.util.List;
import java.util.Optional;

/**
 * Classifies Hugging Face models from their configuration: first the catalogue (model_type,
 * architectures class names, diffusers class names), then structural hints when the catalogue does
 * not know the model (is_encoder_decoder, head class suffixes, remote-code auto_map, patch and
 * image sizes).
 */
final class HfConfigClassifier {
  /** Diffusers components that do the denoising, in the order they are looked for. */
  private static final List<String> DENOISERS = List.of("unet", "transformer", "prior", "decoder");

  private final HfCatalogue catalogue;

  HfConfigClassifier(HfCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /** Fills {@code v}; leaves it undecided when the configuration says too little. */
  void classify(HfMetadata hf, FamilyTally v) {
    if (hf.pipelineClass().isPresent()) {
      classifyPipeline(hf, v);
      return;
    }
    hf.config().ifPresent(c -> classifyConfig(c, v));
  }

  private void classifyPipeline(HfMetadata hf, FamilyTally v) {
    String pipeline = hf.pipelineClass().get();
    String src = "model_index.json";
    Optional<Entry> e = catalogue.find(Kind.DIFFUSERS_PIPELINE, pipeline);
    if (e.isPresent()) {
      v.evidence(
          src,
          "_class_name",
          quote(pipeline),
          "diffusers pipeline in the catalogue: " + e.get().note());
      adopt(e.get(), v, Confidence.CATALOGUE);
    } else {
      v.evidence(src, "_class_name", quote(pipeline), "pipeline class not in the catalogue");
    }
    for (String name : DENOISERS) {
      Optional<HfComponent> comp = hf.component(name);
      if (comp.isEmpty()) {
        continue;
      }
      Optional<Entry> ce = catalogue.find(Kind.DIFFUSERS_MODEL, comp.get().className());
      String meaning =
          ce.map(x -> "denoiser component: " + x.note() + " (" + x.family().id() + ")")
              .orElse("component class not in the catalogue");
      v.evidence(
          src,
          name,
          "[" + quote(comp.get().library()) + ", " + quote(comp.get().className()) + "]",
          meaning);
      if (ce.isPresent() && ce.get().family() == Family.DIFFUSION && !v.decided()) {
        v.decide(Family.DIFFUSION, Confidence.CATALOGUE);
      }
      ce.ifPresent(x -> x.also().forEach(f -> v.also(f, "the " + name + " is " + x.note())));
      comp.get()
          .config()
          .ifPresent(
              c ->
                  c.shown("cross_attention_dim")
                      .ifPresent(
                          x ->
                              v.evidence(
                                  c.file(),
                                  "cross_attention_dim",
                                  x,
                                  "the denoiser attends to a conditioning sequence (text prompts)")));
      break;
    }
    flowMatching(hf, v);
  }

  /**
   * A pipeline whose classes the catalogue does not know is still a diffusion model when it has a
   * {@code transformer} denoiser and a flow-matching scheduler (FlowMatchEulerDiscreteScheduler and
   * its kin): rectified-flow sampling is how SD3, FLUX and their successors denoise.
   */
  private static void flowMatching(HfMetadata hf, FamilyTally v) {
    Optional<HfComponent> scheduler =
        hf.components().stream()
            .filter(
                x -> x.className().startsWith("FlowMatch") && x.className().endsWith("Scheduler"))
            .findFirst();
    if (scheduler.isEmpty() || hf.component("transformer").isEmpty()) {
      return;
    }
    HfComponent s = scheduler.get();
    v.evidence(
        "model_index.json",
        s.name(),
        "[" + quote(s.library()) + ", " + quote(s.className()) + "]",
        "a flow-matching scheduler driving the transformer denoiser: a diffusion model");
    if (!v.decided()) {
      v.decide(Family.DIFFUSION, Confidence.STRUCTURE_STRONG);
    }
  }

  private void classifyConfig(HfConfig c, FamilyTally v) {
    Optional<String> diffusersClass = c.string("_class_name");
    if (diffusersClass.isPresent()) {
      Optional<Entry> e = catalogue.find(Kind.DIFFUSERS_MODEL, diffusersClass.get());
      if (e.isPresent()) {
        v.evidence(
            c.file(),
            c.keyPath("_class_name"),
            quote(diffusersClass.get()),
            "diffusers model in the catalogue: " + e.get().note());
        adopt(e.get(), v, Confidence.CATALOGUE);
        c.shown("cross_attention_dim")
            .ifPresent(
                x ->
                    v.evidence(
                        c.file(),
                        c.keyPath("cross_attention_dim"),
                        x,
                        "attends to a conditioning sequence (text prompts)"));
        return;
      }
      v.evidence(
          c.file(),
          c.keyPath("_class_name"),
          quote(diffusersClass.get()),
          "diffusers class not in the catalogue");
    }
    Optional<String> timm = c.string("architecture");
    if (timm.isPresent()
        && !c.has("model_type")
        && (c.has("pretrained_cfg") || c.has("num_features"))) {
      classifyTimm(c, timm.get(), v);
      return;
    }
    Optional<String> modelType = c.string("model_type");
    Optional<Entry> byType = modelType.flatMap(t -> catalogue.find(Kind.MODEL_TYPE, t));
    List<String> archs = c.strings("architectures");
    Optional<Entry> byClass = Optional.empty();
    String matchedClass = null;
    for (String a : archs) {
      byClass = catalogue.findByClassName(a);
      if (byClass.isPresent()) {
        matchedClass = a;
        break;
      }
    }
    if (byType.isPresent()) {
      Entry t = byType.get();
      v.evidence(
          c.file(),
          c.keyPath("model_type"),
          quote(modelType.get()),
          "in the catalogue: " + t.note());
      double conf = Confidence.CATALOGUE;
      if (byClass.isPresent() && byClass.get().family() == t.family()) {
        v.evidence(
            c.file(),
            c.keyPath("architectures"),
            showList(archs),
            "class " + matchedClass + " agrees (" + t.family().id() + ")");
        conf = Confidence.CATALOGUE_CONFIRMED;
      } else if (byClass.isPresent()) {
        v.evidence(
            c.file(),
            c.keyPath("architectures"),
            showList(archs),
            "class "
                + matchedClass
                + " looks like "
                + byClass.get().name()
                + " ("
                + byClass.get().family().id()
                + "); model_type decides");
        v.also(byClass.get().family(), "architectures class " + matchedClass);
        conf = Confidence.CATALOGUE_CONFLICT;
      }
      adopt(t, v, conf);
      nested(c, v);
      return;
    }
    if (modelType.isPresent()) {
      v.evidence(
          c.file(),
          c.keyPath("model_type"),
          quote(modelType.get()),
          "not one of the " + catalogue.count(Kind.MODEL_TYPE) + " model types in the catalogue");
    }
    if (byClass.isPresent()) {
      v.evidence(
          c.file(),
          c.keyPath("architectures"),
          showList(archs),
          "class "
              + matchedClass
              + " belongs to model type "
              + byClass.get().name()
              + ": "
              + byClass.get().note());
      adopt(byClass.get(), v, Confidence.CATALOGUE_BY_CLASS);
      return;
    }
    StructuralHints.apply(c, catalogue, v);
  }

  /**
   * timm writes {@code architecture} (e.g. {@code resnet50}) and {@code pretrained_cfg} instead of
   * a model_type.
   */
  private void classifyTimm(HfConfig c, String architecture, FamilyTally v) {
    Optional<Entry> e = catalogue.findTimm(architecture);
    if (e.isEmpty()) {
      v.evidence(
          c.file(),
          c.keyPath("architecture"),
          quote(architecture),
          "a timm model whose architecture is not in the catalogue");
      return;
    }
    v.evidence(
        c.file(),
        c.keyPath("architecture"),
        quote(architecture),
        "a timm " + quote(e.get().name()) + " architecture: " + e.get().note());
    if (e.get().family() == Family.UNKNOWN) {
      return;
    }
    adopt(e.get(), v, Confidence.CATALOGUE_BY_CLASS);
  }

  /** Evidence from nested configs of composite models (encoder/decoder, text/vision towers). */
  private void nested(HfConfig c, FamilyTally v) {
    for (String key :
        List.of("encoder", "decoder", "text_config", "vision_config", "audio_config")) {
      Optional<HfConfig> child = c.child(key);
      Optional<String> type = child.flatMap(x -> x.string("model_type"));
      if (type.isEmpty()) {
        continue;
      }
      Optional<Entry> e = catalogue.find(Kind.MODEL_TYPE, type.get());
      v.evidence(
          c.file(),
          child.get().keyPath("model_type"),
          quote(type.get()),
          e.map(x -> key + " part: " + x.note()).orElse(key + " part not in the catalogue"));
      if (e.isPresent() && e.get().family() != v.family()) {
        v.also(e.get().family(), "its " + key + " is " + e.get().name());
      }
    }
  }

  private static void adopt(Entry e, FamilyTally v, double confidence) {
    v.decide(e.family(), e.exact() ? confidence : Math.min(confidence, Confidence.CLOSEST));
    if (!e.exact()) {
      v.evidence(
          "catalogue",
          "certainty",
          "closest",
          e.family().id() + " is the nearest guideline family, not an exact one");
    }
    e.also().forEach(f -> v.also(f, "catalogue: " + e.note()));
  }

  static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static String showList(List<String> items) {
    return items.stream().map(HfConfigClassifier::quote).toList().toString();
  }
}
