package dev.neuronfit.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.io.BoundedJson;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.Notes;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.keras.InboundNodes.Call;
import dev.neuronfit.io.keras.InboundNodes.Ref;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.ValueInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a Keras model config (the {@code model_config} attribute of an .h5 file, or config.json of
 * a .keras archive) into graph nodes: one node per layer, opType the layer's {@code class_name},
 * domain {@code keras}. Sequential models chain their layers; functional models connect them by
 * their {@code inbound_nodes}. A model used as a layer, and the layer inside a wrapper
 * (Bidirectional, TimeDistributed, an RNN's cell), becomes a node whose {@code layers} or {@code
 * inner} attribute names the scope its own layers sit in. The config values detection and estimates
 * use are kept as attributes; nothing in the config is ever executed, and Lambda layers, which
 * carry marshalled Python bytecode, are recorded as hazards without decoding it.
 */
final class KerasLayers {
  /** The operator domain of Keras layer nodes. */
  static final String DOMAIN = "keras";

  private static final Set<String> CONTAINERS = Set.of("Sequential", "Functional", "Model");
  private static final Set<String> WRAPPED = Set.of("layer", "backward_layer", "cell");

  /**
   * What the config says.
   *
   * @param modelClass the top-level {@code class_name} (Sequential, Functional, Model, or a
   *     subclassed model's class)
   */
  record Result(
      String modelClass,
      List<OpNode> nodes,
      List<ValueInfo> inputs,
      List<ValueInfo> outputs,
      List<Hazard> hazards) {}

  private final Path shown;
  private final String source;
  private final ReadLimits limits;
  private final List<OpNode> main = new ArrayList<>();
  private final List<OpNode> nested = new ArrayList<>();
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final List<ValueInfo> outputs = new ArrayList<>();
  private final List<Hazard> hazards = new ArrayList<>();
  private final Notes notes;

  private KerasLayers(Path shown, String source, ReadLimits limits, Notes notes) {
    this.shown = shown;
    this.source = source;
    this.limits = limits;
    this.notes = notes;
  }

  /**
   * Reads a model config.
   *
   * @param source where the config came from, named in messages: {@code attribute model_config} or
   *     {@code zip entry config.json}
   * @param notes where notes on the config go
   * @throws ModelFormatException when it is not a Keras model config (no {@code class_name}, layers
   *     that are not a list of objects), or exceeds the node or nesting limits
   */
  static Result read(JsonNode root, Path shown, String source, ReadLimits limits, Notes notes)
      throws ModelFormatException {
    KerasLayers k = new KerasLayers(shown, source, limits, notes);
    String cls = k.className(root, "");
    if (layerList(root).isPresent()) {
      List<String> out = k.container(root, cls, "", "", List.of(), 0);
      if (k.outputs.isEmpty()) {
        out.forEach(o -> k.outputs.add(new ValueInfo(o, Optional.empty(), List.of())));
      }
    } else {
      k.note(
          "the model is of class "
              + cls
              + " (a subclassed model): its config does not list its layers");
    }
    List<OpNode> all = new ArrayList<>(k.main);
    all.addAll(k.nested);
    return new Result(cls, all, k.inputs, k.outputs, k.hazards);
  }

  private static Optional<JsonNode> layerList(JsonNode entry) {
    JsonNode config = entry.get("config");
    if (config == null) {
      return Optional.empty();
    }
    // Keras up to 2.2.2 wrote a Sequential model's config as the list of its layers
    JsonNode layers = config.isArray() ? config : config.get("layers");
    return layers == null ? Optional.empty() : Optional.of(layers);
  }

  private String className(JsonNode entry, String at) throws ModelFormatException {
    JsonNode c = entry.get("class_name");
    if (c == null || !c.isTextual() || c.asText().isEmpty()) {
      throw new ModelFormatException(
          shown,
          where(at + "class_name"),
          c == null
              ? "missing; a Keras model config names the class of each layer"
              : "expected a class name, found " + BoundedJson.kind(c));
    }
    return c.asText();
  }

  private String where(String jsonPath) {
    return jsonPath.isEmpty() ? source : source + ", " + jsonPath;
  }

  /** Reads a Sequential or functional model's layers; returns its output value names. */
  private List<String> container(
      JsonNode entry, String cls, String scope, String at, List<String> feed, int depth)
      throws ModelFormatException {
    if (depth > limits.maxGraphDepth()) {
      throw new ModelFormatException(
          shown, where(at), "models nested deeper than " + limits.maxGraphDepth() + " levels");
    }
    JsonNode layers = layerList(entry).orElseThrow();
    String layersAt = at + (entry.get("config").isArray() ? "config" : "config.layers");
    if (!layers.isArray()) {
      throw new ModelFormatException(
          shown, where(layersAt), "expected a list of layers, found " + BoundedJson.kind(layers));
    }
    boolean sequential = cls.equals("Sequential") || entry.get("config").isArray();
    for (JsonNode l : layers) {
      if (!l.isObject()) {
        throw new ModelFormatException(
            shown, where(layersAt), "expected layer objects, found " + BoundedJson.kind(l));
      }
      sequential |= cls.equals("Sequential") || !l.has("inbound_nodes") && !l.has("name");
    }
    return sequential
        ? sequential(layers, scope, layersAt, feed, depth)
        : functional(entry, layers, scope, layersAt, depth);
  }

  private List<String> sequential(
      JsonNode layers, String scope, String at, List<String> feed, int depth)
      throws ModelFormatException {
    List<String> prev = feed;
    for (int i = 0; i < layers.size(); i++) {
      JsonNode l = layers.get(i);
      String li = at + "[" + i + "]";
      String cls = className(l, li + ".");
      String name = name(l, cls, i);
      JsonNode config = l.path("config");
      if (cls.equals("InputLayer")) {
        if (prev.isEmpty()) {
          if (depth == 0) {
            inputs.add(LayerAttributes.valueInfo(name, config));
          }
          prev = List.of(value(scope, name));
        }
        continue;
      }
      if (prev.isEmpty()) {
        // Keras 2 names the input it builds for a Sequential model after the first layer
        String input = name + "_input";
        if (depth == 0) {
          inputs.add(LayerAttributes.valueInfo(input, config));
        }
        prev = List.of(value(scope, input));
      }
      layer(l, cls, name, scope, li, prev, List.of(), depth);
      prev = List.of(value(scope, name));
    }
    return prev;
  }

  private List<String> functional(
      JsonNode entry, JsonNode layers, String scope, String at, int depth)
      throws ModelFormatException {
    for (int i = 0; i < layers.size(); i++) {
      JsonNode l = layers.get(i);
      String li = at + "[" + i + "]";
      String cls = className(l, li + ".");
      String name = name(l, cls, i);
      if (cls.equals("InputLayer")) {
        if (depth == 0) {
          inputs.add(LayerAttributes.valueInfo(name, l.path("config")));
        }
        continue;
      }
      List<Call> calls = InboundNodes.read(l.get("inbound_nodes"));
      Set<String> in = new LinkedHashSet<>();
      for (Call c : calls) {
        c.args().forEach(r -> in.add(r.valueName(scope)));
        c.kwargTensors().values().forEach(r -> in.add(r.valueName(scope)));
      }
      layer(l, cls, name, scope, li, List.copyOf(in), calls, depth);
    }
    List<String> out = new ArrayList<>();
    JsonNode outs = entry.path("config").get("output_layers");
    // one output may be written as a bare [name, node, tensor] in Keras 3
    if (InboundNodes.history(outs).isPresent()) {
      out.add(InboundNodes.history(outs).get().valueName(scope));
    } else if (outs != null && outs.isArray()) {
      outs.forEach(o -> InboundNodes.history(o).ifPresent(r -> out.add(r.valueName(scope))));
    }
    if (depth == 0) {
      out.forEach(o -> outputs.add(new ValueInfo(o, Optional.empty(), List.of())));
    }
    return out;
  }

  private static String name(JsonNode l, String cls, int index) {
    JsonNode n = l.get("name");
    if (n == null || !n.isTextual()) {
      n = l.path("config").get("name");
    }
    return n != null && n.isTextual() && !n.asText().isEmpty()
        ? n.asText()
        : cls.toLowerCase(Locale.ROOT) + "_" + index;
  }

  private static String value(String scope, String name) {
    return scope.isEmpty() ? name : scope + "/" + name;
  }

  private void layer(
      JsonNode l,
      String cls,
      String name,
      String scope,
      String at,
      List<String> in,
      List<Call> calls,
      int depth)
      throws ModelFormatException {
    JsonNode config = l.path("config");
    Map<String, AttributeValue> attrs = new LinkedHashMap<>();
    String inner = value(scope, name);
    if (CONTAINERS.contains(cls) && layerList(l).isPresent() || holdsLayers(config)) {
      attrs.put("layers", new AttributeValue.Subgraph(inner));
      add(new OpNode(name, cls, DOMAIN, in, List.of(inner), attrs, scope), at);
      container(l, cls, inner, at + ".", in, depth + 1);
      return;
    }
    LayerAttributes.attributes(config, attrs);
    JsonNode built = l.path("build_config").get("input_shape");
    LayerAttributes.ints(built).ifPresent(v -> attrs.putIfAbsent("input_shape", v));
    JsonNode module = l.get("module");
    if (module != null && module.isTextual() && !module.asText().startsWith("keras.")) {
      attrs.putIfAbsent("module", new AttributeValue.Text(LayerAttributes.clip(module.asText())));
    }
    callAttributes(cls, calls, scope, attrs);
    lambda(cls, name, config, at);
    List<JsonNode> wrapped = new ArrayList<>();
    for (String key : WRAPPED) {
      JsonNode w = config.get(key);
      if (w != null && w.isObject() && w.path("class_name").isTextual()) {
        attrs.put(
            key, new AttributeValue.Text(LayerAttributes.clip(w.path("class_name").asText())));
        wrapped.add(w);
      }
    }
    if (!wrapped.isEmpty()) {
      attrs.put("inner", new AttributeValue.Subgraph(inner));
    }
    add(new OpNode(name, cls, DOMAIN, in, List.of(inner), attrs, scope), at);
    if (depth >= limits.maxGraphDepth() && !wrapped.isEmpty()) {
      throw new ModelFormatException(
          shown, where(at), "layers nested deeper than " + limits.maxGraphDepth() + " levels");
    }
    for (int i = 0; i < wrapped.size(); i++) {
      JsonNode w = wrapped.get(i);
      String wc = className(w, at + ".config.");
      layer(w, wc, name(w, wc, i), inner, at + ".config", in, List.of(), depth + 1);
    }
  }

  /** A custom layer whose config lists Keras layer objects, as a model's does. */
  private static boolean holdsLayers(JsonNode config) {
    JsonNode layers = config.get("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) {
      return false;
    }
    for (JsonNode l : layers) {
      if (!l.isObject() || !l.path("class_name").isTextual()) {
        return false;
      }
    }
    return true;
  }

  /** What the calls of an attention-like layer say: cross-attention, causal masking. */
  private static void callAttributes(
      String cls, List<Call> calls, String scope, Map<String, AttributeValue> attrs) {
    if (calls.size() > 1) {
      attrs.put("calls", new AttributeValue.Int(calls.size()));
    }
    boolean attention = cls.contains("Attention") || cls.contains("Transformer");
    for (Call c : calls) {
      JsonNode causal = c.kwargScalars().get("use_causal_mask");
      if (causal != null && causal.asBoolean()) {
        attrs.put("use_causal_mask", new AttributeValue.Int(1));
      }
      if (!attention || c.args().isEmpty()) {
        continue;
      }
      Ref query = c.args().get(0);
      List<Ref> others = new ArrayList<>();
      if (c.args().size() > 1) {
        others.add(c.args().get(1));
      }
      c.kwargTensors()
          .forEach(
              (k, r) -> {
                if (k.equals("value") || k.equals("key") || k.startsWith("encoder")) {
                  others.add(r);
                }
              });
      if (others.stream().anyMatch(r -> !r.equals(query))) {
        attrs.put("cross_attention", new AttributeValue.Int(1));
      }
      Ref mask = c.kwargTensors().get("attention_mask");
      if (mask != null) {
        attrs.put(
            "attention_mask", new AttributeValue.Text(LayerAttributes.clip(mask.valueName(scope))));
      }
    }
  }

  /**
   * A Lambda layer's function is Python bytecode marshalled into the config (Keras 2: {@code
   * function} is {@code [code, defaults, closure]} with {@code function_type} "lambda"; Keras 3: an
   * object of class {@code __lambda__}). Loading the model with Keras unmarshals and runs it.
   */
  private void lambda(String cls, String name, JsonNode config, String at) {
    for (String key : List.of("function", "output_shape", "mask")) {
      JsonNode f = config.get(key);
      if (f == null || f.isNull()) {
        continue;
      }
      String type = config.path(key + "_type").asText("");
      boolean code =
          (f.isArray() && f.size() > 0 && f.get(0).isTextual() && !type.equals("raw"))
              || (f.isTextual() && type.equals("lambda"))
              || "__lambda__".equals(f.path("class_name").asText());
      if (code) {
        hazards.add(
            new Hazard(
                "keras-lambda",
                cls
                    + " layer "
                    + LayerAttributes.clip(name)
                    + " holds marshalled Python bytecode in config."
                    + key
                    + "; loading the model with Keras would unmarshal and run it (Keras 3"
                    + " refuses unless safe_mode=False); not decoded",
                where(at)));
      } else if (cls.equals("Lambda") && key.equals("function")) {
        note(
            "Lambda layer "
                + LayerAttributes.clip(name)
                + " calls a Python function by name; loading needs that function as a custom"
                + " object");
      }
    }
  }

  private void add(OpNode node, String at) throws ModelFormatException {
    if (main.size() + nested.size() >= limits.maxGraphNodes()) {
      throw new ModelFormatException(
          shown, where(at), "more than " + limits.maxGraphNodes() + " layers");
    }
    (node.scope().isEmpty() ? main : nested).add(node);
  }

  private void note(String text) {
    notes.add(text);
  }
}
