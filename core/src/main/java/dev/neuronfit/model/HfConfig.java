package dev.neuronfit.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A read-only view of one Hugging Face configuration object (a {@code config.json}, a diffusers
 * component config, or a nested object such as {@code text_config}).
 *
 * <p>Immutable: the JSON tree is copied on construction and never handed out. Accessors return
 * empty when a key is missing, null, or of another JSON type, so callers never see nulls.
 */
public final class HfConfig {
  private static final int MAX_SHOWN_CHARS = 80;

  private final String file;
  private final String path;
  private final JsonNode node;

  /**
   * @param file the file this object was read from, relative to the model folder
   * @param node a JSON object
   */
  public HfConfig(String file, JsonNode node) {
    this(file, "", node);
  }

  private HfConfig(String file, String path, JsonNode node) {
    this.file = Objects.requireNonNull(file, "file");
    this.path = path;
    if (!node.isObject()) {
      throw new IllegalArgumentException("a config must be a JSON object");
    }
    this.node = node.deepCopy();
  }

  /** The file this object was read from, relative to the model folder. */
  public String file() {
    return file;
  }

  /** The key path of this object inside its file ({@code ""} for the top level). */
  public String path() {
    return path;
  }

  /** The dotted key as evidence should name it, e.g. {@code text_config.model_type}. */
  public String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  public Optional<String> string(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  /** An integral number; a float such as {@code 768.0} is accepted when it is whole. */
  public OptionalLong integer(String key) {
    JsonNode v = node.get(key);
    if (v == null || !v.isNumber()) {
      return OptionalLong.empty();
    }
    if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
      return OptionalLong.of(v.asLong());
    }
    return OptionalLong.empty();
  }

  public Optional<Double> number(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isNumber() ? Optional.of(v.asDouble()) : Optional.empty();
  }

  public Optional<Boolean> bool(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isBoolean() ? Optional.of(v.asBoolean()) : Optional.empty();
  }

  /** The string elements of an array value (non-strings are skipped); empty when not an array. */
  public List<String> strings(String key) {
    JsonNode v = node.get(key);
    List<String> out = new ArrayList<>();
    if (v != null && v.isArray()) {
      v.forEach(
          e -> {
            if (e.isTextual()) {
              out.add(e.asText());
            }
          });
    } else if (v != null && v.isTextual()) {
      out.add(v.asText());
    }
    return List.copyOf(out);
  }

  /** The integral elements of an array value; empty when not an array of integers. */
  public List<Long> integers(String key) {
    JsonNode v = node.get(key);
    List<Long> out = new ArrayList<>();
    if (v != null && v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isIntegralNumber() && !(e.isNumber() && e.canConvertToExactIntegral())) {
          return List.of();
        }
        out.add(e.asLong());
      }
    }
    return List.copyOf(out);
  }

  /** The keys of this object, in file order. */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return List.copyOf(out);
  }

  /**
   * The numbers under a key as doubles: the value itself when it is a number, the numeric elements
   * when it is an array; empty otherwise. For range checks, where a value beyond a long still has
   * to be seen.
   */
  public List<Double> numbersIn(String key) {
    JsonNode v = node.get(key);
    List<Double> out = new ArrayList<>();
    if (v != null && v.isNumber()) {
      out.add(v.asDouble());
    } else if (v != null && v.isArray()) {
      for (JsonNode e : v) {
        if (e.isNumber()) {
          out.add(e.asDouble());
        }
      }
    }
    return List.copyOf(out);
  }

  /** Number of entries of an object or array value, or 0. */
  public int sizeOf(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isContainerNode() ? v.size() : 0;
  }

  /** A nested object, e.g. {@code text_config}, as a config of its own. */
  public Optional<HfConfig> child(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isObject()
        ? Optional.of(new HfConfig(file, keyPath(key), v))
        : Optional.empty();
  }

  /**
   * This object with {@code key} taken from {@code parent} when this object lacks it and the parent
   * has it; this object unchanged otherwise. For a nested config that inherits a key of the
   * composite config around it.
   */
  public HfConfig inheriting(HfConfig parent, String key) {
    if (has(key) || !parent.has(key)) {
      return this;
    }
    com.fasterxml.jackson.databind.node.ObjectNode copy =
        (com.fasterxml.jackson.databind.node.ObjectNode) node.deepCopy();
    copy.set(key, parent.node.get(key).deepCopy());
    return new HfConfig(file, path, copy);
  }

  /** The value as compact JSON, shortened for display; empty when the key is missing. */
  public Optional<String> shown(String key) {
    JsonNode v = node.get(key);
    if (v == null) {
      return Optional.empty();
    }
    String text = v.toString();
    return Optional.of(
        text.length() > MAX_SHOWN_CHARS ? text.substring(0, MAX_SHOWN_CHARS - 1) + "…" : text);
  }

  /** The first of {@code keys} that holds an integer, with the key that held it. */
  public Optional<KeyValue> firstInteger(String... keys) {
    for (String k : keys) {
      OptionalLong v = integer(k);
      if (v.isPresent()) {
        return Optional.of(new KeyValue(keyPath(k), v.getAsLong()));
      }
    }
    return Optional.empty();
  }

  /** A key (dotted path) and the integer found under it. */
  public record KeyValue(String key, long value) {}

  @Override
  public String toString() {
    return file + (path.isEmpty() ? "" : "#" + path);
  }
}
