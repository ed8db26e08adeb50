package dev.neuronfit.io;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Parses untrusted JSON (config files, index files, safetensors headers) within {@link ReadLimits}:
 * size is checked before reading, nesting depth and string length are enforced by Jackson's {@link
 * StreamReadConstraints}, the values held as a tree are counted against {@link
 * ReadLimits#MAX_JSON_VALUES}, and duplicate keys are an error rather than silently overwritten.
 * Jackson's messages quote the token it failed on: the quote is cut to {@link
 * ReadLimits#MAX_QUOTED_CHARS} characters and {@link ModelFormatException} escapes it.
 */
public final class BoundedJson {
  private final JsonFactory factory;
  private final ReadLimits limits;

  public BoundedJson(ReadLimits limits) {
    this.limits = limits;
    this.factory =
        JsonFactory.builder()
            // hostile files hold millions of distinct keys (a safetensors __metadata__ is
            // skipped, but its keys are still read): a table of them, or the JVM's interned
            // strings, would keep them all. Without the table Jackson reads bytes through its
            // UTF-8 reader, which lets malformed UTF-8 through, so utf8() checks it first.
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
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
            .errorReportConfiguration(
                ErrorReportConfiguration.builder()
                    .maxErrorTokenLength(ReadLimits.MAX_QUOTED_CHARS)
                    .maxRawContentLength(0)
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
    return readObjectFile(file, file, shown);
  }

  /**
   * Reads a whole JSON file of a model that must hold an object.
   *
   * @param file the file to read
   * @param root the model's root folder (see {@link ModelFiles})
   * @param shown how to name the file in messages (relative to the model folder where useful)
   * @throws ModelFormatException when the file is missing, outside the model, too big, not JSON or
   *     not an object
   */
  public JsonNode readObjectFile(Path file, Path root, Path shown) throws IOException {
    long size;
    try {
      size = ModelFiles.size(file, root, shown);
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
    try (InputStream in = ModelFiles.stream(file, root, shown)) {
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
    // one budget for the whole tree, since all of it is kept
    fields(
        bytes, shown, place, Set.of(), node::set, new long[] {ReadLimits.MAX_JSON_VALUES}, false);
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
    forEachField(bytes, shown, place, Set.of(), visitor);
  }

  /**
   * As {@link #forEachField(byte[], Path, String, FieldVisitor)}, but the values of the keys in
   * {@code skipped} must be objects and are passed over unread (never built as a tree, never handed
   * to the visitor): a 99 MB safetensors {@code __metadata__} costs no memory.
   */
  public void forEachField(
      byte[] bytes, Path shown, String place, Set<String> skipped, FieldVisitor visitor)
      throws ModelFormatException {
    fields(bytes, shown, place, skipped, visitor, new long[1], true);
  }

  private void fields(
      byte[] bytes,
      Path shown,
      String place,
      Set<String> skipped,
      FieldVisitor visitor,
      long[] budget,
      boolean budgetPerValue)
      throws ModelFormatException {
    utf8(bytes, shown, place);
    try (JsonParser parser = factory.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new ModelFormatException(shown, place, "empty file, expected a JSON object");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ModelFormatException(
            shown, place, "expected a JSON object, found " + kind(first));
      }
      // Jackson's duplicate check keeps every key of an object; a skipped object's keys must not
      // be kept, so while one is skipped the check is off, and the top-level keys are checked
      // here (Jackson's check restarts empty once it is back on)
      Set<String> topKeys = skipped.isEmpty() ? Set.of() : new HashSet<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        if (!skipped.isEmpty() && !topKeys.add(key)) {
          throw new ModelFormatException(
              shown,
              where(place, parser.currentLocation()),
              "not valid JSON: duplicate key \"" + key + "\"");
        }
        if (skipped.contains(key)) {
          parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
          if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new ModelFormatException(
                shown,
                place.isEmpty() ? "key " + key : place + " key " + key,
                "expected an object");
          }
          parser.skipChildren();
          parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
          continue;
        }
        parser.nextToken();
        if (budgetPerValue) {
          budget[0] = ReadLimits.MAX_JSON_VALUES;
        }
        JsonNode value = JsonTreeBuilder.read(parser, budget);
        visitor.visit(key, value == null ? NullNode.getInstance() : value);
      }
      if (parser.nextToken() != null) {
        throw new ModelFormatException(
            shown, where(place, parser.currentLocation()), "unexpected data after the JSON value");
      }
    } catch (ModelFormatException e) {
      throw e;
    } catch (JsonTreeBuilder.TooManyValues e) {
      throw new ModelFormatException(
          shown,
          place,
          "holds more than " + ReadLimits.MAX_JSON_VALUES + " JSON values, over the limit");
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(
          shown, where(place, e.getLocation()), "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException(shown, place, "not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Requires well-formed UTF-8 (JSON's encoding, RFC 8259 section 8.1), decoding through a small
   * buffer so a 100 MB header costs no more memory than a small one.
   */
  private static void utf8(byte[] bytes, Path shown, String place) throws ModelFormatException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isError()) {
        int at = in.position();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
          if (bytes[i] == '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        String where = "line " + line + ", column " + (at - lineStart + 1);
        throw new ModelFormatException(
            shown,
            place.isEmpty() ? where : place + ", " + where,
            "not valid JSON: malformed UTF-8");
      }
      out.clear();
      if (r.isUnderflow()) {
        return;
      }
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
