package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Family detection for TensorFlow SavedModels and GraphDefs. The inference graph is rewritten with
 * ONNX op names and its function calls inlined ({@link TfInferenceGraph}), then read by the same
 * signals as an ONNX graph ({@link GraphClassifier}); TensorFlow's own forms of recurrence, which
 * ONNX exports do not have, are looked for beside them ({@link TfRecurrence}): loops of TensorFlow
 * 1.x control flow (Enter, Merge, NextIteration, Exit) and While bodies whose cells multiply by
 * weights and gate, and cells unrolled step by step over one shared weight.
 *
 * <p>Recurrence ranks as in the graph classifier: after RoI pooling with proposals and timestep
 * conditioning, before attention and convolutions.
 */
final class TfClassifier {
  private TfClassifier() {}

  /** Fills {@code v} from the model's graph; leaves it undecided when the graph says nothing. */
  static void classify(ModelProfile profile, FamilyTally v) {
    Optional<Graph> graph = profile.graph();
    if (graph.isEmpty()) {
      return;
    }
    TfInferenceGraph.Result t = TfInferenceGraph.of(profile, graph.get());
    GraphIndex g = new GraphIndex(t.profile(), t.graph());
    GraphEvidence text = new GraphEvidence(g);
    FamilyTally fromGraph = new FamilyTally();
    GraphClassifier.classify(t.profile(), t.graph(), fromGraph);
    Classification c = fromGraph.toClassification();
    TfRecurrence rec = TfRecurrence.find(g, AttentionSignals.find(g));
    List<Evidence> scope = new ArrayList<>();
    scope.add(
        text.of(
            "inference graph",
            describe(graph.get(), t),
            "what the model computes at inference, read op by op"));
    if (!t.tokenIds().isEmpty()) {
      scope.add(
          text.of(
              "token ids",
              String.join(", ", t.tokenIds()) + " cast to integers and looked up in a table",
              "a float input that carries token ids (a Keras Embedding layer casts it)"));
    }
    boolean earlier = c.family() == Family.R_CNN || c.family() == Family.DIFFUSION;
    if (rec.any() && c.family() != Family.LSTM && !earlier) {
      scope.forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
      rec.evidence(text).forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
      v.decide(Family.LSTM, rec.confidence());
      if (c.family() != Family.UNKNOWN) {
        v.also(c.family(), summary(c));
      }
      c.alsoMatches().forEach(a -> v.also(a.family(), a.reason()));
      return;
    }
    scope.forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
    c.evidence().forEach(e -> v.evidence(e.source(), e.key(), e.value(), e.meaning()));
    if (c.family() != Family.UNKNOWN) {
      v.decide(c.family(), c.confidence());
    }
    c.alsoMatches().forEach(a -> v.also(a.family(), a.reason()));
    if (rec.any() && c.family() != Family.LSTM) {
      v.also(Family.LSTM, rec.summary());
    }
  }

  private static String summary(Classification c) {
    return c.evidence().isEmpty()
        ? c.family().id()
        : c.evidence().get(0).key() + ": " + c.evidence().get(0).value();
  }

  private static String describe(Graph src, TfInferenceGraph.Result t) {
    String from =
        src.metadata().containsKey("signature")
            ? "the " + src.metadata().get("signature") + " signature's path"
            : "the whole graph";
    return t.graph().nodes().size()
        + " nodes from "
        + from
        + (t.inlined() > 0 ? ", " + t.inlined() + " function calls inlined" : "")
        + (t.truncated() ? " (inlining stopped at its limit)" : "");
  }
}
