package dev.neuronfit.io.tf;

import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;
import static dev.neuronfit.io.tf.TfFields.*;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ValueInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SavedModel message around a graph: its meta graphs (tags, TensorFlow version, signatures), of
 * which the one tagged {@code serve} is read, and the inputs and outputs of its {@code
 * serving_default} signature (else the first by key).
 */
final class TfSavedModel {
  private TfSavedModel() {}

  /**
   * What the SavedModel says beside its graph.
   *
   * @param metadata tags, versions and signature names, as the graph's metadata
   * @param notes non-fatal oddities (several meta graphs)
   * @param signature the signature whose inputs and outputs the graph has
   * @param tensorflowVersion the TensorFlow version that wrote it, or empty
   */
  record Header(
      Map<String, String> metadata,
      List<String> notes,
      Optional<Signature> signature,
      String tensorflowVersion) {
    static final Header NONE = new Header(Map.of(), List.of(), Optional.empty(), "");
  }

  /**
   * A signature's inputs and outputs.
   *
   * @param key its key in the signature map, e.g. {@code serving_default}
   */
  record Signature(String key, List<ValueInfo> inputs, List<ValueInfo> outputs) {}

  /** One MetaGraphDef as scanned: its tags, version, signatures and where its graph is. */
  private static final class Meta {
    final List<String> tags = new ArrayList<>();
    String version = "";
    long graphAt = -1;
    final Map<String, Signature> signatures = new TreeMap<>();
  }

  /**
   * Reads a SavedModel's meta graphs, chooses the one tagged {@code serve} (else the first) and
   * reads its graph with {@code graph}.
   */
  static Header read(ProtoReader r, TfGraphReader graph) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    List<Long> metaStarts = new ArrayList<>();
    long schema = -1;
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case SAVED_MODEL_SCHEMA_VERSION -> {
          r.expect(tag, VARINT, "saved_model_schema_version");
          schema = r.readVarint();
        }
        case SAVED_MODEL_META_GRAPHS -> {
          r.expect(tag, LENGTH_DELIMITED, "meta_graphs");
          if (metaStarts.size() >= ReadLimits.MAX_META_GRAPHS) {
            throw r.error(r.position(), "more than " + ReadLimits.MAX_META_GRAPHS + " meta graphs");
          }
          metaStarts.add(r.position());
          r.skip(r.readLength());
        }
        default -> r.skipValue(tag);
      }
    }
    if (metaStarts.isEmpty()) {
      throw r.error(0, "not a TensorFlow SavedModel: no meta_graphs (field 2)");
    }
    List<Meta> metas = new ArrayList<>();
    for (long start : metaStarts) {
      r.seek(start);
      metas.add(metaGraph(r));
    }
    Meta chosen =
        metas.stream().filter(m -> m.tags.contains("serve")).findFirst().orElse(metas.get(0));
    if (chosen.graphAt < 0) {
      throw r.error(metaStarts.get(metas.indexOf(chosen)), "the meta graph has no graph_def");
    }
    if (metas.size() > 1) {
      notes.add(
          metas.size()
              + " meta graphs; read the one tagged "
              + (chosen.tags.isEmpty() ? "(none)" : String.join(",", chosen.tags)));
    }
    r.seek(chosen.graphAt);
    graph.readEmbedded();
    if (schema >= 0) {
      metadata.put("saved_model_schema_version", Long.toString(schema));
    }
    metadata.put("tags", String.join(",", chosen.tags));
    if (!chosen.version.isEmpty()) {
      metadata.put("tensorflow_version", chosen.version);
    }
    Signature sig =
        chosen.signatures.getOrDefault(
            "serving_default",
            chosen.signatures.isEmpty() ? null : chosen.signatures.values().iterator().next());
    if (sig != null) {
      metadata.put("signature", sig.key());
    }
    if (chosen.signatures.size() > 1) {
      metadata.put("signatures", String.join(",", chosen.signatures.keySet()));
    }
    return new Header(metadata, notes, Optional.ofNullable(sig), chosen.version);
  }

  private static Meta metaGraph(ProtoReader r) throws IOException {
    Meta m = new Meta();
    long token = r.beginMessage();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case META_INFO_DEF -> {
          r.expect(tag, LENGTH_DELIMITED, "meta_info_def");
          long info = r.beginMessage();
          int t;
          while ((t = r.nextTag()) != -1) {
            switch (ProtoReader.fieldNumber(t)) {
              case INFO_TAGS -> {
                String tagName = string(r, t, "meta graph tag");
                if (m.tags.size() < ReadLimits.MAX_META_GRAPH_TAGS) {
                  m.tags.add(tagName);
                }
              }
              case INFO_TENSORFLOW_VERSION -> m.version = string(r, t, "tensorflow_version");
              default -> r.skipValue(t);
            }
          }
          r.endMessage(info);
        }
        case META_GRAPH_DEF -> {
          r.expect(tag, LENGTH_DELIMITED, "graph_def");
          m.graphAt = r.position();
          r.skip(r.readLength());
        }
        case META_SIGNATURE_DEF -> {
          r.expect(tag, LENGTH_DELIMITED, "signature_def");
          if (m.signatures.size() >= ReadLimits.MAX_SIGNATURES) {
            throw r.error(r.position(), "more than " + ReadLimits.MAX_SIGNATURES + " signatures");
          }
          Signature s = signature(r);
          m.signatures.putIfAbsent(s.key(), s);
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return m;
  }

  /** A signature_def map entry: key and SignatureDef (inputs and outputs by key). */
  private static Signature signature(ProtoReader r) throws IOException {
    long token = r.beginMessage();
    String key = "";
    List<ValueInfo> inputs = new ArrayList<>();
    List<ValueInfo> outputs = new ArrayList<>();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(tag)) {
        case ENTRY_KEY -> key = string(r, tag, "signature key");
        case ENTRY_VALUE -> {
          r.expect(tag, LENGTH_DELIMITED, "signature");
          long def = r.beginMessage();
          int t;
          while ((t = r.nextTag()) != -1) {
            int field = ProtoReader.fieldNumber(t);
            if (field == SIGNATURE_INPUTS || field == SIGNATURE_OUTPUTS) {
              r.expect(t, LENGTH_DELIMITED, "signature inputs/outputs");
              List<ValueInfo> into = field == SIGNATURE_INPUTS ? inputs : outputs;
              ValueInfo v = tensorInfoEntry(r);
              if (into.size() < ReadLimits.MAX_GRAPH_PORTS && !v.name().isEmpty()) {
                into.add(v);
              }
            } else {
              r.skipValue(t);
            }
          }
          r.endMessage(def);
        }
        default -> r.skipValue(tag);
      }
    }
    r.endMessage(token);
    return new Signature(key, inputs, outputs);
  }

  /** A map entry of TensorInfo: the tensor it names ({@code x:0} shown as {@code x}). */
  private static ValueInfo tensorInfoEntry(ProtoReader r) throws IOException {
    long token = r.beginMessage();
    String name = "";
    Optional<DType> dtype = Optional.empty();
    List<ValueInfo.Dim> shape = List.of();
    int tag;
    while ((tag = r.nextTag()) != -1) {
      if (ProtoReader.fieldNumber(tag) != ENTRY_VALUE) {
        r.skipValue(tag);
        continue;
      }
      r.expect(tag, LENGTH_DELIMITED, "signature tensor");
      long info = r.beginMessage();
      int t;
      while ((t = r.nextTag()) != -1) {
        switch (ProtoReader.fieldNumber(t)) {
          case TENSOR_INFO_NAME -> name = string(r, t, "signature tensor name");
          case TENSOR_INFO_DTYPE -> {
            r.expect(t, VARINT, "signature tensor dtype");
            dtype = TfTensor.dtypeOf(r.readVarint());
          }
          case TENSOR_INFO_SHAPE -> {
            r.expect(t, LENGTH_DELIMITED, "signature tensor shape");
            shape = dims(TfTensor.readShape(r, "signature tensor shape").orElse(List.of()));
          }
          default -> r.skipValue(t);
        }
      }
      r.endMessage(info);
    }
    r.endMessage(token);
    return new ValueInfo(tensorName(name), dtype, shape);
  }

  private static List<ValueInfo.Dim> dims(List<Long> shape) {
    return shape.stream()
        .map(d -> d >= 0 ? ValueInfo.Dim.of(d) : new ValueInfo.Dim(-1, ""))
        .toList();
  }

  /** A tensor name as signatures write it ({@code x:0}) shown as its node, {@code x}. */
  static String tensorName(String name) {
    return name.endsWith(":0") ? name.substring(0, name.length() - 2) : name;
  }

  private static String string(ProtoReader r, int tag, String what) throws IOException {
    r.expect(tag, LENGTH_DELIMITED, what);
    return r.readString(ReadLimits.MAX_HEADER_STRING, what);
  }
}
