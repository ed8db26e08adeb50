package dev.neuronfit.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls of a layer in a functional model, from its {@code inbound_nodes}: which tensors each
 * call consumed, positionally and by keyword, and the scalar keyword arguments (such as {@code
 * use_causal_mask}).
 *
 * <p>Two layouts exist. Keras 1 and 2 (and tf.keras) write a list of calls, each a list of {@code
 * [layer_name, node_index, tensor_index, kwargs]} entries, where a tensor inside kwargs is again a
 * {@code [layer_name, node_index, tensor_index]} list. Keras 3 writes a list of {@code {"args":
 * [...], "kwargs": {...}}} objects in which each tensor is a {@code __keras_tensor__} object whose
 * {@code config.keras_history} is {@code [layer_name, node_index, tensor_index]}, possibly nested
 * in lists (a Concatenate's one argument is a list of tensors).
 */
final class InboundNodes {
  private InboundNodes() {}

  /**
   * One call of a layer.
   *
   * @param args tensors passed positionally, flattened in order (the query first for attention)
   * @param kwargTensors tensors passed by keyword, e.g. {@code value}, {@code key}, {@code
   *     attention_mask}
   * @param kwargScalars other keyword arguments that are numbers, booleans or strings
   */
  record Call(List<Ref> args, Map<String, Ref> kwargTensors, Map<String, JsonNode> kwargScalars) {}

  /**
   * A tensor produced by a layer: its {@code node_index}-th call's {@code tensor_index}-th output.
   */
  record Ref(String layer, long node, long tensor) {
    /** The value name used in the graph: the layer's name, with the call and output when not 0. */
    String valueName(String scope) {
      String base = scope.isEmpty() ? layer : scope + "/" + layer;
      return base + (node == 0 ? "" : "@" + node) + (tensor == 0 ? "" : "[" + tensor + "]");
    }
  }

  /** The calls in {@code inbound}; an absent or empty list gives none. */
  static List<Call> read(JsonNode inbound) {
    List<Call> calls = new ArrayList<>();
    if (inbound == null || !inbound.isArray()) {
      return calls;
    }
    for (JsonNode node : inbound) {
      if (node.isObject()) {
        calls.add(keras3(node));
      } else if (node.isArray()) {
        calls.add(keras2(node));
      }
    }
    return calls;
  }

  private static Call keras3(JsonNode node) {
    List<Ref> args = new ArrayList<>();
    collect(node.get("args"), args);
    Map<String, Ref> tensors = new LinkedHashMap<>();
    Map<String, JsonNode> scalars = new LinkedHashMap<>();
    JsonNode kwargs = node.get("kwargs");
    if (kwargs != null && kwargs.isObject()) {
      kwargs
          .fields()
          .forEachRemaining(
              f -> {
                List<Ref> found = new ArrayList<>();
                collect(f.getValue(), found);
                if (!found.isEmpty()) {
                  tensors.put(f.getKey(), found.get(0));
                } else if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                  scalars.put(f.getKey(), f.getValue());
                }
              });
    }
    return new Call(args, tensors, scalars);
  }

  /** Keras 3 tensors anywhere in a value, in order. JSON nesting is bounded by the parser. */
  private static void collect(JsonNode v, List<Ref> out) {
    if (v == null) {
      return;
    }
    if (v.isArray()) {
      v.forEach(e -> collect(e, out));
    } else if (v.isObject()) {
      if ("__keras_tensor__".equals(v.path("class_name").asText())) {
        history(v.path("config").get("keras_history")).ifPresent(out::add);
      } else {
        v.forEach(e -> collect(e, out));
      }
    }
  }

  private static Call keras2(JsonNode node) {
    List<Ref> args = new ArrayList<>();
    Map<String, Ref> tensors = new LinkedHashMap<>();
    Map<String, JsonNode> scalars = new LinkedHashMap<>();
    for (JsonNode entry : node) {
      history(entry).ifPresent(args::add);
      JsonNode kwargs = entry.isArray() && entry.size() >= 4 ? entry.get(3) : null;
      if (kwargs != null && kwargs.isObject()) {
        kwargs
            .fields()
            .forEachRemaining(
                f -> {
                  Optional<Ref> t = history(f.getValue());
                  if (t.isPresent()) {
                    tensors.put(f.getKey(), t.get());
                  } else if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                    scalars.put(f.getKey(), f.getValue());
                  }
                });
      }
    }
    return new Call(args, tensors, scalars);
  }

  /** {@code [layer_name, node_index, tensor_index, ...]}, or empty when {@code v} is not one. */
  static Optional<Ref> history(JsonNode v) {
    if (v == null
        || !v.isArray()
        || v.size() < 3
        || !v.get(0).isTextual()
        || !v.get(1).isIntegralNumber()
        || !v.get(2).isIntegralNumber()) {
      return Optional.empty();
    }
    return Optional.of(new Ref(v.get(0).asText(), v.get(1).asLong(), v.get(2).asLong()));
  }
}
