package dev.neuronfit.io.tf;

import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;
import static dev.neuronfit.io.tf.TfFields.*;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pb.KeptValues;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Walks a TensorFlow GraphDef: the nodes of the graph and of every function in its library, with
 * the attributes detection uses, and the constants (Const nodes) with their types and shapes.
 * Tensor payloads are skipped by seeking; only small numeric constants are decoded.
 *
 * <p>What the walk produces, as a format-neutral graph:
 *
 * <ul>
 *   <li>a node per NodeDef, with TensorFlow's op name, in scope {@code ""} for the main graph or
 *       {@code function:<name>} for a function of the library;
 *   <li>inputs reduced to the name of the producing node (or function argument): {@code x:1} and,
 *       in function bodies, {@code x:output:0} become {@code x}; control inputs ({@code ^x}) are
 *       left out. Each node has one output named after itself; when an input is another output of
 *       its producer than the first, the node has an {@code _input_ports} attribute giving, per
 *       input, the position of that output among the producer's outputs ({@link TfPorts});
 *   <li>per function, an {@code _Arg} node per input argument and a {@code _Retval} node per output
 *       (named {@code <output>_RetVal}, input the returned value), as TensorFlow itself
 *       materializes a function body;
 *   <li>attributes as {@link TfAttributes} reads them; a Const node's {@code value} names its
 *       tensor (see {@link #tensors}); a list of functions is kept as {@code branches}, {@code
 *       branches#1} ....
 * </ul>
 *
 * Not thread-safe; one instance per read.
 */
final class TfGraphReader {
  /** The attribute giving, per input, which output of its producer it is; absent when all are 0. */
  static final String PORTS = "_input_ports";

  private final ProtoReader r;
  private final TfAttributes attributes;
  private final ReadLimits limits;
  private final String fileName;
  private final int maxString;
  private final KeptValues kept;

  private final List<OpNode> mainNodes = new ArrayList<>();
  private final List<OpNode> functionNodes = new ArrayList<>();
  private final List<TensorInfo> tensors = new ArrayList<>();
  private final Map<String, ConstantValue> constants = new LinkedHashMap<>();
  private final Set<String> functions = new LinkedHashSet<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<OpNode, List<String>> pendingPorts = new java.util.IdentityHashMap<>();
  private long producerVersion = -1;
  private int unnamedTypes;

  /**
   * @param fileName the file the graph is in, as tensors name it (e.g. {@code saved_model.pb})
   */
  TfGraphReader(ProtoReader r, ReadLimits limits, String fileName) {
    this.r = r;
    this.attributes = new TfAttributes(r, limits);
    this.limits = limits;
    this.fileName = fileName;
    this.maxString = limits.maxJsonStringChars();
    this.kept = new KeptValues(r, limits, "node inputs, attribute values and constants");
  }

  /** Reads a GraphDef that is the whole file (a frozen graph). */
  void readFile() throws IOException {
    fields();
  }

  /** Reads a GraphDef embedded in another message; its length prefix comes next. */
  void readEmbedded() throws IOException {
    long token = r.beginMessage();
    fields();
    r.endMessage(token);
  }

  /** Every node: the main graph's in file order, then each function's. */
  List<OpNode> nodes() {
    List<OpNode> all = new ArrayList<>(mainNodes);
    all.addAll(functionNodes);
    return all;
  }

  /** Const tensors: named after their node, prefixed with {@code function:<name>/} in functions. */
  List<TensorInfo> tensors() {
    return tensors;
  }

  /** Values of the small numeric constants, by tensor name. */
  Map<String, ConstantValue> constants() {
    return constants;
  }

  /** Names of the functions in the library. */
  Set<String> functions() {
    return functions;
  }

  /** The GraphDef's producer version (VersionDef.producer), or -1. */
  long producerVersion() {
    return producerVersion;
  }

  List<String> notes() {
    if (unnamedTypes > 0) {
      List<String> out = new ArrayList<>(notes);
      out.add(
          unnamedTypes
              + " constant"
              + (unnamedTypes == 1 ? " has" : "s have")
              + " a type with no size (resource, variant or unknown code): not counted");
      return out;
    }
    return notes;
  }

  /**
   * Refuses function calls nested deeper than {@code maxDepth}; notes recursive functions. See
   * {@link TfCalls}.
   */
  void checkCalls(int maxDepth) throws ModelFormatException {
    notes.addAll(TfCalls.check(nodes(), functions, maxDepth, r.file()));
  }

  private void fields() throws IOException {
    // nodes are counted first by skipping over them, so a graph of too many nodes is refused
    // before any is built
    long start = r.position();
    long nodes = 0;
    int tag;
    while ((tag = r.nextTag()) != -1) {
      if (ProtoReader.fieldNumber(tag) == GRAPH_NODE
          && ProtoReader.wireType(tag) == LENGTH_DELIMITED
          && ++nodes > limits.maxGraphNodes()) {
        throw r.error(r.position(), "more than " + limits.maxGraphNodes() + " nodes");
      }
      r.skipValue(tag);
    }
    r.seek(start);
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case GRAPH_NODE -> {
          r.expect(tag, LENGTH_DELIMITED, "node");
          node("", mainNodes);
        }
        case GRAPH_LIBRARY -> {
          r.expect(tag, LENGTH_DELIMITED, "library");
          library();
        }
        case GRAPH_VERSIONS -> {
          r.expect(tag, LENGTH_DELIMITED, "versions");
          long token = r.beginMessage();
          int t;
          while ((t = r.nextTag()) != -1) {
            if (ProtoReader.fieldNumber(t) == VERSIONS_PRODUCER) {
              r.expect(t, VARINT, "versions producer");
              producerVersion = r.readVarint();
            } else {
              r.skipValue(t);
            }
          }
          r.endMessage(token);
        }
        case GRAPH_VERSION -> {
          r.expect(tag, VARINT, "version");
          r.readVarint();
        }
        default -> r.skipValue(tag);
      }
    }
  }

  private void library() throws IOException {
    long token = r.beginMessage();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      if (ProtoReader.fieldNumber(tag) == LIBRARY_FUNCTION) {
        r.expect(tag, LENGTH_DELIMITED, "function");
        function();
      } else {
        r.skipValue(tag);
      }
    }
    r.endMessage(token);
  }

  private void function() throws IOException {
    long at = r.position();
    String where = "function " + (functions.size() + 1);
    long token = r.beginMessage();
    String[] name = {""};
    List<String> args = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    List<Long> nodeStarts = new ArrayList<>();
    Map<String, String> ret = new LinkedHashMap<>();
    Map<String, String> retRaw = new LinkedHashMap<>();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case FUNCTION_SIGNATURE -> {
          r.expect(tag, LENGTH_DELIMITED, where + " signature");
          signature(name, args, outputs, where);
        }
        case FUNCTION_NODE_DEF -> {
          r.expect(tag, LENGTH_DELIMITED, where + " node_def");
          countNode(nodeStarts.size());
          nodeStarts.add(r.position());
          r.skip(r.readLength());
        }
        case FUNCTION_RET -> {
          r.expect(tag, LENGTH_DELIMITED, where + " ret");
          String[] kv = stringEntry(where + " ret");
          if (ret.size() < ReadLimits.MAX_GRAPH_PORTS) {
            ret.put(kv[0], producer(kv[1]));
            retRaw.put(kv[0], kv[1]);
          }
        }
        default -> r.skipValue(tag);
      }
    }
    long end = r.position();
    if (name[0].isEmpty()) {
      throw r.error(at, where + " has no name (signature.name)");
    }
    if (!functions.add(name[0])) {
      throw r.error(at, "two functions named \"" + name[0] + "\"");
    }
    String scope = "function:" + name[0];
    for (int i = 0; i < args.size(); i++) {
      addNode(
          functionNodes,
          new OpNode(
              args.get(i),
              "_Arg",
              "",
              List.of(),
              List.of(args.get(i)),
              Map.of("index", new AttributeValue.Int(i)),
              scope));
    }
    // the body comes back after the signature, which may follow it in the file
    int bodyStart = functionNodes.size();
    for (long start : nodeStarts) {
      r.seek(start);
      node(scope, functionNodes);
    }
    Map<String, String> opOf = new java.util.HashMap<>();
    for (int i = bodyStart; i < functionNodes.size(); i++) {
      opOf.putIfAbsent(functionNodes.get(i).name(), functionNodes.get(i).opType());
    }
    for (int i = bodyStart; i < functionNodes.size(); i++) {
      List<String> raw = pendingPorts.remove(functionNodes.get(i));
      if (raw != null) {
        functionNodes.set(i, withPorts(functionNodes.get(i), raw, opOf));
      }
    }
    for (int k = 0; k < outputs.size(); k++) {
      String value = ret.getOrDefault(outputs.get(k), "");
      OpNode retval =
          new OpNode(
              outputs.get(k) + "_RetVal",
              "_Retval",
              "",
              value.isEmpty() ? List.of() : List.of(value),
              List.of(),
              Map.of("index", new AttributeValue.Int(k)),
              scope);
      String raw = retRaw.getOrDefault(outputs.get(k), "");
      addNode(functionNodes, value.isEmpty() ? retval : withPorts(retval, List.of(raw), opOf));
    }
    r.seek(end);
    r.endMessage(token);
  }

  /** An OpDef: the function's name and the names of its input and output arguments. */
  private void signature(String[] name, List<String> args, List<String> outputs, String where)
      throws IOException {
    long token = r.beginMessage();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case OPDEF_NAME -> name[0] = string(tag, where + " name");
        case OPDEF_INPUT_ARG, OPDEF_OUTPUT_ARG -> {
          r.expect(tag, LENGTH_DELIMITED, where + " argument");
          List<String> into = ProtoReader.fieldNumber(tag) == OPDEF_INPUT_ARG ? args : outputs;
          countNode(args.size() + outputs.size());
          long argToken = r.beginMessage();
          String arg = "";
          int t;
          while ((t = r.nextTag()) != -1) {
            if (ProtoReader.fieldNumber(t) == ARGDEF_NAME) {
              arg = string(t, where + " argument name");
            } else {
              r.skipValue(t);
            }
          }
          r.endMessage(argToken);
          into.add(arg);
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
  }

  /** Checks that one more node (beyond those already listed, plus {@code pending}) fits. */
  private void countNode(int pending) throws ModelFormatException {
    if ((long) mainNodes.size() + functionNodes.size() + pending >= limits.maxGraphNodes()) {
      throw r.error(r.position(), "more than " + limits.maxGraphNodes() + " nodes");
    }
  }

  private void addNode(List<OpNode> into, OpNode node) throws ModelFormatException {
    countNode(0);
    kept.add(1 + node.inputs().size());
    into.add(node);
  }

  private void node(String scope, List<OpNode> into) throws IOException {
    countNode(0);
    long at = r.position();
    long token = r.beginMessage();
    String name = "";
    String op = "";
    List<String> inputs = new ArrayList<>(4);
    List<String> rawInputs = new ArrayList<>(4);
    Map<String, AttributeValue> attrs = Map.of();
    TfTensor[] value = {null};
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case NODE_NAME -> name = string(tag, "node name");
        case NODE_OP -> op = string(tag, "node op");
        case NODE_INPUT -> {
          String in = string(tag, "node input");
          if (!in.startsWith("^")) {
            if (inputs.size() >= ReadLimits.MAX_NODE_PORTS) {
              throw r.error(
                  r.position(),
                  nodeName(name)
                      + String.format(
                          Locale.ROOT, ": more than %,d inputs", ReadLimits.MAX_NODE_PORTS));
            }
            kept.add(1);
            inputs.add(producer(in));
            rawInputs.add(in);
          }
        }
        case NODE_ATTR -> {
          r.expect(tag, LENGTH_DELIMITED, "node attr");
          if (attrs.isEmpty()) {
            attrs = new LinkedHashMap<>();
          }
          attribute(attrs, value, nodeName(name));
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    if (op.isEmpty()) {
      throw r.error(at, nodeName(name) + " has no op");
    }
    if (name.isEmpty()) {
      throw r.error(at, nodeName(name) + " (op " + op + ") has no name");
    }
    if (!attrs.isEmpty()) {
      // a tensor attribute is kept by name only for a Const node, whose tensor is listed
      attrs.values().removeIf(v -> v instanceof AttributeValue.Tensor);
      if (value[0] != null && op.equals("Const")) {
        String tensorName = scope.isEmpty() ? name : scope + "/" + name;
        constant(tensorName, value[0], at);
        attrs.put("value", new AttributeValue.Tensor(tensorName));
      }
    }
    kept.add(1);
    OpNode n = new OpNode(name, op, "", inputs, List.of(name), attrs, scope);
    if (scope.isEmpty()) {
      n = withPorts(n, rawInputs, Map.of());
    } else if (rawInputs.stream().anyMatch(TfGraphReader::selectsOutput)) {
      pendingPorts.put(n, rawInputs);
    }
    into.add(n);
  }

  /** True for an input naming an output of its producer ({@code x:1}, {@code x:y:0}). */
  private static boolean selectsOutput(String input) {
    return input.indexOf(':') >= 0;
  }

  /**
   * The node with an {@link #PORTS} attribute when some input is not its producer's first output.
   * In the main graph an input names its output by position ({@code x:1}); in a function body by
   * argument and index ({@code x:output:1}), resolved with the producers' ops ({@code opOf}).
   */
  private OpNode withPorts(OpNode n, List<String> rawInputs, Map<String, String> opOf)
      throws ModelFormatException {
    long[] ports = new long[rawInputs.size()];
    boolean any = false;
    for (int i = 0; i < ports.length; i++) {
      ports[i] = TfPorts.port(rawInputs.get(i), opOf);
      any |= ports[i] != 0;
    }
    if (!any) {
      return n;
    }
    kept.add(ports.length);
    Map<String, AttributeValue> attrs = new LinkedHashMap<>(n.attributes());
    attrs.put(PORTS, new AttributeValue.Ints(java.util.Arrays.stream(ports).boxed().toList()));
    return new OpNode(n.name(), n.opType(), "", n.inputs(), n.outputs(), attrs, n.scope());
  }

  /** A node as messages name it: its position, and its name when it has one. */
  private String nodeName(String name) {
    return "node "
        + (mainNodes.size() + functionNodes.size() + 1)
        + (name.isEmpty() ? "" : " (\"" + name + "\")");
  }

  private void constant(String tensorName, TfTensor t, long at) throws ModelFormatException {
    if (t.dtype().isEmpty()) {
      unnamedTypes++;
      return;
    }
    if (tensors.size() >= limits.maxTensors()) {
      throw r.error(at, "more than " + limits.maxTensors() + " tensors");
    }
    tensors.add(
        new TensorInfo(tensorName, t.dtype().get(), t.dims(), t.elements(), t.bytes(), fileName));
    if (t.values().isPresent()) {
      kept.add(t.values().get().size() / 8);
      constants.put(tensorName, new ConstantValue(t.dims(), t.values().get()));
    }
  }

  /**
   * A map entry of NodeDef.attr, kept under its key; a list of functions or shapes under several,
   * {@code key}, {@code key#1}, {@code key#2} ... by position in the list.
   */
  private void attribute(Map<String, AttributeValue> attrs, TfTensor[] tensor, String where)
      throws IOException {
    TfAttributes.Attr a = attributes.entry(tensor, where);
    for (Map.Entry<Integer, AttributeValue> e : a.values().entrySet()) {
      if (a.key().isEmpty() || attrs.size() >= ReadLimits.MAX_NODE_ATTRIBUTES) {
        break;
      }
      AttributeValue v = e.getValue();
      kept.add(
          1 + v.asLongs().size() + (v instanceof AttributeValue.Floats f ? f.values().size() : 0));
      attrs.put(e.getKey() == 0 ? a.key() : a.key() + "#" + e.getKey(), v);
    }
  }

  /** A map<string, string> entry: {key, value}. */
  private String[] stringEntry(String where) throws IOException {
    long token = r.beginMessage();
    String key = "";
    String value = "";
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case ENTRY_KEY -> key = string(tag, where + " key");
        case ENTRY_VALUE -> value = string(tag, where + " value");
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return new String[] {key, value};
  }

  private String string(int tag, String what) throws IOException {
    r.expect(tag, LENGTH_DELIMITED, what);
    return r.readString(maxString, what);
  }

  /**
   * The node (or function argument) an input names: a node name cannot hold a colon, so what
   * follows the first one ({@code :1}, or {@code :output:0} in a function body) selects an output.
   */
  static String producer(String input) {
    int colon = input.indexOf(':');
    return colon < 0 ? input : input.substring(0, colon);
  }
}
