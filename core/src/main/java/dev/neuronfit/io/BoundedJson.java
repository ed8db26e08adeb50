package dev.neuronfit.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Parses untrusted JSON (config files, index files, safetensors headers) within {@link ReadLimits}:
 * size is checked before reading, nesting depth and string length are enforced by Jackson's {@link
 * StreamReadConstraints}, and duplicate keys are an error rather than silently overwritten.
 */
public final class BoundedJson {
  private final JsonFactory factory;
  private final ReadLimits limits;

  public BoundedJson(ReadLimits limits) {
    this.limits = limits;
    this.factory =
        JsonFactory.builder()
            // Python's json module writes NaN and Infinity; transformers configs sometimes hold
            // them.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxJsonDepth())
                    .maxStringLength(limits.maxJsonStringChars())
                    .maxNameLength(limits.maxJsonStringChars())
                    .maxNumberLength(ReadLimits.MAX_JSON_NUMBER_CHARS)
                    .build())
            .build();
  }

  /**
   * Reads a whole JSON file that must hold an object.
   *
   * @param file the file to read
   * @param shown how to name the file in messages (relative to the model folder where useful)
   * @throws ModelFormatException when the file is missing, too big, not JSON or not an object
   */
  public JsonNode readObjectFile(Path file, Path shown) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(shown, "", "file not found");
    }
    if (size > limits.maxJsonFileBytes()) {
      throw new ModelFormatException(
          shown,
          "",
          "JSON file of " + size + " bytes is over the limit of " + limits.maxJsonFileBytes());
    }
    // read no more than the limit even if the file grew since, or is a special file whose size
    // says 0 (as under /proc)
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(limits.maxJsonFileBytes() + 1, Integer.MAX_VALUE - 8));
    }
    if (bytes.length > limits.maxJsonFileBytes()) {
      throw new ModelFormatException(
          shown, "", "JSON file is over the limit of " + limits.maxJsonFileBytes() + " bytes");
    }
    return parseObject(bytes, shown, "");
  }

  /**
   * Parses bytes that must hold one JSON object.
   *
   * @param place the place to name in messages before the JSON position, e.g. {@code "header"}
   */
  public JsonNode parseObject(byte[] bytes, Path shown, String place) throws ModelFormatException {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    forEachField(bytes, shown, place, node::set);
    return node;
  }

  /** Receives the keys and values of an object read by {@link #forEachField}, one at a time. */
  @FunctionalInterface
  public interface FieldVisitor {
    /**
     * @throws ModelFormatException to refuse the entry, which stops the parse
     */
    void visit(String key, JsonNode value) throws ModelFormatException;
  }

  /**
   * Parses bytes that must hold one JSON object, handing each top-level key and value to {@code
   * visitor} as soon as it is read. The object is never held whole, so a large one (a 100 MB
   * safetensors header) costs memory for one entry at a time, and the first bad entry ends the
   * parse.
   *
   * @param place the place to name in messages before the JSON position, e.g. {@code "header"}
   */
  public void forEachField(byte[] bytes, Path shown, String place, FieldVisitor visitor)
      throws ModelFormatException {
    try (JsonParser parser = factory.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new ModelFormatException(shown, place, "empty file, expected a JSON object");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ModelFormatException(
            shown, place, "expected a JSON object, found " + kind(first));
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        parser.nextToken();
        JsonNode value = JsonTreeBuilder.read(parser);
        visitor.visit(key, value == null ? NullNode.getInstance() : value);
      }
      if (parser.nextToken() != null) {
        throw new ModelFormatException(
            shown, where(place, parser.currentLocation()), "unexpected data after the JSON value");
      }
    } catch (ModelFormatException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(
          shown, where(place, e.getLocation()), "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException(shown, place, "not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** A short name of a JSON value's type for messages. */
  public static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String where(String place, JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 0) {
      return place;
    }
    String at = "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    return place.isEmpty() ? at : place + ", " + at;
  }
}
