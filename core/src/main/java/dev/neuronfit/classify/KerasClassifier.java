package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Family detection for Keras models from their layers (graph nodes of domain {@code keras}, one per
 * layer, wrapped and nested layers included) and, for custom layers whose config hides their
 * insides, the names of their weights. The families are tried in the order of graph models (see
 * docs/classification.md): R-CNN, diffusion, recurrent, then transformers and CNNs weighed against
 * each other; the first that applies decides and the others go to alsoMatches.
 */
final class KerasClassifier {
  private static final Set<String> RECURRENT =
      Set.of(
          "LSTM",
          "GRU",
          "SimpleRNN",
          "CuDNNLSTM",
          "CuDNNGRU",
          "ConvLSTM1D",
          "ConvLSTM2D",
          "ConvLSTM3D",
          "LSTMCell",
          "GRUCell",
          "SimpleRNNCell",
          "StackedRNNCells",
          "RNN");
  private static final Set<String> GATED =
      Set.of(
          "LSTM",
          "GRU",
          "CuDNNLSTM",
          "CuDNNGRU",
          "LSTMCell",
          "GRUCell",
          "ConvLSTM1D",
          "ConvLSTM2D",
          "ConvLSTM3D");
  private static final Set<String> ATTENTION =
      Set.of(
          "MultiHeadAttention",
          "Attention",
          "AdditiveAttention",
          "GroupedQueryAttention",
          "GroupQueryAttention",
          "CachedMultiHeadAttention");
  private static final Pattern CONV =
      Pattern.compile(
          "(Conv|Convolution|SeparableConv|SeparableConvolution|DepthwiseConv|Deconvolution|AtrousConvolution)[123]D(Transpose)?");
  private static final Pattern CUSTOM_BLOCK =
      Pattern.compile(".*(Transformer|Attention|(Encoder|Decoder)(Block|Layer)).*");
  private static final Pattern POSITIONAL =
      Pattern.compile(".*(Position|Positional|Sinusoid|Rotary).*");
  private static final Pattern PATCHES =
      Pattern.compile(".*Patch(es|Encoder|Embed|Embedding|Extract).*");
  private static final Pattern ROI = Pattern.compile(".*(RoI|ROI|Roi)(Align|Pool).*");
  private static final Pattern PROPOSALS =
      Pattern.compile(".*(Proposal|DetectionLayer|NonMaxSuppression).*");
  private static final Pattern TIMESTEP =
      Pattern.compile("(?i).*time(step)?_?(embed|embedding).*|.*Timestep.*");
  private static final Set<String> QUERY = Set.of("query", "query_dense", "q_proj", "wq");
  private static final Set<String> KEY = Set.of("key", "key_dense", "k_proj", "wk");

  private final List<OpNode> layers;
  private final List<TensorInfo> tensors;
  private final String source;
  private final Graph graph;

  private KerasClassifier(Graph graph, List<TensorInfo> tensors) {
    this.graph = graph;
    // containers and wrappers are counted through the layers inside them
    this.layers =
        graph.nodes().stream()
            .filter(n -> n.attribute("layers").isEmpty())
            .filter(
                n -> !n.opType().equals("Bidirectional") && !n.opType().equals("TimeDistributed"))
            .toList();
    this.tensors = tensors;
    this.source =
        "keras".equals(graph.metadata().get("keras_format")) ? "config.json" : "model_config";
  }

  /** Fills {@code v} from what the model's reader recorded; leaves it undecided when unsure. */
  static void classify(ModelProfile profile, FamilyTally v) {
    if (profile.graph().isEmpty()) {
      return;
    }
    new KerasClassifier(profile.graph().get(), profile.tensors()).decide(v);
  }

  private List<OpNode> where(java.util.function.Predicate<OpNode> p) {
    return layers.stream().filter(p).toList();
  }

  private void decide(FamilyTally v) {
    List<OpNode> rec = where(n -> RECURRENT.contains(n.opType()));
    List<OpNode> conv = where(n -> CONV.matcher(n.opType()).matches());
    List<OpNode> att = where(n -> ATTENTION.contains(n.opType()));
    List<OpNode> custom =
        where(n -> !ATTENTION.contains(n.opType()) && CUSTOM_BLOCK.matcher(n.opType()).matches());
    List<OpNode> positional = where(n -> POSITIONAL.matcher(n.opType()).matches());
    List<OpNode> embed =
        where(
            n ->
                n.opType().contains("Embedding")
                    && !PATCHES.matcher(n.opType()).matches()
                    && (n.opType().contains("Token") || !positional.contains(n)));
    List<OpNode> patches = where(n -> PATCHES.matcher(n.opType()).matches() || patchConv(n));
    // a ViT's patch convolution belongs to the transformer, not to a CNN
    List<OpNode> convs =
        att.isEmpty() && custom.isEmpty()
            ? conv
            : conv.stream().filter(n -> !patchConv(n)).toList();
    List<OpNode> pooling =
        where(n -> n.opType().contains("Pool") && !n.opType().startsWith("Global"));
    Set<String> weightAttention = attentionModules();

    List<FamilyCall> order = new ArrayList<>();
    rcnn().ifPresent(order::add);
    diffusion(conv).ifPresent(order::add);
    recurrent(rec, conv).ifPresent(order::add);
    Optional<FamilyCall> transformer =
        transformer(att, custom, embed, positional, patches, weightAttention);
    Optional<FamilyCall> cnn = cnn(convs, pooling);
    boolean convsDominate = convsDominate(convs, att.size() + custom.size());
    (convsDominate ? cnn : transformer).ifPresent(order::add);
    (convsDominate ? transformer : cnn).ifPresent(order::add);
    if (order.isEmpty()) {
      unknown(v, att, conv, rec);
      return;
    }
    FamilyCall chosen = order.get(0);
    chosen.evidence().forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
    v.decide(chosen.family(), chosen.confidence());
    for (FamilyCall other : order.subList(1, order.size())) {
      v.also(other.family(), other.summary());
    }
  }

  private Optional<FamilyCall> rcnn() {
    List<OpNode> roi = where(n -> ROI.matcher(n.opType()).matches());
    List<OpNode> proposals = where(n -> PROPOSALS.matcher(n.opType()).matches());
    if (roi.isEmpty() || proposals.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new FamilyCall(
            Family.R_CNN,
            Confidence.STRUCTURE_STRONG,
            List.of(
                of(
                    "RoI pooling layers",
                    describe(roi),
                    "regions of interest pooled from feature maps"),
                of("proposal layers", describe(proposals), "region proposals (RPN stage)")),
            "RoI pooling with proposal layers (" + describe(roi) + ")"));
  }

  private Optional<FamilyCall> diffusion(List<OpNode> conv) {
    List<OpNode> time =
        where(n -> TIMESTEP.matcher(n.opType()).matches() || TIMESTEP.matcher(n.name()).matches());
    List<OpNode> up =
        where(n -> n.opType().startsWith("UpSampling") || n.opType().endsWith("Transpose"));
    if (time.isEmpty() || conv.size() < 3 || up.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new FamilyCall(
            Family.DIFFUSION,
            Confidence.STRUCTURE_WEAK,
            List.of(
                of(
                    "timestep embedding",
                    describe(time),
                    "a per-sample timestep conditions the network"),
                of(
                    "convolutions with upsampling",
                    describe(conv) + "; " + describe(up),
                    "a UNet-style denoiser")),
            "a timestep embedding in a convolutional UNet"));
  }

  private Optional<FamilyCall> recurrent(List<OpNode> rec, List<OpNode> conv) {
    if (rec.isEmpty()) {
      return Optional.empty();
    }
    boolean gated = rec.stream().anyMatch(n -> GATED.contains(n.opType()));
    List<Evidence> e = new ArrayList<>();
    e.add(
        of(
            "recurrent layers",
            describe(rec),
            gated
                ? "recurrent layers run step by step over the sequence"
                : "vanilla RNN layers only: the guideline's LSTM family is read as the recurrent"
                    + " family, GRU and simple RNNs included"));
    if (!conv.isEmpty()) {
      e.add(
          of(
              "convolutions",
              describe(conv),
              "a convolutional front end feeding the recurrent layers (CRNN)"));
    }
    return Optional.of(
        new FamilyCall(
            Family.LSTM,
            FamilyCall.confidence(gated),
            e,
            "recurrent layers (" + describe(rec) + ")"));
  }

  private Optional<FamilyCall> transformer(
      List<OpNode> att,
      List<OpNode> custom,
      List<OpNode> embed,
      List<OpNode> positional,
      List<OpNode> patches,
      Set<String> weightAttention) {
    int blocks = Math.max(att.size() + custom.size(), weightAttention.size());
    boolean tokens = !embed.isEmpty();
    if (blocks == 0 || blocks == 1 && !tokens && patches.isEmpty()) {
      return Optional.empty();
    }
    List<Evidence> e = new ArrayList<>();
    if (!att.isEmpty()) {
      e.add(of("attention layers", describe(att), "attention over the sequence"));
    }
    if (!custom.isEmpty()) {
      e.add(
          of(
              "custom attention blocks",
              describe(custom),
              "custom layers named as transformer blocks"));
    }
    if (!custom.isEmpty() && !weightAttention.isEmpty()) {
      e.add(
          of(
              "attention weights",
              weightAttention.size()
                  + " query/key projections: "
                  + names(List.copyOf(weightAttention)),
              "multi-head attention inside the layers, seen in their weights"));
    }
    List<OpNode> all = new ArrayList<>(att);
    all.addAll(custom);
    List<OpNode> cross = all.stream().filter(n -> flag(n, "cross_attention")).toList();
    List<OpNode> causal =
        all.stream().filter(n -> flag(n, "use_causal_mask") || flag(n, "causal")).toList();
    boolean customDecoder = custom.stream().anyMatch(n -> n.opType().contains("Decoder"));
    boolean confirmed = !att.isEmpty() || weightAttention.size() >= custom.size();
    if (!cross.isEmpty()) {
      e.add(
          of(
              "cross-attention",
              describe(cross),
              "queries attend to another input's keys and values (an encoder's output)"));
      boolean self = all.size() > cross.size();
      return call(Family.TRANSFORMER_ENCODER_DECODER, self, e, "cross-attention");
    }
    if (!causal.isEmpty() || customDecoder) {
      e.add(
          of(
              "causal masking",
              causal.isEmpty()
                  ? describe(custom.stream().filter(n -> n.opType().contains("Decoder")).toList())
                      + " without an encoder input"
                  : describe(causal) + " with use_causal_mask",
              "each position attends only to earlier ones: an autoregressive decoder"));
      return call(
          Family.TRANSFORMER_DECODER, !causal.isEmpty() && confirmed, e, "causal attention");
    }
    if (!patches.isEmpty()) {
      e.add(
          of(
              "patch embedding",
              describe(patches),
              "the image is cut into patches that become tokens"));
      return call(Family.VISION_TRANSFORMER, confirmed, e, "attention over image patches");
    }
    if (graph != null && graph.inputs().stream().anyMatch(i -> i.shape().size() == 4) && !tokens) {
      e.add(
          of(
              "image input",
              graph.inputs().stream()
                  .filter(i -> i.shape().size() == 4)
                  .map(i -> i.name() + " " + i.shapeText())
                  .collect(Collectors.joining(", ")),
              "attention over an image without a patch embedding"));
      return call(Family.VISION_TRANSFORMER, false, e, "attention over an image input");
    }
    if (tokens) {
      e.add(
          of(
              "token embedding",
              describe(embed)
                  + (positional.isEmpty() ? "" : "; positions: " + describe(positional)),
              "tokens embedded before the attention blocks"));
    }
    e.add(
        of(
            "no causal mask or cross-attention",
            "",
            "every position attends to the whole sequence: an encoder"));
    return call(
        Family.TRANSFORMER_ENCODER,
        tokens && blocks >= 2 && confirmed,
        e,
        "attention blocks without a causal mask");
  }

  private static Optional<FamilyCall> call(Family f, boolean strong, List<Evidence> e, String why) {
    return Optional.of(new FamilyCall(f, FamilyCall.confidence(strong), e, why));
  }

  private Optional<FamilyCall> cnn(List<OpNode> conv, List<OpNode> pooling) {
    // a whole model file is a whole model: two convolutions, or one with pooling, make a small CNN
    if (conv.size() < 2 && (conv.isEmpty() || pooling.isEmpty())) {
      return Optional.empty();
    }
    List<Evidence> e = new ArrayList<>();
    e.add(of("convolutions", describe(conv), "a convolutional network"));
    if (!pooling.isEmpty()) {
      e.add(of("pooling", describe(pooling), "feature maps downsampled between convolutions"));
    }
    return call(Family.CNN, conv.size() >= 3, e, "convolutions (" + describe(conv) + ")");
  }

  /**
   * Whether convolutions outrank attention: by the weights of their kernels when the weights were
   * read (a ViT's patch convolution holds few), otherwise by layer count.
   */
  private boolean convsDominate(List<OpNode> conv, int attention) {
    if (attention == 0) {
      return true;
    }
    long all = tensors.stream().mapToLong(TensorInfo::elements).sum();
    if (all > 0) {
      Set<String> names = conv.stream().map(OpNode::name).collect(Collectors.toSet());
      long inConv =
          tensors.stream()
              .filter(t -> List.of(t.name().split("/")).stream().anyMatch(names::contains))
              .mapToLong(TensorInfo::elements)
              .sum();
      return inConv * 2 >= all;
    }
    return conv.size() > attention;
  }

  private void unknown(FamilyTally v, List<OpNode> att, List<OpNode> conv, List<OpNode> rec) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    layers.forEach(n -> counts.merge(n.opType(), 1, Integer::sum));
    String top =
        counts.entrySet().stream()
            .sorted((a, b) -> b.getValue() - a.getValue())
            .limit(8)
            .map(en -> en.getValue() + " " + en.getKey())
            .collect(Collectors.joining(", "));
    v.evidence(
        source,
        "layers",
        top.isEmpty() ? "none listed" : top,
        "no family's signals: a dense or embedding model, or a fragment");
    v.evidence(
        source,
        "attention, convolutions, recurrent layers",
        att.size() + " attention, " + conv.size() + " convolution, " + rec.size() + " recurrent",
        att.size() == 1
            ? "one attention layer without token embedding is not a transformer"
            : conv.size() == 1 ? "one convolution is not a CNN" : "not enough for any family");
  }

  /** A Conv2D whose stride equals its kernel, every side at least 2: a ViT patch embedding. */
  private static boolean patchConv(OpNode n) {
    if (!n.opType().equals("Conv2D")) {
      return false;
    }
    List<Long> k = n.attribute("kernel_size").map(AttributeValue::asLongs).orElse(List.of());
    List<Long> s = n.attribute("strides").map(AttributeValue::asLongs).orElse(List.of());
    return !k.isEmpty() && k.equals(s) && k.stream().allMatch(x -> x >= 2);
  }

  /** Paths of modules whose weights hold both a query and a key projection. */
  private Set<String> attentionModules() {
    Set<String> queries = new LinkedHashSet<>();
    Set<String> keys = new LinkedHashSet<>();
    for (TensorInfo t : tensors) {
      String[] parts = t.name().split("/");
      for (int i = 1; i < parts.length; i++) {
        String prefix = String.join("/", java.util.Arrays.copyOf(parts, i));
        if (QUERY.contains(parts[i])) {
          queries.add(prefix);
        } else if (KEY.contains(parts[i])) {
          keys.add(prefix);
        }
      }
    }
    queries.retainAll(keys);
    return queries;
  }

  private static boolean flag(OpNode n, String key) {
    return n.attribute(key).map(AttributeValue::asLong).orElse(0L) == 1;
  }

  private Evidence of(String key, String value, String meaning) {
    return new Evidence(source, key, value, meaning);
  }

  /** E.g. {@code 2 LSTM (lstm, lstm_1), 1 GRU (gru)}. */
  static String describe(List<OpNode> nodes) {
    Map<String, List<String>> byOp = new LinkedHashMap<>();
    nodes.forEach(
        n ->
            byOp.computeIfAbsent(n.opType(), k -> new ArrayList<>())
                .add(n.scope().isEmpty() ? n.name() : n.name() + " in " + n.scope()));
    return byOp.entrySet().stream()
        .map(e -> e.getValue().size() + " " + e.getKey() + " (" + names(e.getValue()) + ")")
        .collect(Collectors.joining(", "));
  }

  private static String names(List<String> names) {
    return names.stream().limit(3).collect(Collectors.joining(", "))
        + (names.size() > 3 ? ", ..." : "");
  }
}
