package dev.neuronfit.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Builds a Jackson {@link JsonNode} tree straight from a streaming {@link JsonParser}.
 *
 * <p>Written by hand instead of calling {@code ObjectMapper.readTree} because constructing an
 * ObjectMapper costs a few hundred milliseconds of class loading and set-up on every start of a
 * short-lived command, while the tree node classes and the parser are cheap. Nesting depth is
 * bounded by the parser's {@code StreamReadConstraints}, which the callers configure.
 */
public final class JsonTreeBuilder {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(false);

  private JsonTreeBuilder() {}

  /**
   * Reads one value starting at the parser's next token, or at its current token if it is already
   * on one.
   *
   * @return the value, or null when the input is empty
   */
  public static JsonNode read(JsonParser p) throws IOException {
    return read(p, new long[] {Long.MAX_VALUE});
  }

  /**
   * Reads one value as {@link #read(JsonParser)} does, building at most {@code budget[0]} nodes
   * (the tree's memory grows with them) and taking those it builds off the budget.
   *
   * @throws TooManyValues when the value holds more nodes than the budget
   */
  public static JsonNode read(JsonParser p, long[] budget) throws IOException {
    JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
    return t == null ? null : value(p, t, budget);
  }

  /** A JSON value with more nodes than its budget allows. */
  public static final class TooManyValues extends IOException {
    TooManyValues() {
      super("more JSON values than the limit allows");
    }
  }

  private static JsonNode value(JsonParser p, JsonToken t, long[] budget) throws IOException {
    if (--budget[0] < 0) {
      throw new TooManyValues();
    }
    return switch (t) {
      case START_OBJECT -> object(p, budget);
      case START_ARRAY -> array(p, budget);
      case VALUE_STRING -> NODES.textNode(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new IOException("unexpected JSON token " + t);
    };
  }

  private static ObjectNode object(JsonParser p, long[] budget) throws IOException {
    ObjectNode o = NODES.objectNode();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      o.set(name, value(p, p.nextToken(), budget));
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unexpected JSON token " + t + " in an object");
    }
    return o;
  }

  private static ArrayNode array(JsonParser p, long[] budget) throws IOException {
    ArrayNode a = NODES.arrayNode();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IOException("unexpected end of JSON in an array");
      }
      a.add(value(p, t, budget));
    }
    return a;
  }
}
