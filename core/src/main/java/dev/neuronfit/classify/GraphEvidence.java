package dev.neuronfit.classify;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes evidence about the nodes of one graph: counts by op and a few node names, so that a reader
 * can find each observation in Netron or {@code onnx.load}.
 */
final class GraphEvidence {
  private static final int EXAMPLES = 2;

  private final GraphIndex g;

  GraphEvidence(GraphIndex g) {
    this.g = g;
  }

  Evidence of(String key, String value, String meaning) {
    return new Evidence(g.source, key, value, meaning);
  }

  /** e.g. {@code LSTM 2, e.g. /rnn/LSTM, /rnn/LSTM_1}. */
  String nodes(List<Integer> list) {
    String examples = list.stream().limit(EXAMPLES).map(g::label).collect(Collectors.joining(", "));
    return ops(list) + ", e.g. " + examples;
  }

  /** e.g. {@code NonMaxSuppression 2, TopK 1}. */
  String ops(List<Integer> list) {
    Map<String, Long> counts =
        list.stream()
            .collect(Collectors.groupingBy(i -> g.shownOp(i), TreeMap::new, Collectors.counting()));
    return counts.entrySet().stream()
        .map(en -> en.getKey() + " " + en.getValue())
        .collect(Collectors.joining(", "));
  }

  /** The most frequent ops of the whole graph, e.g. {@code Conv 20, Relu 17, Add 8}. */
  String topOps(int limit) {
    return g.opCounts().entrySet().stream()
        .sorted(
            Comparator.comparing(Map.Entry<String, Integer>::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(limit)
        .map(en -> en.getKey() + " " + en.getValue())
        .collect(Collectors.joining(", "));
  }

  String label(int node) {
    return g.label(node);
  }
}
