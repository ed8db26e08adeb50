package dev.neuronfit.classify;

import dev.neuronfit.classify.TorchClassNames.Match;
import dev.neuronfit.classify.TorchScriptSignals.Hits;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Family detection for PyTorch files.
 *
 * <p>TorchScript archives, in this order: the module classes (the root's, then the others in module
 * order) when one comes from a library neuronfit knows (torchvision, detectron2, {@code torch.nn},
 * timm, transformers, diffusers; 0.85); then the operators the code calls (R-CNN, diffusion, LSTM,
 * transformers, CNN, as for ONNX graphs; 0.80 with several signals, 0.60 with one); then the names
 * of the stored tensors ({@link TensorNameClassifier}); last, a word in the root class's name such
 * as {@code ViT} (0.60).
 *
 * <p>torch.save checkpoints: the classes of a pickled whole model (found as {@code pickle-import}
 * hazards) when one comes from a known library; otherwise the tensor names decide, which {@link
 * Classifier} does after this class; a word in the root class's name is the last resort.
 */
final class TorchClassifier {
  private TorchClassifier() {}

  /** Fills {@code v} from what the model's reader recorded; leaves it undecided when unsure. */
  static void classify(ModelProfile profile, FamilyTally v) {
    classify(profile, v, TorchClassNames.shipped());
  }

  static void classify(ModelProfile profile, FamilyTally v, TorchClassNames names) {
    if (profile.format() == ModelFormat.TORCHSCRIPT && profile.graph().isPresent()) {
      script(profile, profile.graph().get(), v, names);
    } else if (profile.format() == ModelFormat.PYTORCH_CHECKPOINT) {
      checkpoint(profile, v, names);
    }
  }

  private static void checkpoint(ModelProfile profile, FamilyTally v, TorchClassNames names) {
    List<String> classes = new ArrayList<>();
    for (Hazard h : profile.hazards()) {
      if (h.kind().equals("pickle-import")) {
        classes.add(h.detail().split(" ", 2)[0]);
      }
    }
    String src = profile.tensors().isEmpty() ? "pickle" : profile.tensors().get(0).file();
    if (byLibraryClass(classes, src, v, names)) {
      return;
    }
    if (profile.tensors().isEmpty() && classes.isEmpty()) {
      v.evidence(src, "tensors", "none", "the pickle declares no tensors and no module classes");
      return;
    }
    FamilyTally byNames = new FamilyTally();
    TensorNameClassifier.classify(profile.tensors(), byNames);
    if (byNames.decided()) {
      TensorNameClassifier.classify(profile.tensors(), v);
    } else if (!classes.isEmpty()) {
      // when this leaves v undecided, Classifier runs the tensor names and reports them
      byWord(classes.get(0), src, v);
    }
  }

  private static void script(ModelProfile profile, Graph g, FamilyTally v, TorchClassNames names) {
    String root = g.metadata().getOrDefault("torchscript.root", "");
    List<String> classes = new ArrayList<>();
    if (!root.isEmpty()) {
      classes.add(root);
    }
    for (String line : g.metadata().getOrDefault("torchscript.modules", "").split("\n")) {
      int tab = line.indexOf('\t');
      if (tab >= 0 && !classes.contains(line.substring(tab + 1))) {
        classes.add(line.substring(tab + 1));
      }
    }
    TorchScriptSignals s = new TorchScriptSignals(g, profile.tensors());
    String src = "code/";
    // the root module's class decides; a submodule's class (a torchvision backbone inside a
    // detector) only when the operators do not
    if (byLibraryClass(
        classes.isEmpty() ? List.of() : classes.subList(0, 1), "data.pkl", v, names)) {
      Family byOps = byOperators(s, src, new FamilyTally());
      if (byOps != Family.UNKNOWN && byOps != v.family()) {
        v.also(byOps, "the operators point to " + byOps.id());
      }
      return;
    }
    byOperators(s, src, v);
    List<String> inner = classes.size() > 1 ? classes.subList(1, classes.size()) : List.of();
    if (v.decided()) {
      for (String c : inner) {
        Optional<Match> m = names.library(c);
        if (m.isPresent() && m.get().family() == v.family()) {
          v.evidence("data.pkl", "module class", c, m.get().reason() + ", which agrees");
          break;
        }
      }
      return;
    }
    if (!byLibraryClass(inner, "data.pkl", v, names)) {
      TensorNameClassifier.classify(profile.tensors(), v);
    }
    if (!v.decided() && !root.isEmpty()) {
      byWord(root, "data.pkl", v);
    }
    if (!v.decided()) {
      v.evidence(src, "operators", top(s.ops), "no family's operators found");
    }
  }

  /** The first class (in the order given) from a known library decides. */
  private static boolean byLibraryClass(
      List<String> classes, String src, FamilyTally v, TorchClassNames names) {
    for (String c : classes) {
      Optional<Match> m = names.library(c);
      if (m.isPresent() && m.get().family() != Family.UNKNOWN) {
        v.evidence(src, "module class", c, m.get().reason() + ": " + m.get().family().id());
        v.decide(m.get().family(), Confidence.CATALOGUE_BY_CLASS);
        if (m.get().family() == Family.R_CNN) {
          v.also(Family.CNN, "an R-CNN has a convolutional backbone");
        }
        return true;
      }
    }
    return false;
  }

  private static void byWord(String cls, String src, FamilyTally v) {
    TorchClassNames.word(cls)
        .ifPresent(
            m -> {
              v.evidence(src, "module class", cls, m.reason() + ": " + m.family().id());
              v.decide(m.family(), Confidence.STRUCTURE_WEAK);
            });
  }

  /** Decides from the operators, as for ONNX graphs; returns the family (UNKNOWN if none). */
  static Family byOperators(TorchScriptSignals s, String src, FamilyTally v) {
    if (s.roi.any() && s.proposals.any()) {
      note(v, src, s.roi, "RoI pooling of proposed regions");
      note(v, src, s.proposals, "proposal selection (NMS or top-k)");
      v.decide(Family.R_CNN, Confidence.STRUCTURE_STRONG);
      if (s.conv.any()) {
        v.also(Family.CNN, s.conv.count() + " convolutions in the backbone");
      }
      return Family.R_CNN;
    }
    int unet = (s.upsampling.any() && s.concat.any() ? 1 : 0) + (s.attention.any() ? 1 : 0);
    if (s.sinusoid.any() && s.conv.count() >= 3 && unet > 0) {
      note(v, src, s.sinusoid, "a sinusoidal timestep embedding (sin, cos and exp)");
      if (s.upsampling.any() && s.concat.any()) {
        note(v, src, s.upsampling, "upsampling whose output is concatenated with skip features");
      }
      note(v, src, s.conv, "convolutions of a denoising UNet");
      v.decide(
          Family.DIFFUSION,
          unet >= 2 || s.upsampling.any()
              ? Confidence.STRUCTURE_STRONG
              : Confidence.STRUCTURE_WEAK);
      v.also(Family.CNN, "the denoiser is a convolutional UNet");
      return Family.DIFFUSION;
    }
    if (s.recurrent.any()) {
      note(v, src, s.recurrent, "recurrent layers (the guideline's LSTM family)");
      v.decide(Family.LSTM, Confidence.STRUCTURE_STRONG);
      if (s.conv.count() >= 3) {
        v.also(Family.CNN, s.conv.count() + " convolutions feed the recurrent layers");
      }
      return Family.LSTM;
    }
    boolean kernelsDominate = s.layerElements > 0 && s.kernelElements * 2 >= s.layerElements;
    if (s.attention.any()
        && (s.norms.any() || s.embeddings.any() || s.attention.count() >= 2)
        && !(s.conv.count() >= 3 && kernelsDominate)) {
      return transformer(s, src, v);
    }
    if (s.conv.count() >= 3
        || s.conv.count() >= 2 && s.ops.keySet().stream().anyMatch(o -> o.contains("pool"))) {
      note(v, src, s.conv, "convolutions");
      v.decide(
          Family.CNN,
          s.conv.count() >= 3 ? Confidence.STRUCTURE_STRONG : Confidence.STRUCTURE_WEAK);
      if (s.attention.any()) {
        v.also(
            Family.VISION_TRANSFORMER,
            "attention beside the convolutions, which hold most weights");
      }
      return Family.CNN;
    }
    return Family.UNKNOWN;
  }

  private static Family transformer(TorchScriptSignals s, String src, FamilyTally v) {
    note(v, src, s.attention, "attention (softmax between two products, or a fused attention op)");
    Optional<ScriptStacks.EncoderDecoder> encDec = s.stacks().encoderDecoder();
    if (encDec.isPresent()) {
      return encoderDecoder(s.stacks(), encDec.get(), s, src, v);
    }
    Family f;
    if (s.causal.any()) {
      note(v, src, s.causal, "a causal mask: each position sees only earlier ones");
      f = Family.TRANSFORMER_DECODER;
    } else if (s.patches.any()) {
      note(v, src, s.patches, "a patch embedding of the input image");
      f = Family.VISION_TRANSFORMER;
    } else {
      if (s.embeddings.any()) {
        note(v, src, s.embeddings, "token embeddings");
      }
      f = Family.TRANSFORMER_ENCODER;
    }
    boolean strong = s.causal.any() || s.patches.any() || s.embeddings.any();
    v.decide(f, strong ? Confidence.STRUCTURE_STRONG : Confidence.STRUCTURE_WEAK);
    return f;
  }

  /** Two stacks joined by cross-attention, as the code runs them. */
  private static Family encoderDecoder(
      ScriptStacks st,
      ScriptStacks.EncoderDecoder ed,
      TorchScriptSignals s,
      String src,
      FamilyTally v) {
    String sources = String.join(", ", st.inputs(ed.source()));
    String targets = String.join(", ", st.inputs(ed.target()));
    boolean twoStacks = !ed.encoder().isEmpty();
    if (twoStacks) {
      v.evidence(
          src,
          "encoder stack",
          blocks(ed.encoder().size(), "self-attention block")
              + " over "
              + sources
              + ", e.g. "
              + where(st, ed.encoder().get(0)),
          "the source sequence is encoded by a stack of its own");
    }
    v.evidence(
        src,
        "decoder stack",
        blocks(ed.decoder().size(), "self-attention block")
            + " and "
            + blocks(ed.cross().size(), "cross-attention block")
            + " over "
            + targets,
        "the target sequence runs through a second stack");
    ScriptStacks.Block c = ed.cross().get(0);
    v.evidence(
        src,
        "cross-attention",
        ed.cross().size()
            + (ed.cross().size() == 1 ? " block" : " blocks")
            + ", e.g. "
            + where(st, c)
            + ": queries from "
            + targets
            + ", keys and values from "
            + (ed.fromEncoder() > 0 ? "the encoder stack's output over " : "input ")
            + sources,
        "decoder blocks attend to the encoder's output");
    if (s.causal.any()) {
      note(v, src, s.causal, "a causal mask: each position sees only earlier ones");
    }
    v.decide(
        Family.TRANSFORMER_ENCODER_DECODER,
        twoStacks || !ed.decoder().isEmpty()
            ? Confidence.STRUCTURE_STRONG
            : Confidence.STRUCTURE_WEAK);
    return Family.TRANSFORMER_ENCODER_DECODER;
  }

  private static String blocks(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  private static String where(ScriptStacks st, ScriptStacks.Block b) {
    OpNode n = st.node(b);
    return n.qualifiedOp()
        + " at "
        + (n.scope().isEmpty() ? n.name() : n.name() + " in " + n.scope());
  }

  private static void note(FamilyTally v, String src, Hits h, String meaning) {
    v.evidence(
        src,
        "operators",
        h.count() + " node" + (h.count() == 1 ? "" : "s") + ", e.g. " + h.example(),
        meaning);
  }

  private static String top(Map<String, Integer> ops) {
    return ops.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(8)
        .map(e -> e.getKey() + " " + e.getValue())
        .reduce((a, b) -> a + ", " + b)
        .orElse("no operator calls");
  }
}
