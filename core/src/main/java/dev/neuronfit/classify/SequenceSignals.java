package dev.neuronfit.classify;

import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What makes attention blocks a language model rather than a fragment: token embeddings (a Gather
 * from a 2-D table indexed by an integer input, or ONNX Runtime's EmbedLayerNormalization),
 * generation ops that run a decoder in a loop (BeamSearch, GreedySearch, Sampling), and the
 * input/output signature of incremental decoding (past key/value inputs with present outputs,
 * logits, cross-attention caches) as the exporters of Hugging Face Optimum, ONNX Runtime and
 * onnxruntime-genai name them.
 */
final class SequenceSignals {
  private static final Set<String> TOKEN_INPUTS =
      Set.of("input_ids", "inputs_embeds", "decoder_input_ids", "tokens", "token_ids");

  final List<Integer> tokenEmbeddings;
  final List<Integer> generation;
  final List<String> pastInputs;
  final List<String> presentOutputs;
  final List<String> crossNames;
  final List<String> logits;
  final List<String> tokenInputs;

  private SequenceSignals(GraphIndex g) {
    List<Integer> embeddings = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      OpNode n = g.node(i);
      if (n.opType().equals("EmbedLayerNormalization")) {
        embeddings.add(i);
      } else if (n.opType().equals("Gather") && isTable(g, i) && indexedByTokens(g, i)) {
        embeddings.add(i);
      }
    }
    tokenEmbeddings = embeddings;
    generation = g.nodesOf(OpSets.GENERATION);
    pastInputs = new ArrayList<>();
    tokenInputs = new ArrayList<>();
    crossNames = new ArrayList<>();
    for (ValueInfo v : g.graph.inputs()) {
      String n = v.name().toLowerCase(Locale.ROOT);
      if (n.contains("past") || n.contains("cache")) {
        pastInputs.add(v.name());
      }
      if (TOKEN_INPUTS.contains(n)) {
        tokenInputs.add(v.name());
      }
      if (n.contains("cross")
          || n.startsWith("encoder_hidden_states")
          || n.contains("encoder_out")) {
        crossNames.add(v.name());
      }
    }
    presentOutputs = new ArrayList<>();
    logits = new ArrayList<>();
    for (ValueInfo v : g.graph.outputs()) {
      String n = v.name().toLowerCase(Locale.ROOT);
      if (n.contains("present") || n.contains("cache")) {
        presentOutputs.add(v.name());
      }
      if (n.contains("logits")) {
        logits.add(v.name());
      }
      if (n.contains("cross")) {
        crossNames.add(v.name());
      }
    }
  }

  static SequenceSignals find(GraphIndex g) {
    return new SequenceSignals(g);
  }

  /** True when past key/value inputs come with present outputs: incremental decoding. */
  boolean kvCacheSignature() {
    return !pastInputs.isEmpty() && !presentOutputs.isEmpty();
  }

  /**
   * True for a generation op that runs an encoder first: an {@code encoder} subgraph, or a {@code
   * model_type} of 1 (T5-style) or 2 (Whisper) as the contrib op documents them.
   */
  static boolean encoderDecoderGeneration(GraphIndex g, int node) {
    OpNode n = g.node(node);
    if (n.opType().equals("WhisperBeamSearch")) {
      return true;
    }
    long type = g.intAttr(node, "model_type", 0);
    return type == 1
        || type == 2
        || n.attribute("encoder").map(a -> a instanceof AttributeValue.Subgraph).orElse(false);
  }

  private static boolean isTable(GraphIndex g, int gather) {
    if (g.isConstant(gather, 0)) {
      return g.dims(gather, 0).size() == 2;
    }
    String name = g.input(gather, 0);
    return g.producer(gather, 0) < 0
        && g.bit(name) == 0
        && g.graphInput(name).map(v -> v.shape().size() == 2).orElse(false);
  }

  private static boolean indexedByTokens(GraphIndex g, int gather) {
    long mask = g.dependsOn(gather, 1);
    if (mask == 0) {
      return false;
    }
    for (String in : g.inputNames(mask)) {
      if (!g.isIntegerInput(in)) {
        return false;
      }
      // a token sequence has a sequence axis; a timestep or class label has one value per sample
      List<ValueInfo.Dim> s = g.graphInput(in).map(ValueInfo::shape).orElse(List.of());
      if (!s.isEmpty() && (s.size() < 2 || s.get(s.size() - 1).value() == 1)) {
        return false;
      }
    }
    return true;
  }
}
