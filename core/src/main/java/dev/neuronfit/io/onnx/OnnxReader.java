package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxFields.*;
import static dev.neuronfit.io.pb.ProtoReader.FIXED32;
import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;

import dev.neuronfit.io.ByteSource;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelReader;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.TensorTotals;
import dev.neuronfit.io.pb.KeptValues;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.model.WeightSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Reads an ONNX ModelProto by walking its protobuf fields: opsets, producer, metadata, the graph's
 * inputs, outputs, nodes and initializers, subgraphs of If, Loop and Scan, and model-local
 * functions. Tensor payloads are skipped by seeking past them, so the cost follows the size of the
 * graph, not of the weights; external data files are checked by size and never opened.
 */
public final class OnnxReader implements ModelReader {

  @Override
  public ModelProfile read(Path path, ReadLimits limits) throws IOException {
    return read(path, limits, bytes -> {});
  }

  /**
   * Reads a model and reports how many bytes of the file were read (skipped payloads are not), so
   * tests can check that weights are never read.
   */
  ModelProfile read(Path path, ReadLimits limits, LongConsumer bytesRead) throws IOException {
    int maxMessageDepth = 8 + 4 * (limits.maxGraphDepth() + 1);
    try (ProtoReader r = ProtoReader.open(path, path, path, maxMessageDepth)) {
      Parse p = new Parse(r, limits);
      try {
        p.model();
      } finally {
        bytesRead.accept(r.bytesRead());
      }
      if (!p.sawGraph) {
        throw new ModelFormatException(
            path, "", "not an ONNX model: no graph (ModelProto field 7)");
      }
      Path folder = path.getParent() != null ? path.getParent() : Path.of("");
      List<TensorInfo> tensors = new ArrayList<>();
      Map<String, Graph.ExternalRef> external = new LinkedHashMap<>();
      ExternalData ext = new ExternalData(path, folder);
      String fileName = path.getFileName().toString();
      for (OnnxTensor t : p.weights) {
        long bytes;
        String file = fileName;
        if (t.isExternal()) {
          Graph.ExternalRef ref = ext.check(t);
          external.put(t.name(), ref);
          bytes = ref.length();
          file = ref.location();
        } else {
          bytes = t.dtype() == DType.STRING ? t.storedBytes() : t.dtype().bytesFor(t.elements());
        }
        tensors.add(new TensorInfo(t.name(), t.dtype(), t.dims(), t.elements(), bytes, file));
      }
      TensorTotals.check(path, tensors);
      Notes notes = new Notes(limits);
      notes.addAll(ext.notes());
      Graph graph =
          new Graph(
              p.opsets,
              (p.producerName + " " + p.producerVersion).strip(),
              p.metadata,
              p.mainInputs(),
              p.outputs,
              p.nodes,
              p.constants,
              external);
      String basis =
          "initializers and constants declared in "
              + fileName
              + (external.isEmpty() ? "" : " (" + external.size() + " in external data)");
      return new ModelProfile(
          path.toString(),
          ModelFormat.ONNX,
          framework(p.producerName),
          WeightSummary.fromTensors(tensors, basis),
          tensors,
          Optional.empty(),
          Optional.of(graph),
          List.of(),
          notes.list());
    }
  }

  /**
   * Walks a model's fields as {@link #read} does, reading the same bytes: run over a file on the
   * Hub read by ranges, it fetches exactly what a later read of the sparse copy needs.
   *
   * @return the external-data locations its initializers name, as written (a later read of the copy
   *     checks them, and needs of each only its size)
   * @throws ModelFormatException when the model is malformed
   */
  public static Set<String> walk(ByteSource source, ReadLimits limits) throws IOException {
    int maxMessageDepth = 8 + 4 * (limits.maxGraphDepth() + 1);
    try (ProtoReader r = ProtoReader.over(source, maxMessageDepth)) {
      Parse p = new Parse(r, limits);
      p.model();
      Set<String> locations = new LinkedHashSet<>();
      for (OnnxTensor t : p.weights) {
        String location = t.isExternal() ? t.external().get("location") : null;
        if (location != null) {
          locations.add(location);
        }
      }
      return locations;
    }
  }

  /** The framework an exporter name stands for. */
  static Framework framework(String producer) {
    String p = producer.toLowerCase(java.util.Locale.ROOT);
    if (p.contains("pytorch") || p.equals("torch")) {
      return Framework.PYTORCH;
    }
    if (p.contains("tf2onnx") || p.contains("keras2onnx") || p.contains("tensorflow")) {
      return Framework.TENSORFLOW;
    }
    return Framework.UNKNOWN;
  }

  /** The state of one parse. */
  private static final class Parse {
    private final ProtoReader r;
    private final ReadLimits limits;
    private final int maxString;
    private final KeptValues kept;
    boolean sawGraph;
    String producerName = "";
    String producerVersion = "";
    final Map<String, Long> opsets = new LinkedHashMap<>();
    final Map<String, String> metadata = new LinkedHashMap<>();
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    final List<OpNode> nodes = new ArrayList<>();
    final List<OnnxTensor> weights = new ArrayList<>();
    final Set<String> initializerNames = new HashSet<>();
    final Map<String, ConstantValue> constants = new LinkedHashMap<>();

    Parse(ProtoReader r, ReadLimits limits) {
      this.r = r;
      this.limits = limits;
      this.maxString = limits.maxJsonStringChars();
      this.kept = new KeptValues(r, limits, "node inputs, outputs and attribute values");
    }

    void model() throws IOException {
      int tag;
      while ((tag = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(tag)) {
          case MODEL_IR_VERSION -> {
            r.expect(tag, VARINT, "ir_version");
            r.readVarint();
          }
          case MODEL_PRODUCER_NAME -> producerName = string(tag, "producer_name");
          case MODEL_PRODUCER_VERSION -> producerVersion = string(tag, "producer_version");
          case MODEL_GRAPH -> {
            r.expect(tag, LENGTH_DELIMITED, "graph");
            if (sawGraph) {
              throw r.error(r.position(), "a second main graph (field 7)");
            }
            sawGraph = true;
            graph("", 0, true);
          }
          case MODEL_OPSET_IMPORT -> opset(tag);
          case MODEL_METADATA_PROPS -> {
            r.expect(tag, LENGTH_DELIMITED, "metadata_props");
            String[] kv = entry();
            if (metadata.size() < ReadLimits.MAX_METADATA_ENTRIES) {
              metadata.put(kv[0], kv[1]);
            }
          }
          case MODEL_FUNCTIONS -> function(tag);
          default -> r.skipValue(tag);
        }
      }
    }

    private void opset(int tag) throws IOException {
      r.expect(tag, LENGTH_DELIMITED, "opset_import");
      long token = r.beginMessage();
      String domain = "";
      long version = 0;
      int t;
      while ((t = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(t)) {
          case OPSET_DOMAIN -> domain = string(t, "opset domain");
          case OPSET_VERSION -> {
            r.expect(t, VARINT, "opset version");
            version = r.readVarint();
          }
          default -> r.skipValue(t);
        }
      }
      r.endMessage(token);
      if (opsets.size() < ReadLimits.MAX_METADATA_ENTRIES) {
        opsets.put(domain.equals("ai.onnx") ? "" : domain, version);
      }
    }

    private void graph(String scope, int depth, boolean main) throws IOException {
      if (depth > limits.maxGraphDepth()) {
        throw r.error(
            r.position(), "subgraphs nested deeper than the limit of " + limits.maxGraphDepth());
      }
      long token = r.beginMessage();
      int tag;
      while ((tag = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(tag)) {
          case GRAPH_NODE -> node(tag, scope, depth);
          case GRAPH_INITIALIZER -> {
            r.expect(tag, LENGTH_DELIMITED, "initializer");
            OnnxTensor t = tensor("initializer " + (weights.size() + 1));
            addWeight(t, t.name());
            initializerNames.add(t.name());
          }
          case GRAPH_SPARSE_INITIALIZER -> sparse(tag);
          case GRAPH_INPUT -> {
            ValueInfo v = valueInfo(tag, "input");
            if (main && inputs.size() < ReadLimits.MAX_GRAPH_PORTS) {
              inputs.add(v);
            }
          }
          case GRAPH_OUTPUT -> {
            ValueInfo v = valueInfo(tag, "output");
            if (main && outputs.size() < ReadLimits.MAX_GRAPH_PORTS) {
              outputs.add(v);
            }
          }
          default -> r.skipValue(tag);
        }
      }
      r.endMessage(token);
    }

    private void node(int tag, String scope, int depth) throws IOException {
      r.expect(tag, LENGTH_DELIMITED, "node");
      if (nodes.size() >= limits.maxGraphNodes()) {
        throw r.error(r.position(), "more than " + limits.maxGraphNodes() + " nodes");
      }
      String where = "node " + (nodes.size() + 1);
      long token = r.beginMessage();
      String name = "";
      String opType = "";
      String domain = "";
      List<String> in = new ArrayList<>();
      List<String> out = new ArrayList<>();
      Map<String, AttributeValue> attrs = new LinkedHashMap<>();
      List<OnnxTensor> attrTensors = new ArrayList<>();
      List<Runnable> pendingSubgraphs = new ArrayList<>();
      int t;
      while ((t = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(t)) {
          case NODE_INPUT -> listAdd(in, string(t, where + " input"), where + " inputs");
          case NODE_OUTPUT -> listAdd(out, string(t, where + " output"), where + " outputs");
          case NODE_NAME -> name = string(t, where + " name");
          case NODE_OP_TYPE -> opType = string(t, where + " op_type");
          case NODE_DOMAIN -> domain = string(t, where + " domain");
          case NODE_ATTRIBUTE -> {
            r.expect(t, LENGTH_DELIMITED, where + " attribute");
            attribute(
                attrs, attrTensors, scope, depth, name.isEmpty() ? where.replace(' ', '_') : name);
          }
          default -> r.skipValue(t);
        }
      }
      r.endMessage(token);
      if (opType.isEmpty()) {
        throw r.error(
            r.position(),
            where + (name.isEmpty() ? "" : " (\"" + name + "\")") + " has no op_type");
      }
      if (opType.equals("Constant") && out.size() == 1 && attrTensors.size() == 1) {
        OnnxTensor c = attrTensors.get(0);
        addWeight(c, out.get(0));
      }
      if (nodes.size() >= limits.maxGraphNodes()) { // its subgraphs' nodes came first
        throw r.error(r.position(), "more than " + limits.maxGraphNodes() + " nodes");
      }
      nodes.add(new OpNode(name, opType, domain, in, out, attrs, scope));
    }

    private void attribute(
        Map<String, AttributeValue> attrs,
        List<OnnxTensor> tensors,
        String scope,
        int depth,
        String nodeName)
        throws IOException {
      long token = r.beginMessage();
      String name = "";
      AttributeValue value = null;
      List<Long> ints = new ArrayList<>();
      List<Double> floats = new ArrayList<>();
      boolean dropped = false;
      int subgraphs = 0;
      int t;
      while ((t = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(t)) {
          case ATTR_NAME -> name = string(t, "attribute name");
          case ATTR_I -> {
            r.expect(t, VARINT, "attribute i");
            value = new AttributeValue.Int(r.readVarint());
          }
          case ATTR_F -> {
            r.expect(t, FIXED32, "attribute f");
            value = new AttributeValue.Float(Float.intBitsToFloat(r.readFixed32()));
          }
          case ATTR_S -> {
            r.expect(t, LENGTH_DELIMITED, "attribute s");
            long len = r.readLength();
            if (len <= ReadLimits.MAX_ATTRIBUTE_TEXT) {
              value =
                  new AttributeValue.Text(
                      new String(r.readRaw((int) len), java.nio.charset.StandardCharsets.UTF_8));
            } else {
              r.skip(len);
            }
          }
          case ATTR_INTS ->
              dropped |=
                  OnnxTensor.readInts(
                      r, t, ints, ReadLimits.MAX_ATTRIBUTE_VALUES, "attribute ints", true);
          case ATTR_FLOATS -> dropped |= floats(t, floats);
          case ATTR_T -> {
            r.expect(t, LENGTH_DELIMITED, "attribute t");
            OnnxTensor tensor = tensor("attribute tensor of " + nodeName);
            if (tensors.size() < 2) { // only a node with exactly one tensor is used
              tensors.add(tensor);
            }
            value = new AttributeValue.Tensor(tensor.name());
          }
          case ATTR_G, ATTR_GRAPHS -> {
            r.expect(t, LENGTH_DELIMITED, "attribute graph");
            String sub =
                (scope.isEmpty() ? "" : scope + "/")
                    + nodeName
                    + "."
                    + (name.isEmpty() ? "graph" : name)
                    + (subgraphs > 0 ? "#" + subgraphs : "");
            subgraphs++;
            graph(sub, depth + 1, false);
            value = new AttributeValue.Subgraph(sub);
          }
          default -> r.skipValue(t);
        }
      }
      r.endMessage(token);
      if (!ints.isEmpty()) {
        value = new AttributeValue.Ints(ints);
      } else if (!floats.isEmpty()) {
        value = new AttributeValue.Floats(floats);
      }
      // a list cut short would mislead more than a missing attribute
      if (value != null
          && !dropped
          && !name.isEmpty()
          && attrs.size() < ReadLimits.MAX_NODE_ATTRIBUTES) {
        kept.add(1 + ints.size() + floats.size());
        attrs.put(name, value);
      }
    }

    /**
     * Reads repeated floats, keeping at most {@link ReadLimits#MAX_ATTRIBUTE_VALUES}; true when
     * some were not.
     */
    private boolean floats(int tag, List<Double> out) throws IOException {
      if (ProtoReader.wireType(tag) == FIXED32) {
        float f = Float.intBitsToFloat(r.readFixed32());
        if (out.size() >= ReadLimits.MAX_ATTRIBUTE_VALUES) {
          return true;
        }
        out.add((double) f);
        return false;
      }
      r.expect(tag, LENGTH_DELIMITED, "attribute floats");
      long len = r.readLength();
      if (len % 4 != 0) {
        throw r.error(r.position(), "packed floats of " + len + " bytes is not a multiple of 4");
      }
      if (out.size() + len / 4 > ReadLimits.MAX_ATTRIBUTE_VALUES) {
        r.skip(len);
        return true;
      }
      for (long i = 0; i < len / 4; i++) {
        out.add((double) Float.intBitsToFloat(r.readFixed32()));
      }
      return false;
    }

    private OnnxTensor tensor(String place) throws IOException {
      return OnnxTensor.read(r, limits.maxConstantElements(), maxString, place);
    }

    private void addWeight(OnnxTensor t, String name) throws ModelFormatException {
      if (weights.size() >= limits.maxTensors()) {
        throw r.error(r.position(), "more than " + limits.maxTensors() + " tensors");
      }
      OnnxTensor named =
          name.equals(t.name())
              ? t
              : new OnnxTensor(
                  name,
                  t.dtype(),
                  t.dims(),
                  t.elements(),
                  t.storedBytes(),
                  t.external(),
                  t.values());
      weights.add(named);
      t.values().ifPresent(v -> constants.put(name, new ConstantValue(t.dims(), v)));
    }

    /** A SparseTensorProto initializer: its values and indices tensors count as weights. */
    private void sparse(int tag) throws IOException {
      r.expect(tag, LENGTH_DELIMITED, "sparse_initializer");
      long token = r.beginMessage();
      int t;
      while ((t = r.nextTag()) != -1) {
        int field = ProtoReader.fieldNumber(t);
        if (field == SPARSE_VALUES || field == SPARSE_INDICES) {
          r.expect(t, LENGTH_DELIMITED, "sparse tensor part");
          OnnxTensor part = tensor("sparse initializer");
          addWeight(part, part.name() + (field == SPARSE_INDICES ? ".indices" : ""));
          initializerNames.add(part.name());
        } else {
          r.skipValue(t);
        }
      }
      r.endMessage(token);
    }

    private ValueInfo valueInfo(int tag, String what) throws IOException {
      return OnnxValueInfo.read(r, tag, what, maxString);
    }

    private void function(int tag) throws IOException {
      r.expect(tag, LENGTH_DELIMITED, "function");
      long token = r.beginMessage();
      String name = "";
      String domain = "";
      List<Long> nodeStarts = new ArrayList<>();
      int t;
      while ((t = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(t)) {
          case FUNCTION_NAME -> name = string(t, "function name");
          case FUNCTION_DOMAIN -> domain = string(t, "function domain");
          case FUNCTION_NODE -> {
            r.expect(t, LENGTH_DELIMITED, "function node");
            if (nodes.size() + nodeStarts.size() >= limits.maxGraphNodes()) {
              throw r.error(r.position(), "more than " + limits.maxGraphNodes() + " nodes");
            }
            nodeStarts.add(r.position());
            r.skip(r.readLength());
          }
          default -> r.skipValue(t);
        }
      }
      long end = r.position();
      // nodes come back after the name, which may follow them in the file
      String scope = "function:" + (domain.isEmpty() ? "" : domain + ".") + name;
      for (long start : nodeStarts) {
        r.seek(start);
        node(LENGTH_DELIMITED, scope, 1);
      }
      r.seek(end);
      r.endMessage(token);
    }

    private String[] entry() throws IOException {
      long token = r.beginMessage();
      String key = "";
      String value = "";
      int t;
      while ((t = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(t)) {
          case ENTRY_KEY -> key = string(t, "metadata key");
          case ENTRY_VALUE -> value = string(t, "metadata value");
          default -> r.skipValue(t);
        }
      }
      r.endMessage(token);
      return new String[] {key, value};
    }

    private String string(int tag, String what) throws IOException {
      r.expect(tag, LENGTH_DELIMITED, what);
      return r.readString(maxString, what);
    }

    private void listAdd(List<String> list, String value, String what) throws ModelFormatException {
      if (list.size() >= ReadLimits.MAX_NODE_PORTS) {
        throw r.error(
            r.position(),
            what + String.format(Locale.ROOT, ": more than %,d", ReadLimits.MAX_NODE_PORTS));
      }
      kept.add(1);
      list.add(value);
    }

    /** Graph inputs without the initializers that old IR versions also list as inputs. */
    List<ValueInfo> mainInputs() {
      return inputs.stream().filter(v -> !initializerNames.contains(v.name())).toList();
    }
  }
}
