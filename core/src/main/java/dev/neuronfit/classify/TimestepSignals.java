package dev.neuronfit.classify;

import dev.neuronfit.model.ValueInfo;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conditioning a denoising model has and a plain image network lacks: a timestep input (one
 * value per sample) embedded with sines and cosines or looked up in a table, which then meets the
 * sample's path; and an output shaped like the sample (the predicted noise or denoised sample).
 */
final class TimestepSignals {
  private static final int MAX_SINES = 100;
  private static final int SEARCH_LIMIT = 256;

  /**
   * A timestep input and how it is embedded.
   *
   * @param input the graph input
   * @param how e.g. {@code Sin /Sin and Cos /Cos feed Concat /Concat}
   */
  record Timestep(ValueInfo input, String how) {}

  final Optional<Timestep> timestep;
  final Optional<ValueInfo> denoiserOutput;

  private TimestepSignals(Optional<Timestep> timestep, Optional<ValueInfo> denoiserOutput) {
    this.timestep = timestep;
    this.denoiserOutput = denoiserOutput;
  }

  static TimestepSignals find(GraphIndex g) {
    List<ValueInfo> samples =
        g.dataInputs().stream()
            .filter(v -> v.shape().size() >= 3)
            .filter(v -> v.elementType().map(GraphIndex::isFloat).orElse(true))
            .toList();
    long sampleBits = 0;
    for (ValueInfo s : samples) {
      sampleBits |= g.bit(s.name());
    }
    Optional<Timestep> found = Optional.empty();
    for (ValueInfo v : g.dataInputs()) {
      if (found.isEmpty() && sampleBits != 0 && onePerSample(v)) {
        found = embedding(g, v, g.bit(v.name()), sampleBits);
      }
    }
    Optional<ValueInfo> out = Optional.empty();
    for (ValueInfo o : g.graph.outputs()) {
      for (ValueInfo s : samples) {
        if (out.isEmpty() && !o.shape().isEmpty() && o.shape().equals(s.shape())) {
          out = Optional.of(o);
        }
      }
    }
    return new TimestepSignals(found, out);
  }

  /** A scalar, [n] or [n, 1]: one number per sample. */
  private static boolean onePerSample(ValueInfo v) {
    List<ValueInfo.Dim> s = v.shape();
    return s.size() <= 1 || (s.size() == 2 && s.get(1).value() == 1);
  }

  private static Optional<Timestep> embedding(
      GraphIndex g, ValueInfo input, long bit, long sampleBits) {
    if (!meetsSample(g, bit, sampleBits)) {
      return Optional.empty();
    }
    List<Integer> sines = g.nodesOf(Set.of("Sin"));
    for (int sin : sines.subList(0, Math.min(sines.size(), MAX_SINES))) {
      if ((g.dependsOn(sin) & bit) == 0) {
        continue;
      }
      int c = concatAfter(g, sin);
      int cos = c < 0 ? -1 : near(g, c, "Cos", bit);
      if (cos >= 0) {
        return Optional.of(
            new Timestep(
                input,
                "Sin "
                    + g.label(sin)
                    + " and Cos "
                    + g.label(cos)
                    + " feed Concat "
                    + g.label(c)
                    + " (a sinusoidal embedding)"));
      }
    }
    for (int i : g.nodesOf(Set.of("Gather"))) {
      if (g.isConstant(i, 0)
          && g.dims(i, 0).size() == 2
          && (g.dependsOn(i, 1) & ~bit) == 0
          && (g.dependsOn(i, 1) & bit) != 0) {
        return Optional.of(
            new Timestep(
                input,
                "Gather " + g.label(i) + " looks it up in a " + g.dims(i, 0) + " embedding table"));
      }
    }
    return Optional.empty();
  }

  /** Some node combines the timestep with the sample: the embedding conditions the network. */
  private static boolean meetsSample(GraphIndex g, long bit, long sampleBits) {
    for (int i = 0; i < g.size(); i++) {
      long d = g.dependsOn(i);
      if ((d & bit) != 0 && (d & sampleBits) != 0) {
        return true;
      }
    }
    return false;
  }

  /** A Concat within two hops after {@code node}, or -1. */
  private static int concatAfter(GraphIndex g, int node) {
    Deque<int[]> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    queue.add(new int[] {node, 0});
    while (!queue.isEmpty() && seen.size() < SEARCH_LIMIT) {
      int[] cur = queue.poll();
      for (int c : g.consumers(cur[0])) {
        if (!seen.add(c)) {
          continue;
        }
        if (g.op(c).equals("Concat")) {
          return c;
        }
        if (cur[1] < 1) {
          queue.add(new int[] {c, cur[1] + 1});
        }
      }
    }
    return -1;
  }

  /** A node of type {@code op}, depending on the timestep, within two hops before {@code node}. */
  private static int near(GraphIndex g, int node, String op, long bit) {
    Deque<int[]> queue = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    queue.add(new int[] {node, 0});
    while (!queue.isEmpty() && seen.size() < SEARCH_LIMIT) {
      int[] cur = queue.poll();
      for (int k = 0; k < g.node(cur[0]).inputs().size(); k++) {
        int p = g.producer(cur[0], k);
        if (p < 0 || !seen.add(p)) {
          continue;
        }
        if (g.op(p).equals(op) && (g.dependsOn(p) & bit) != 0) {
          return p;
        }
        if (cur[1] < 2) {
          queue.add(new int[] {p, cur[1] + 1});
        }
      }
    }
    return -1;
  }
}
