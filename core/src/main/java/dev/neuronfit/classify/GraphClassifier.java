package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides the family of a graph-format model (ONNX) from its operators, the way a person reads a
 * graph in Netron: RoI pooling with proposal logic is an R-CNN; a timestep embedding that
 * conditions a UNet or cross-attention is a diffusion model; recurrent ops make an LSTM-family
 * model; attention blocks make a transformer ({@link TransformerFamily} says which); convolutions
 * alone make a CNN. Where several families show, the first in that order wins, except that
 * convolutions holding most of the layer weights outrank attention; the others go to alsoMatches.
 * docs/classification.md describes the rules for users.
 */
final class GraphClassifier {
  /** Fewer convolutions than this (without a pooling and dense head) are a fragment. */
  static final int MIN_CONVS = 3;

  private final GraphIndex g;
  private final GraphEvidence text;
  private final AttentionSignals att;
  private final SequenceSignals seq;
  private final ConvSignals conv;
  private final RecurrentSignals rec;
  private final DetectionSignals det;
  private final TimestepSignals time;
  private final TransformerFamily transformer;

  private GraphClassifier(GraphIndex g) {
    this.g = g;
    this.text = new GraphEvidence(g);
    this.att = AttentionSignals.find(g);
    this.seq = SequenceSignals.find(g);
    this.conv = ConvSignals.find(g);
    this.rec = RecurrentSignals.find(g);
    this.det = DetectionSignals.find(g);
    this.time = TimestepSignals.find(g);
    this.transformer = new TransformerFamily(g, att, seq, conv, text);
  }

  static void classify(ModelProfile profile, Graph graph, FamilyTally v) {
    new GraphClassifier(new GraphIndex(profile, graph)).decide(v);
  }

  private void decide(FamilyTally v) {
    List<FamilyCall> order = new ArrayList<>();
    rcnn().ifPresent(order::add);
    diffusion().ifPresent(order::add);
    recurrent().ifPresent(order::add);
    Optional<FamilyCall> attention = transformer.call();
    Optional<FamilyCall> cnn = cnn();
    // a CNN with an attention block or two (non-local blocks, DETR's head) stays a CNN while
    // its kernels hold most of the weights; a ViT's patch Conv holds few
    boolean convsDominate = conv.paramShare() >= 0.5 || conv.paramShare() < 0;
    (convsDominate ? cnn : attention).ifPresent(order::add);
    (convsDominate ? attention : cnn).ifPresent(order::add);
    if (order.isEmpty()) {
      signature().ifPresent(order::add);
    }
    if (order.isEmpty()) {
      unknown().forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
      return;
    }
    FamilyCall chosen = order.get(0);
    chosen.evidence().forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
    v.decide(chosen.family(), chosen.confidence());
    for (FamilyCall other : order.subList(1, order.size())) {
      // a denoising UNet's attention is part of the UNet, not a transformer model of its own
      if (chosen.family() != Family.DIFFUSION || other.family() == Family.CNN) {
        v.also(other.family(), other.summary());
      }
    }
  }

  private Optional<FamilyCall> rcnn() {
    if (det.roi.isEmpty() || !det.proposals()) {
      return Optional.empty();
    }
    List<Integer> proposals = new ArrayList<>(det.proposers);
    proposals.addAll(det.nms);
    return Optional.of(
        new FamilyCall(
            Family.R_CNN,
            Confidence.STRUCTURE_STRONG,
            List.of(
                text.of(
                    "RoI pooling",
                    text.nodes(det.roi),
                    "regions of interest pooled from feature maps"),
                text.of(
                    "region proposals",
                    text.nodes(proposals),
                    "proposals scored and filtered (RPN stage)")),
            "RoI pooling with proposal logic (" + text.ops(det.roi) + ")"));
  }

  private Optional<FamilyCall> diffusion() {
    if (time.timestep.isEmpty()) {
      return Optional.empty();
    }
    List<Evidence> e = new ArrayList<>();
    TimestepSignals.Timestep t = time.timestep.get();
    e.add(
        text.of(
            "timestep input",
            t.input().name() + " " + t.input().shapeText() + ": " + t.how(),
            "a per-sample timestep embedding conditions the network"));
    if (!conv.skipConcats.isEmpty()) {
      e.add(
          text.of(
              "skip concatenations",
              text.nodes(conv.skipConcats),
              "UNet skip connections: upsampled features joined with down-path features"));
    }
    if (!att.cross().isEmpty()) {
      e.add(
          TransformerFamily.cross(
              att, text, "the denoiser attends to the conditioning (text) embeddings"));
    }
    time.denoiserOutput.ifPresent(
        o ->
            e.add(
                text.of(
                    "output",
                    o.name() + " " + o.shapeText(),
                    "shaped like the input sample: predicted noise or a denoised sample")));
    int support = e.size() - 1;
    if (support == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new FamilyCall(
            Family.DIFFUSION,
            FamilyCall.confidence(support >= 2),
            e,
            "a timestep input conditioning the network"));
  }

  private Optional<FamilyCall> recurrent() {
    if (!rec.any()) {
      return Optional.empty();
    }
    List<Evidence> e = new ArrayList<>();
    if (!rec.ops.isEmpty()) {
      boolean lone = g.size() == 1;
      e.add(
          text.of(
              "recurrent layers",
              text.nodes(rec.ops),
              lone
                  ? "a lone recurrent op: the whole model is one recurrent layer"
                  : "recurrent layers run step by step over the sequence"));
    }
    for (RecurrentSignals.Unrolled u : rec.unrolled) {
      e.add(
          text.of(
              "unrolled recurrence",
              g.shownOp(u.node()) + " " + g.label(u.node()) + " whose body has " + u.ops(),
              "a recurrent cell written out as a loop body with gates"));
    }
    if (cnnEnough()) {
      e.add(convolutions("a convolutional front end feeding the recurrent layers (CRNN)"));
    }
    List<Integer> all = new ArrayList<>(rec.ops);
    rec.unrolled.forEach(u -> all.add(u.node()));
    // a recurrent op is unambiguous; only a lone op or a loop body read as a cell is less sure
    boolean strong = rec.ops.size() >= 2 || (!rec.ops.isEmpty() && g.size() > 1);
    return Optional.of(
        new FamilyCall(
            Family.LSTM,
            FamilyCall.confidence(strong),
            e,
            "recurrent layers (" + text.ops(all) + ")"));
  }

  private Optional<FamilyCall> cnn() {
    if (!cnnEnough()) {
      return Optional.empty();
    }
    List<Evidence> e = new ArrayList<>();
    e.add(convolutions("a convolutional network"));
    if (!conv.skipConcats.isEmpty() && time.timestep.isEmpty()) {
      e.add(
          text.of(
              "skip concatenations",
              text.nodes(conv.skipConcats) + ", but no timestep input",
              "upsampled features joined with earlier feature maps (UNet or FPN style) without"
                  + " timestep conditioning: not a denoising diffusion model"));
    }
    // dense heads can outweigh the kernels (VGG's classifier holds most of its weights); the
    // share matters only when attention competes for the model
    double share = conv.paramShare();
    boolean strong =
        conv.convs.size() >= MIN_CONVS && (att.blocks.isEmpty() || share < 0 || share >= 0.5);
    return Optional.of(
        new FamilyCall(
            Family.CNN, FamilyCall.confidence(strong), e, conv.convs.size() + " convolutions"));
  }

  /** Only the inputs and outputs say something: incremental decoding by its cache signature. */
  private Optional<FamilyCall> signature() {
    if (!seq.kvCacheSignature() || (seq.tokenInputs.isEmpty() && seq.logits.isEmpty())) {
      return Optional.empty();
    }
    boolean cross = !seq.crossNames.isEmpty();
    String value =
        "inputs "
            + seq.pastInputs
            + " with outputs "
            + seq.presentOutputs
            + (seq.logits.isEmpty() ? "" : " and " + seq.logits)
            + (cross ? "; cross-attention state " + seq.crossNames : "");
    String meaning =
        (cross ? "a decoder with self- and cross-attention caches" : "a decoder with a KV cache")
            + ", read from input and output names only"
            + (g.size() == 0 ? " (the graph has no nodes)" : "");
    return Optional.of(
        new FamilyCall(
            cross ? Family.TRANSFORMER_ENCODER_DECODER : Family.TRANSFORMER_DECODER,
            Confidence.STRUCTURE_WEAK,
            List.of(text.of("I/O signature", value, meaning)),
            "a KV-cache signature"));
  }

  /** What was looked at, for a model no family has enough evidence for. */
  private List<Evidence> unknown() {
    List<Evidence> e = new ArrayList<>();
    e.add(
        text.of(
            "operators",
            g.size() == 0
                ? "none: the graph declares only inputs and outputs"
                : g.size() + (g.size() == 1 ? " node: " : " nodes: ") + text.topOps(6),
            "no family has enough evidence"));
    List<Integer> blocks = att.blocks.stream().map(AttentionSignals.Block::node).toList();
    e.add(
        text.of(
            "attention blocks",
            blocks.isEmpty()
                ? "none"
                : text.nodes(blocks)
                    + att.blocks.get(0).causal().map(c -> " (causal: " + c + ")").orElse(""),
            blocks.isEmpty()
                ? "no MatMul → Softmax → MatMul and no fused attention op"
                : "one attention block without token or patch embedding is a fragment, not a"
                    + " model"));
    e.add(
        text.of(
            "recurrent layers",
            "none",
            "no LSTM, GRU or RNN op and no Loop/Scan body with Sigmoid and Tanh gates"));
    e.add(
        text.of(
            "convolutions",
            conv.convs.isEmpty() ? "none" : text.nodes(conv.convs),
            "fewer than " + MIN_CONVS + " convolutions is a fragment, not a CNN"));
    if (!det.roi.isEmpty()) {
      e.add(
          text.of(
              "RoI pooling",
              text.nodes(det.roi),
              "RoI pooling without proposal logic (TopK, NonMaxSuppression) is not a whole"
                  + " R-CNN"));
    }
    if (g.size() == 0) {
      e.add(
          text.of(
              "I/O signature",
              "inputs "
                  + g.graph.inputs().stream().map(ValueInfo::name).toList()
                  + ", outputs "
                  + g.graph.outputs().stream().map(ValueInfo::name).toList(),
              "no past/present cache with token inputs or logits"));
    }
    return e;
  }

  /** Three convolutions, or two with pooling and a dense head (a small but whole CNN). */
  private boolean cnnEnough() {
    int n = conv.convs.size();
    return n >= MIN_CONVS || (n == 2 && !conv.pools.isEmpty() && !conv.denseLayers.isEmpty());
  }

  private Evidence convolutions(String meaning) {
    double share = conv.paramShare();
    String value =
        text.nodes(conv.convs)
            + "; "
            + Math.round(100.0 * conv.convs.size() / Math.max(1, conv.computeNodes))
            + "% of "
            + conv.computeNodes
            + " compute nodes"
            + (share < 0
                ? ""
                : "; kernels hold "
                    + Math.round(100 * share)
                    + "% of "
                    + conv.layerParams
                    + " layer weights");
    return text.of("convolutions", value, meaning);
  }
}
