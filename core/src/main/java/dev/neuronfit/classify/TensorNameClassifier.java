package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Guesses a family from the names and ranks of stored tensors, the way a person reads a state dict:
 * {@code rpn.} with {@code roi_heads.} is a two-stage detector, {@code weight_ih_l0} a recurrent
 * layer, {@code time_embedding} with down and up blocks a diffusion UNet, and so on. Used when a
 * model has no configuration the catalogue knows, e.g. a folder of safetensors alone.
 */
final class TensorNameClassifier {
  private static final int EXAMPLES = 1;

  private TensorNameClassifier() {}

  /** One named pattern over tensor names. */
  private record Signal(String label, Predicate<String> test) {
    static Signal contains(String... parts) {
      return new Signal(
          String.join(" or ", parts),
          n -> {
            for (String p : parts) {
              if (n.contains(p)) {
                return true;
              }
            }
            return false;
          });
    }

    static Signal regex(String label, String regex) {
      Pattern p = Pattern.compile(regex);
      return new Signal(label, n -> p.matcher(n).find());
    }
  }

  private static final Signal RPN = Signal.contains("rpn.", "proposal_generator.");
  private static final Signal ROI_HEADS = Signal.contains("roi_heads.");
  private static final Signal TIME_EMBED = Signal.contains("time_embedding", "time_embed", "temb");
  private static final Signal UNET_BLOCKS =
      Signal.regex(
          "down_blocks, up_blocks, input_blocks, output_blocks, downs, ups, downN, upN",
          "(^|\\.)(down_blocks|up_blocks|input_blocks|output_blocks|downs|ups|down\\d+|up\\d+)\\.");
  private static final Signal RECURRENT =
      // nn.LSTM/GRU/RNN name them weight_ih_l0 (and _reverse); nn.LSTMCell/GRUCell weight_ih
      Signal.regex("weight_ih / weight_hh", "(^|\\.)weight_[ih]h(_l\\d+)?(_reverse)?$");
  private static final Signal CROSS_ATTN =
      Signal.contains(
          "encoder_attn.",
          "EncDecAttention.",
          "crossattention.",
          "cross_attn.",
          "cross_attention.");
  private static final Signal ENCODER_LAYERS =
      Signal.regex(
          "encoder.(layer|layers|block).N", "(^|\\.)encoder\\.(layer|layers|block)\\.\\d+\\.");
  private static final Signal DECODER_LAYERS =
      Signal.regex(
          "decoder.(layer|layers|block).N", "(^|\\.)decoder\\.(layer|layers|block)\\.\\d+\\.");
  private static final Signal PATCH_EMBED =
      Signal.contains(
          "patch_embed", "patch_embeddings", "conv_proj.", "class_embedding", "cls_token");
  private static final Signal ATTENTION =
      Signal.regex(
          "attention weights (attn, self_attn, attention, q_proj, qkv)",
          "(attn|attention|q_proj|qkv|query)[._]");
  private static final Signal LM_HEAD =
      // lm_head (Hugging Face), output (Meta's checkpoints and torchtune) beside tok_embeddings
      Signal.regex("lm_head. or output.weight", "(^|\\.)lm_head\\.|^output\\.weight$");
  private static final Signal GPT2_BLOCKS =
      Signal.regex("h.N.attn.c_attn", "(^|\\.)h\\.\\d+\\.attn\\.c_attn");
  private static final Signal DECODER_ONLY_LAYERS =
      // Hugging Face Llama-style, Meta's own checkpoints (attention.wq) and torchtune (attn.q_proj)
      Signal.regex(
          "layers.N.self_attn, layers.N.attention.wq, layers.N.attn.q_proj",
          "(^|\\.)layers\\.\\d+\\.(self_attn\\.|attention\\.w[qkvo]\\.|attn\\.[qkv]_proj\\.)");
  private static final Signal GATED_MLP =
      Signal.regex(
          "gated MLP (mlp.gate_proj, mlp.up_proj, feed_forward.w3, mlp.w3)",
          "(mlp\\.(gate_proj|up_proj)|(feed_forward|mlp|ffn)\\.w3)\\.");
  private static final Signal BERT_LAYERS =
      Signal.regex("encoder.layer.N.attention", "encoder\\.layer\\.\\d+\\.attention\\.");
  private static final Signal WORD_EMBEDDINGS = Signal.contains("word_embeddings");

  static void classify(List<TensorInfo> tensors, FamilyTally v) {
    if (tensors.isEmpty()) {
      return;
    }
    List<String> names = tensors.stream().map(TensorInfo::name).toList();
    String src = tensors.get(0).file();
    Hits rpn = hits(names, RPN);
    Hits roi = hits(names, ROI_HEADS);
    // convolution kernels are 3-D (Conv1d), 4-D (Conv2d) or 5-D (Conv3d)
    long convKernels = tensors.stream().filter(t -> t.rank() >= 3 && t.rank() <= 5).count();
    long matrices = tensors.stream().filter(t -> t.rank() == 2).count();
    Hits attention = hits(names, ATTENTION);
    boolean convMajority =
        convKernels > 0 && convKernels * 2 >= convKernels + matrices && attention.count == 0;

    if (rpn.count > 0 && roi.count > 0) {
      note(v, src, rpn, "a region proposal network");
      note(v, src, roi, "RoI heads that classify the proposed regions");
      v.decide(Family.R_CNN, Confidence.STRUCTURE_STRONG);
      v.also(Family.CNN, convKernels + " convolution kernels in the backbone");
      backbone(tensors, src, v);
      return;
    }
    Hits time = hits(names, TIME_EMBED);
    Hits blocks = hits(names, UNET_BLOCKS);
    if (time.count > 0 && blocks.count > 0) {
      note(v, src, time, "a timestep embedding");
      note(v, src, blocks, "UNet down and up blocks");
      v.decide(Family.DIFFUSION, Confidence.STRUCTURE_STRONG);
      return;
    }
    if (time.count > 0 && convKernels >= 3 && attention.count == 0) {
      note(v, src, time, "a timestep embedding");
      v.evidence(
          src,
          "tensor ranks",
          convKernels + " of " + tensors.size() + " tensors are convolution kernels",
          "a convolutional denoiser conditioned on the timestep");
      v.decide(Family.DIFFUSION, Confidence.STRUCTURE_WEAK);
      v.also(Family.CNN, "the denoiser is convolutional");
      return;
    }
    Hits rec = hits(names, RECURRENT);
    if (rec.count > 0) {
      note(v, src, rec, "recurrent (LSTM/GRU/RNN) layer weights");
      v.decide(
          Family.LSTM, convKernels > 0 ? Confidence.STRUCTURE_WEAK : Confidence.STRUCTURE_STRONG);
      if (convKernels > 0) {
        v.also(Family.CNN, convKernels + " convolution kernels (a CNN front end)");
      }
      return;
    }
    Hits cross = hits(names, CROSS_ATTN);
    Hits enc = hits(names, ENCODER_LAYERS);
    Hits dec = hits(names, DECODER_LAYERS);
    if (cross.count > 0 && (enc.count > 0 || dec.count > 0)) {
      note(v, src, cross, "decoder layers attend to the encoder's output (cross-attention)");
      if (enc.count > 0) {
        note(v, src, enc, "encoder layers");
      }
      v.decide(Family.TRANSFORMER_ENCODER_DECODER, Confidence.STRUCTURE_STRONG);
      return;
    }
    Hits patch = hits(names, PATCH_EMBED);
    if (patch.count > 0 && attention.count > 0) {
      note(v, src, patch, "a patch embedding of the input image");
      note(v, src, attention, "attention blocks");
      v.decide(Family.VISION_TRANSFORMER, Confidence.STRUCTURE_STRONG);
      return;
    }
    Hits gpt2 = hits(names, GPT2_BLOCKS);
    Hits lmHead = hits(names, LM_HEAD);
    Hits layers = hits(names, DECODER_ONLY_LAYERS);
    Hits gated = hits(names, GATED_MLP);
    if (gpt2.count > 0 || (layers.count > 0 && (lmHead.count > 0 || gated.count > 0))) {
      note(v, src, gpt2.count > 0 ? gpt2 : layers, "decoder blocks with causal self-attention");
      if (lmHead.count > 0) {
        note(v, src, lmHead, "a language-model head over the vocabulary");
      }
      if (gated.count > 0) {
        note(v, src, gated, "gated MLPs as used by Llama-style decoders");
      }
      v.decide(
          Family.TRANSFORMER_DECODER,
          lmHead.count > 0 || gpt2.count > 0
              ? Confidence.STRUCTURE_STRONG
              : Confidence.STRUCTURE_WEAK);
      return;
    }
    Hits bert = hits(names, BERT_LAYERS);
    Hits words = hits(names, WORD_EMBEDDINGS);
    if (bert.count > 0) {
      note(v, src, bert, "encoder layers with bidirectional self-attention");
      if (words.count > 0) {
        note(v, src, words, "token embeddings");
      }
      v.decide(Family.TRANSFORMER_ENCODER, Confidence.STRUCTURE_STRONG);
      return;
    }
    if (convMajority) {
      v.evidence(
          src,
          "tensor ranks",
          convKernels + " of " + tensors.size() + " tensors are convolution kernels",
          "a convolutional network without attention");
      Optional<ResNetBackbone> resnet = ResNetBackbone.of(tensors);
      resnet.ifPresent(
          b ->
              v.evidence(
                  src,
                  "tensor names",
                  "layer1 ... layer4 with blocks " + b.blocks(),
                  "the stages of a ResNet-" + b.depth()));
      v.decide(
          Family.CNN, resnet.isPresent() ? Confidence.STRUCTURE_STRONG : Confidence.STRUCTURE_WEAK);
      return;
    }
    v.evidence(
        src,
        "tensor names",
        tensors.size() + " tensors, e.g. " + names.get(0),
        "no family pattern matched the tensor names");
  }

  /** For R-CNNs, the depth of a torchvision-style ResNet backbone. */
  private static void backbone(List<TensorInfo> tensors, String src, FamilyTally v) {
    ResNetBackbone.of(tensors)
        .ifPresent(
            b ->
                v.evidence(
                    src,
                    "backbone stages",
                    "blocks " + b.blocks() + (b.bottleneck() ? " (bottleneck)" : " (basic)"),
                    "a ResNet-" + b.depth() + " backbone"));
  }

  private record Hits(int count, List<String> examples, String label) {}

  private static Hits hits(List<String> names, Signal s) {
    int count = 0;
    List<String> examples = new ArrayList<>();
    for (String n : names) {
      if (s.test().test(n)) {
        count++;
        if (examples.size() < EXAMPLES) {
          examples.add(n);
        }
      }
    }
    return new Hits(count, examples, s.label());
  }

  private static void note(FamilyTally v, String src, Hits h, String meaning) {
    String value =
        h.count
            + " tensor"
            + (h.count == 1 ? "" : "s")
            + " matching "
            + h.label.toLowerCase(Locale.ROOT)
            + (h.examples.isEmpty() ? "" : ", e.g. " + h.examples.get(0));
    v.evidence(src, "tensor names", value, meaning);
  }
}
