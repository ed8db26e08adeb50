package dev.neuronfit.io.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What of a Keras layer's config is kept on its graph node: numbers, booleans, short strings and
 * short integer lists (kernel sizes, strides, shapes with -1 for unknown dimensions), with Keras 1
 * names mapped to today's ({@code output_dim} to {@code units}, {@code nb_filter} to {@code
 * filters}, {@code nb_row}/{@code nb_col} to {@code kernel_size}, {@code subsample} to {@code
 * strides}). Nested objects (initializers, regularizers, dtype policies) and Lambda code are left
 * out.
 */
final class LayerAttributes {
  private static final Set<String> NOT_KEPT =
      Set.of(
          "name",
          "trainable",
          "dtype",
          "function",
          "output_shape",
          "mask",
          "arguments",
          "layers",
          "input_layers",
          "output_layers",
          "layer",
          "backward_layer",
          "cell");
  private static final int MAX_ATTRIBUTES = 64;
  private static final int MAX_TEXT = 200;
  private static final int MAX_INTS = 16;

  private LayerAttributes() {}

  /** Keeps a layer config's scalar settings and small integer lists as node attributes. */
  static void attributes(JsonNode config, Map<String, AttributeValue> attrs) {
    config
        .fields()
        .forEachRemaining(
            f -> {
              if (attrs.size() >= MAX_ATTRIBUTES || NOT_KEPT.contains(f.getKey())) {
                return;
              }
              JsonNode v = f.getValue();
              AttributeValue a = null;
              if (v.isIntegralNumber()) {
                a = new AttributeValue.Int(v.asLong());
              } else if (v.isNumber()) {
                a = new AttributeValue.Float(v.asDouble());
              } else if (v.isBoolean()) {
                a = new AttributeValue.Int(v.asBoolean() ? 1 : 0);
              } else if (v.isTextual() && v.asText().length() <= MAX_TEXT) {
                a = new AttributeValue.Text(v.asText());
              } else if (v.isArray()) {
                a = ints(v).or(() -> pairs(v)).orElse(null);
              }
              if (a != null) {
                attrs.put(clip(f.getKey()), a);
              }
            });
    // Keras 1 names: output_dim for units, nb_filter, nb_row/nb_col and subsample
    if (!attrs.containsKey("units")
        && attrs.containsKey("output_dim")
        && !attrs.containsKey("input_dim")) {
      attrs.put("units", attrs.get("output_dim"));
    }
    if (!attrs.containsKey("filters") && attrs.containsKey("nb_filter")) {
      attrs.put("filters", attrs.get("nb_filter"));
    }
    if (!attrs.containsKey("kernel_size") && attrs.containsKey("nb_row")) {
      long col = attrs.getOrDefault("nb_col", attrs.get("nb_row")).asLong();
      attrs.put("kernel_size", new AttributeValue.Ints(List.of(attrs.get("nb_row").asLong(), col)));
    }
    if (!attrs.containsKey("strides") && attrs.containsKey("subsample")) {
      attrs.put("strides", attrs.get("subsample"));
    }
  }

  /** A list of integers (null dimensions as -1), or empty for other values and long lists. */
  static Optional<AttributeValue> ints(JsonNode v) {
    if (v == null || !v.isArray() || v.size() > MAX_INTS) {
      return Optional.empty();
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (e.isIntegralNumber()) {
        out.add(e.asLong());
      } else if (e.isNull()) {
        out.add(-1L);
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(new AttributeValue.Ints(out));
  }

  /**
   * Per-side amounts such as ZeroPadding2D's {@code ((top, bottom), (left, right))}, flattened to
   * {@code [top, bottom, left, right]}; empty for other values.
   */
  static Optional<AttributeValue> pairs(JsonNode v) {
    if (v == null || !v.isArray() || v.isEmpty() || v.size() > MAX_INTS / 2) {
      return Optional.empty();
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isArray()
          || e.size() != 2
          || !e.get(0).isIntegralNumber()
          || !e.get(1).isIntegralNumber()) {
        return Optional.empty();
      }
      out.add(e.get(0).asLong());
      out.add(e.get(1).asLong());
    }
    return Optional.of(new AttributeValue.Ints(out));
  }

  static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
  }

  /** An input from an InputLayer's (or a first layer's) batch shape and dtype. */
  static ValueInfo valueInfo(String name, JsonNode config) {
    JsonNode shape =
        config.has("batch_shape") ? config.get("batch_shape") : config.get("batch_input_shape");
    List<ValueInfo.Dim> dims = new ArrayList<>();
    if (shape != null && shape.isArray() && shape.size() <= MAX_INTS) {
      for (JsonNode d : shape) {
        dims.add(
            d.isIntegralNumber() && d.asLong() >= 0
                ? ValueInfo.Dim.of(d.asLong())
                : new ValueInfo.Dim(-1, ""));
      }
    }
    JsonNode dtype = config.get("dtype");
    return new ValueInfo(
        clip(name),
        dtype != null && dtype.isTextual() ? dtype(dtype.asText()) : Optional.empty(),
        dims);
  }

  static Optional<DType> dtype(String name) {
    return Optional.ofNullable(
        switch (name) {
          case "float32" -> DType.F32;
          case "float16" -> DType.F16;
          case "bfloat16" -> DType.BF16;
          case "float64" -> DType.F64;
          case "int64" -> DType.I64;
          case "int32" -> DType.I32;
          case "int16" -> DType.I16;
          case "int8" -> DType.I8;
          case "uint8" -> DType.U8;
          case "bool" -> DType.BOOL;
          case "string" -> DType.STRING;
          default -> null;
        });
  }
}
