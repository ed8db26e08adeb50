package dev.neuronfit.kb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Neuron operator lists of {@code kb/operator-lists.json}, the operators the documents place on
 * the CPU regardless of the lists, and the few ONNX operators whose PyTorch origin the exporter
 * fixes. Immutable.
 *
 * @param lists every list, in file order
 * @param cpuPlacements operators placed on the CPU by a document
 * @param pytorchOrigins ONNX operator to the PyTorch operators the exporter writes it for; only
 *     operators with no other origin are listed
 */
public record OperatorLists(
    List<OperatorList> lists,
    List<CpuPlacement> cpuPlacements,
    Map<String, List<String>> pytorchOrigins) {
  public OperatorLists {
    lists = List.copyOf(lists);
    cpuPlacements = List.copyOf(cpuPlacements);
    pytorchOrigins = Map.copyOf(pytorchOrigins);
  }

  public Optional<OperatorList> list(String id) {
    return lists.stream().filter(l -> l.id().equals(id)).findFirst();
  }

  /**
   * The exhaustive lists for a target whose operator names follow {@code naming}, in file order:
   * the ones that can say an operator is unsupported.
   */
  public List<OperatorList> exhaustiveLists(String target, OpNaming naming) {
    return lists.stream()
        .filter(l -> l.exhaustive() && l.isFor(target) && l.naming() == naming)
        .toList();
  }

  /** The document that places this operator on the CPU on the target, if one does. */
  public Optional<CpuPlacement> cpuPlacement(String target, String op) {
    return cpuPlacements.stream()
        .filter(p -> p.targets().contains(target) && p.ops().contains(op))
        .findFirst();
  }

  /**
   * Parses {@code operator-lists.json}.
   *
   * @throws IllegalStateException when the file is malformed (it ships with neuronfit, so that is a
   *     bug)
   */
  static OperatorLists parse(JsonNode root) {
    List<OperatorList> lists = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode l : array(root, "lists")) {
      String id = text(l, "id");
      if (!ids.add(id)) {
        throw bad("duplicate list id " + id);
      }
      String naming = text(l, "opNames");
      JsonNode s = l.get("source");
      List<String> ops = strings(l, "ops");
      int count = l.path("count").asInt(-1);
      if (count != ops.size() || new HashSet<>(ops).size() != ops.size()) {
        throw bad(id + " declares " + count + " ops but lists " + ops.size() + " (or repeats one)");
      }
      lists.add(
          new OperatorList(
              id,
              text(l, "name"),
              text(l, "compiler"),
              OpNaming.fromId(naming).orElseThrow(() -> bad(id + ": unknown opNames " + naming)),
              strings(l, "targets"),
              new OperatorList.Source(text(s, "repository"), text(s, "ref"), text(s, "path")),
              text(l, "asOf"),
              text(l, "release"),
              text(l, "status"),
              text(l, "authoritative"),
              l.path("modelCheck").isTextual()
                  ? Optional.of(l.get("modelCheck").asText())
                  : Optional.empty(),
              flag(l, "exhaustive"),
              Set.copyOf(ops),
              textMap(l.get("conditions")),
              textMap(l.get("aliases"))));
    }
    List<CpuPlacement> placements = new ArrayList<>();
    for (JsonNode p : array(root, "cpuPlacements")) {
      placements.add(
          new CpuPlacement(
              strings(p, "targets"), strings(p, "ops"), text(p, "reason"), text(p, "source")));
    }
    Map<String, List<String>> origins = new LinkedHashMap<>();
    JsonNode pt = root.path("onnxExportOrigins").path("pytorch");
    pt.fields().forEachRemaining(e -> origins.put(e.getKey(), strings(pt, e.getKey())));
    return new OperatorLists(lists, placements, origins);
  }

  private static Iterable<JsonNode> array(JsonNode n, String key) {
    JsonNode a = n.get(key);
    if (a == null || !a.isArray()) {
      throw bad("missing array \"" + key + "\"");
    }
    return a;
  }

  private static List<String> strings(JsonNode n, String key) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : array(n, key)) {
      if (!v.isTextual()) {
        throw bad("non-string in \"" + key + "\": " + v);
      }
      out.add(v.asText());
    }
    return out;
  }

  private static Map<String, String> textMap(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n != null) {
      n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  private static boolean flag(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isBoolean()) {
      throw bad("missing boolean \"" + key + "\"");
    }
    return v.asBoolean();
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n == null ? null : n.get(key);
    if (v == null || !v.isTextual()) {
      throw bad("missing string \"" + key + "\"");
    }
    return v.asText();
  }

  private static IllegalStateException bad(String what) {
    return new IllegalStateException("kb/operator-lists.json: " + what);
  }
}
