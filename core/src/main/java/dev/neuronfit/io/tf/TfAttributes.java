package dev.neuronfit.io.tf;

import static dev.neuronfit.io.pb.ProtoReader.FIXED32;
import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;
import static dev.neuronfit.io.tf.TfFields.*;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.model.AttributeValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the attributes of a NodeDef (map entries of name and AttrValue) into attribute values:
 * ints, floats, bools (as 0/1), types (the DataType code), strings up to 4 KiB, lists of ints and
 * floats, shapes as lists of ints (-1 for an unknown size), functions as subgraph references to the
 * scope {@code function:<name>}, and a tensor, handed back for a Const node. A list of shapes (such
 * as {@code _output_shapes}, one per output) keeps each shape whose rank is known, at its position.
 * Other kinds and longer values are skipped.
 */
final class TfAttributes {
  /**
   * One attribute as read.
   *
   * @param key its name, empty when the file gives none
   * @param values its value, or several for a list of functions or shapes, by position in the list;
   *     empty when not kept. A position is missing where its value was not kept (a shape of unknown
   *     rank).
   */
  record Attr(String key, SortedMap<Integer, AttributeValue> values) {}

  private final ProtoReader r;
  private final ReadLimits limits;

  TfAttributes(ProtoReader r, ReadLimits limits) {
    this.r = r;
    this.limits = limits;
  }

  /**
   * A map entry of NodeDef.attr whose length prefix comes next: key (field 1) and AttrValue (field
   * 2). A tensor value is also handed back in {@code tensor[0]}.
   */
  Attr entry(TfTensor[] tensor, String where) throws IOException {
    long token = r.beginMessage();
    String key = "";
    SortedMap<Integer, AttributeValue> values = new TreeMap<>();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case ENTRY_KEY -> key = string(tag, where + " attr name");
        case ENTRY_VALUE -> {
          r.expect(tag, LENGTH_DELIMITED, where + " attr value");
          values = value(tensor, where + " attr " + (key.isEmpty() ? "value" : key));
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return new Attr(key, values);
  }

  /**
   * An AttrValue: the kinds detection uses become attribute values (a list of functions or shapes
   * becomes several, by position); a tensor is also handed back in {@code tensor} for a Const node.
   */
  private SortedMap<Integer, AttributeValue> value(TfTensor[] tensor, String where)
      throws IOException {
    long token = r.beginMessage();
    SortedMap<Integer, AttributeValue> out = new TreeMap<>();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case ATTR_I, ATTR_B, ATTR_TYPE -> {
          r.expect(tag, VARINT, where);
          add(out, new AttributeValue.Int(r.readVarint()));
        }
        case ATTR_F -> {
          r.expect(tag, FIXED32, where);
          add(out, new AttributeValue.Float(Float.intBitsToFloat(r.readFixed32())));
        }
        case ATTR_S -> text(tag, where).ifPresent(v -> add(out, v));
        case ATTR_SHAPE -> {
          r.expect(tag, LENGTH_DELIMITED, where);
          TfTensor.readShape(r, where).ifPresent(d -> add(out, new AttributeValue.Ints(d)));
        }
        case ATTR_TENSOR -> {
          r.expect(tag, LENGTH_DELIMITED, where);
          tensor[0] = TfTensor.read(r, limits.maxConstantElements(), where);
          add(out, new AttributeValue.Tensor(where));
        }
        case ATTR_FUNC -> {
          r.expect(tag, LENGTH_DELIMITED, where);
          add(out, function(where));
        }
        case ATTR_LIST -> {
          r.expect(tag, LENGTH_DELIMITED, where);
          list(out, where);
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return out;
  }

  /** Adds a value after those already read (a malformed AttrValue may set several kinds). */
  private static void add(SortedMap<Integer, AttributeValue> out, AttributeValue v) {
    out.put(out.isEmpty() ? 0 : out.lastKey() + 1, v);
  }

  /**
   * A ListValue: ints, floats, functions and shapes are kept (shapes of unknown rank leave their
   * position empty); the rest skipped.
   */
  private void list(SortedMap<Integer, AttributeValue> out, String where) throws IOException {
    long token = r.beginMessage();
    List<Long> ints = new ArrayList<>();
    List<Double> floats = new ArrayList<>();
    List<AttributeValue> functionsListed = new ArrayList<>();
    SortedMap<Integer, AttributeValue> shapes = new TreeMap<>();
    int shapesListed = 0;
    boolean dropped = false;
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case LIST_I -> dropped |= ints(tag, ints, where);
        case LIST_F -> dropped |= floats(tag, floats, where);
        case LIST_SHAPE -> {
          r.expect(tag, LENGTH_DELIMITED, where + " shape");
          var dims = TfTensor.readShape(r, where + " shape");
          if (dims.isPresent() && shapesListed < ReadLimits.MAX_ATTRIBUTE_SHAPES) {
            shapes.put(shapesListed, new AttributeValue.Ints(dims.get()));
          }
          shapesListed++;
        }
        case LIST_FUNC -> {
          r.expect(tag, LENGTH_DELIMITED, where + " func");
          AttributeValue f = function(where);
          if (functionsListed.size() < ReadLimits.MAX_ATTRIBUTE_FUNCTIONS) {
            functionsListed.add(f);
          }
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    if (dropped) {
      return;
    }
    if (!ints.isEmpty()) {
      add(out, new AttributeValue.Ints(ints));
    } else if (!floats.isEmpty()) {
      add(out, new AttributeValue.Floats(floats));
    } else if (!functionsListed.isEmpty()) {
      functionsListed.forEach(f -> add(out, f));
    } else if (out.isEmpty()) {
      out.putAll(shapes);
    }
  }

  /** A NameAttrList: the function's name (its own attributes are skipped). */
  private AttributeValue function(String where) throws IOException {
    long token = r.beginMessage();
    String name = "";
    int tag;
    while ((tag = r.nextTag()) != -1) {
      if (ProtoReader.fieldNumber(tag) == NAME_ATTR_LIST_NAME) {
        name = string(tag, where + " function name");
      } else {
        r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return new AttributeValue.Subgraph("function:" + name);
  }

  private Optional<AttributeValue> text(int tag, String where) throws IOException {
    r.expect(tag, LENGTH_DELIMITED, where);
    long len = r.readLength();
    if (len > ReadLimits.MAX_ATTRIBUTE_TEXT) {
      r.skip(len);
      return Optional.empty();
    }
    // attribute strings are bytes in TensorFlow; a bad UTF-8 sequence is shown, not fatal
    return Optional.of(
        new AttributeValue.Text(new String(r.readRaw((int) len), StandardCharsets.UTF_8)));
  }

  /**
   * Repeated int64, packed or not; true when the list is over {@link
   * ReadLimits#MAX_ATTRIBUTE_VALUES}.
   */
  private boolean ints(int tag, List<Long> out, String where) throws IOException {
    if (ProtoReader.wireType(tag) == VARINT) {
      out.add(r.readVarint());
      return out.size() > ReadLimits.MAX_ATTRIBUTE_VALUES;
    }
    r.expect(tag, LENGTH_DELIMITED, where + " ints");
    long len = r.readLength();
    long end = r.position() + len;
    if (len > 10L * ReadLimits.MAX_ATTRIBUTE_VALUES) {
      r.skip(len);
      return true;
    }
    while (r.position() < end) {
      out.add(r.readVarint());
    }
    if (r.position() != end) {
      throw r.error(end, where + ": packed ints run past their field");
    }
    return out.size() > ReadLimits.MAX_ATTRIBUTE_VALUES;
  }

  /**
   * Repeated float, packed or not; true when the list is over {@link
   * ReadLimits#MAX_ATTRIBUTE_VALUES}.
   */
  private boolean floats(int tag, List<Double> out, String where) throws IOException {
    if (ProtoReader.wireType(tag) == FIXED32) {
      out.add((double) Float.intBitsToFloat(r.readFixed32()));
      return out.size() > ReadLimits.MAX_ATTRIBUTE_VALUES;
    }
    r.expect(tag, LENGTH_DELIMITED, where + " floats");
    long len = r.readLength();
    if (len % 4 != 0) {
      throw r.error(r.position(), where + ": packed floats of " + len + " bytes");
    }
    if (len / 4 > ReadLimits.MAX_ATTRIBUTE_VALUES) {
      r.skip(len);
      return true;
    }
    for (long i = 0; i < len / 4; i++) {
      out.add((double) Float.intBitsToFloat(r.readFixed32()));
    }
    return out.size() > ReadLimits.MAX_ATTRIBUTE_VALUES;
  }

  private String string(int tag, String what) throws IOException {
    r.expect(tag, LENGTH_DELIMITED, what);
    return r.readString(limits.maxJsonStringChars(), what);
  }
}
