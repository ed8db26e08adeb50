package dev.neuronfit.io.mxnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An MXNet symbol file ({@code NAME-symbol.json}, written by {@code Symbol.save}, Gluon's {@code
 * export} and Module checkpoints), read as JSON within {@link ReadLimits} by {@link BoundedJson}.
 *
 * <p>The layout (NNVM's graph JSON, as MXNet writes it): {@code nodes} is a list in topological
 * order of objects with {@code op}, {@code name}, {@code inputs} (entries {@code [node, output,
 * version]} that name an earlier node) and string attributes under {@code attrs} (MXNet 1.x),
 * {@code attr} or {@code param} (older versions); control-flow ops ({@code _foreach}, {@code
 * _while_loop}, {@code _cond}) and compiled Neuron subgraphs hold their bodies in {@code
 * subgraphs}, graphs of the same layout. Variables (inputs and parameters) are nodes whose op is
 * {@code "null"}; Gluon records a parameter's shape and type flag in its {@code __shape__} and
 * {@code __dtype__} attributes ({@code 0} for a dimension it infers at first use). {@code heads}
 * are the outputs, and {@code attrs.mxnet_version} the writing version ({@code ["int", 10500]} for
 * 1.5.0).
 *
 * <p>Every node, variables included, becomes an {@link OpNode} (variables with op {@code null},
 * which compute nothing). A value is named after its node, with {@code :k} for the node's output k
 * after the first; nodes of a body are scoped {@code OWNER/subgraphK} and their values prefixed
 * with the scope.
 */
final class MxnetSymbol {
  /** The op of variables: inputs and parameters. */
  static final String VARIABLE_OP = "null";

  /** Keys that hold a node's attributes, newest first. */
  private static final List<String> ATTRIBUTE_KEYS = List.of("attrs", "attr", "param");

  /**
   * A variable of the main graph.
   *
   * @param name its name
   * @param shape the dimensions its {@code __shape__} attribute declares, 0 where not yet known;
   *     empty when it declares none or one that is not a tuple of numbers
   * @param dtypeFlag its {@code __dtype__} type flag, or -1
   * @param declaredParameter true when its attributes are those Gluon gives parameters ({@code
   *     __shape__}, {@code __init__}, {@code __dtype__})
   */
  record Variable(
      String name, Optional<List<Long>> shape, long dtypeFlag, boolean declaredParameter) {
    Variable {
      shape = shape.map(List::copyOf);
    }
  }

  /**
   * What the file holds.
   *
   * @param nodes every node, main graph first in file order, each body after its owner's graph
   * @param variables the main graph's variables, in file order
   * @param heads the values the graph outputs
   * @param version the MXNet version that wrote it ({@code 1.5.0}), or empty
   */
  record Parsed(List<OpNode> nodes, List<Variable> variables, List<String> heads, String version) {
    Parsed {
      nodes = List.copyOf(nodes);
      variables = List.copyOf(variables);
      heads = List.copyOf(heads);
    }
  }

  private final Path shown;
  private final ReadLimits limits;
  private final List<OpNode> out = new ArrayList<>();
  private final List<Variable> variables = new ArrayList<>();
  private int budget;

  private MxnetSymbol(Path shown, ReadLimits limits) {
    this.shown = shown;
    this.limits = limits;
    this.budget = limits.maxGraphNodes();
  }

  /** True when a JSON object's first key is {@code nodes}, as MXNet writes every symbol. */
  static boolean looksLikeSymbol(byte[] head, int n) {
    int i = 0;
    if (n >= 3
        && (head[0] & 0xFF) == 0xEF
        && (head[1] & 0xFF) == 0xBB
        && (head[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    i = blanks(head, i, n);
    if (i >= n || head[i] != '{') {
      return false;
    }
    i = blanks(head, i + 1, n);
    byte[] key = "\"nodes\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (i + key.length > n) {
      return false;
    }
    for (int k = 0; k < key.length; k++) {
      if (head[i + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

  private static int blanks(byte[] b, int i, int n) {
    while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /**
   * Reads a symbol file.
   *
   * @throws ModelFormatException when it is not valid JSON, not a symbol, or over the limits
   */
  static Parsed read(Path file, Path root, Path shown, ReadLimits limits) throws IOException {
    JsonNode json = new BoundedJson(limits).readObjectFile(file, root, shown);
    MxnetSymbol s = new MxnetSymbol(shown, limits);
    List<String> heads = s.graph(json, "", "", 0);
    return new Parsed(s.out, s.variables, heads, version(json.path("attrs")));
  }

  /** {@code attrs.mxnet_version}: {@code ["int", 10500]} is 1.5.0. */
  private static String version(JsonNode attrs) {
    JsonNode v = attrs.path("mxnet_version");
    JsonNode n = v.isArray() && v.size() == 2 ? v.get(1) : v;
    if (!n.canConvertToInt() || n.asInt() <= 0) {
      return "";
    }
    int x = n.asInt();
    return (x / 10000) + "." + (x / 100 % 100) + "." + (x % 100);
  }

  /**
   * Reads one graph ({@code scope} empty for the main graph) and returns its heads' value names.
   */
  private List<String> graph(JsonNode g, String scope, String place, int depth)
      throws ModelFormatException {
    JsonNode nodes = g.get("nodes");
    if (nodes == null || !nodes.isArray()) {
      throw bad(
          place + "nodes",
          nodes == null
              ? "no \"nodes\" list: not an MXNet symbol"
              : "expected a list, found " + BoundedJson.kind(nodes));
    }
    if (nodes.size() > budget) {
      throw bad(place + "nodes", "more than " + limits.maxGraphNodes() + " nodes, over the limit");
    }
    budget -= nodes.size();
    int n = nodes.size();
    String[] names = new String[n];
    String[] ops = new String[n];
    // the outputs other nodes or the heads use: a node lists these (and its first), never every
    // index up to the highest, so a reference to output 9999 costs one name, not ten thousand
    Map<Integer, TreeSet<Integer>> laterOutputs = new HashMap<>();
    List<List<int[]>> inputs = new ArrayList<>(n);
    Set<String> unique = new HashSet<>();
    for (int i = 0; i < n; i++) {
      String at = place + "nodes[" + i + "]";
      JsonNode node = nodes.get(i);
      if (!node.isObject()) {
        throw bad(at, "expected an object, found " + BoundedJson.kind(node));
      }
      ops[i] = text(node, "op", at);
      String name = text(node, "name", at);
      names[i] = unique.add(name) ? name : name + "#" + i;
      List<int[]> in = new ArrayList<>();
      JsonNode list = node.get("inputs");
      if (list != null && !list.isNull()) {
        if (!list.isArray() || list.size() > ReadLimits.MAX_NODE_PORTS) {
          throw bad(at + ".inputs", "expected a list of at most " + ReadLimits.MAX_NODE_PORTS);
        }
        for (int k = 0; k < list.size(); k++) {
          int[] e = entry(list.get(k), i, at + ".inputs[" + k + "]");
          in.add(e);
          if (e[1] > 0) {
            laterOutputs.computeIfAbsent(e[0], x -> new TreeSet<>()).add(e[1]);
          }
        }
      }
      inputs.add(in);
    }
    JsonNode headList = g.get("heads");
    List<int[]> heads = new ArrayList<>();
    if (headList != null && headList.isArray()) {
      for (int k = 0; k < headList.size() && k < ReadLimits.MAX_GRAPH_PORTS; k++) {
        int[] e = entry(headList.get(k), n, place + "heads[" + k + "]");
        heads.add(e);
        if (e[1] > 0) {
          laterOutputs.computeIfAbsent(e[0], x -> new TreeSet<>()).add(e[1]);
        }
      }
    }
    String prefix = scope.isEmpty() ? "" : scope + "/";
    for (int i = 0; i < n; i++) {
      String at = place + "nodes[" + i + "]";
      JsonNode node = nodes.get(i);
      Map<String, AttributeValue> attributes = attributes(node);
      List<String> in = new ArrayList<>();
      for (int[] e : inputs.get(i)) {
        in.add(value(prefix, names, e));
      }
      List<String> outs = new ArrayList<>();
      outs.add(value(prefix, names, new int[] {i, 0}));
      for (int k : laterOutputs.getOrDefault(i, new TreeSet<>())) {
        outs.add(value(prefix, names, new int[] {i, k}));
      }
      JsonNode bodies = node.get("subgraphs");
      List<JsonNode> subgraphs = new ArrayList<>();
      if (bodies != null && bodies.isArray() && bodies.size() > 0) {
        if (depth >= limits.maxGraphDepth()) {
          throw bad(
              at + ".subgraphs",
              "subgraphs nested more than " + limits.maxGraphDepth() + " deep, over the limit");
        }
        for (int k = 0; k < bodies.size(); k++) {
          attributes.put(
              "subgraph" + k, new AttributeValue.Subgraph(prefix + names[i] + "/subgraph" + k));
          subgraphs.add(bodies.get(k));
        }
      }
      out.add(new OpNode(names[i], ops[i], "", in, outs, attributes, scope));
      if (scope.isEmpty() && ops[i].equals(VARIABLE_OP)) {
        variables.add(variable(names[i], attributes));
      }
      for (int k = 0; k < subgraphs.size(); k++) {
        JsonNode body = subgraphs.get(k);
        if (!body.isObject()) {
          throw bad(at + ".subgraphs[" + k + "]", "expected an object");
        }
        graph(body, prefix + names[i] + "/subgraph" + k, at + ".subgraphs[" + k + "].", depth + 1);
      }
    }
    List<String> headNames = new ArrayList<>();
    for (int[] e : heads) {
      headNames.add(value(prefix, names, e));
    }
    return headNames;
  }

  private static String value(String prefix, String[] names, int[] entry) {
    return prefix + names[entry[0]] + (entry[1] == 0 ? "" : ":" + entry[1]);
  }

  /**
   * An input or head entry {@code [node, output(, version)]} naming a node before {@code limit}.
   */
  private int[] entry(JsonNode e, int limit, String at) throws ModelFormatException {
    if (e == null || !e.isArray() || e.size() < 2 || e.size() > 3) {
      throw bad(at, "expected [node, output, version]");
    }
    JsonNode node = e.get(0);
    JsonNode index = e.get(1);
    if (!node.canConvertToInt()
        || !node.isIntegralNumber()
        || node.asInt() < 0
        || node.asInt() >= limit) {
      throw bad(
          at, "node " + node + " is not an earlier node of the graph (0 to " + (limit - 1) + ")");
    }
    if (!index.isIntegralNumber()
        || !index.canConvertToInt()
        || index.asInt() < 0
        || index.asInt() >= ReadLimits.MAX_NODE_PORTS) {
      throw bad(
          at,
          "output "
              + index
              + " is not an output index (0 to "
              + (ReadLimits.MAX_NODE_PORTS - 1)
              + ")");
    }
    return new int[] {node.asInt(), index.asInt()};
  }

  /** String attributes, as many as the limits keep; values of other types are not kept. */
  private static Map<String, AttributeValue> attributes(JsonNode node) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (String key : ATTRIBUTE_KEYS) {
      JsonNode a = node.get(key);
      if (a == null || !a.isObject()) {
        continue;
      }
      var it = a.fields();
      while (it.hasNext() && out.size() < ReadLimits.MAX_NODE_ATTRIBUTES) {
        var e = it.next();
        if (e.getValue().isTextual()
            && e.getValue().asText().length() <= ReadLimits.MAX_ATTRIBUTE_TEXT) {
          out.putIfAbsent(e.getKey(), new AttributeValue.Text(e.getValue().asText()));
        }
      }
      break;
    }
    return out;
  }

  private static Variable variable(String name, Map<String, AttributeValue> attributes) {
    Optional<List<Long>> shape = Optional.empty();
    long dtype = -1;
    if (attributes.get("__shape__") instanceof AttributeValue.Text t) {
      shape = tuple(t.value());
    }
    if (attributes.get("__dtype__") instanceof AttributeValue.Text t) {
      try {
        dtype = Long.parseLong(t.value().trim());
      } catch (NumberFormatException e) {
        dtype = -1;
      }
    }
    boolean declared =
        attributes.containsKey("__shape__")
            || attributes.containsKey("__init__")
            || attributes.containsKey("__dtype__");
    return new Variable(name, shape, dtype, declared);
  }

  /**
   * A Python tuple of non-negative integers, {@code (64, 3, 7, 7)} or {@code (768,)}; else empty.
   */
  static Optional<List<Long>> tuple(String text) {
    String s = text.trim();
    if (!s.startsWith("(") || !s.endsWith(")")) {
      return Optional.empty();
    }
    String body = s.substring(1, s.length() - 1).trim();
    List<Long> dims = new ArrayList<>();
    if (body.isEmpty()) {
      return Optional.of(dims);
    }
    String[] parts = body.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1); // Python 2 longs
      }
      if (p.isEmpty() && i == parts.length - 1 && i > 0) {
        break; // the trailing comma of a one-element tuple
      }
      if (dims.size() >= ReadLimits.MAX_RANK || p.isEmpty() || p.length() > 19) {
        return Optional.empty();
      }
      try {
        long d = Long.parseLong(p);
        if (d < 0) {
          return Optional.empty();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.of(dims);
  }

  private String text(JsonNode node, String key, String at) throws ModelFormatException {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual()) {
      throw bad(
          at + "." + key,
          v == null ? "missing" : "expected a string, found " + BoundedJson.kind(v));
    }
    return v.asText();
  }

  private ModelFormatException bad(String at, String problem) {
    return new ModelFormatException(shown, at, problem);
  }
}
