package dev.neuronfit.kb;

import dev.neuronfit.model.Family;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalogue of Hugging Face model types and diffusers classes with their guideline family,
 * loaded from {@code kb/hf-catalogue.tsv} (see that file's header for columns and sources).
 */
public final class HfCatalogue {
  private static final String HEADER = "kind\tname\tclass_prefix\tfamily\talso\tcertainty\tnote";

  /** Which name space an entry's name lives in. */
  public enum Kind {
    MODEL_TYPE("model_type"),
    DIFFUSERS_MODEL("diffusers_model"),
    DIFFUSERS_PIPELINE("diffusers_pipeline"),
    /** A prefix of the {@code architecture} value in a timm model's config.json. */
    TIMM_ARCHITECTURE("timm_architecture");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Optional<Kind> fromId(String id) {
      for (Kind k : values()) {
        if (k.id.equals(id)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * One catalogue row.
   *
   * @param kind its name space
   * @param name the model_type or class name
   * @param classPrefix for model types, the prefix of its transformers class names (e.g. {@code
   *     XLMRoberta}); empty for diffusers rows
   * @param family the guideline family
   * @param also other families that also match
   * @param exact true when the model is clearly of the family; false when the family is only the
   *     nearest one
   * @param note a short description
   */
  public record Entry(
      Kind kind,
      String name,
      String classPrefix,
      Family family,
      List<Family> also,
      boolean exact,
      String note) {
    public Entry {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(classPrefix, "classPrefix");
      Objects.requireNonNull(family, "family");
      also = List.copyOf(also);
      Objects.requireNonNull(note, "note");
    }
  }

  private final List<Entry> entries;
  private final Map<String, Entry> byKey;

  /** Model-type entries by class prefix, longest prefix first, for matching class names. */
  private final List<Entry> byPrefix;

  private HfCatalogue(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    Map<String, Entry> keys = new HashMap<>();
    for (Entry e : entries) {
      if (keys.put(key(e.kind(), e.name()), e) != null) {
        throw new IllegalStateException(
            "hf-catalogue.tsv: duplicate " + e.kind().id() + " " + e.name());
      }
    }
    this.byKey = Map.copyOf(keys);
    List<Entry> prefixed = new ArrayList<>();
    for (Entry e : entries) {
      if (e.kind() == Kind.MODEL_TYPE && !e.classPrefix().isEmpty()) {
        prefixed.add(e);
      }
    }
    // longest prefix first; among equal prefixes the model type spelled like the prefix (gpt2 for
    // GPT2, not gpt-sw3 which reuses GPT-2's classes), then by name for a stable order
    prefixed.sort(
        Comparator.comparingInt((Entry e) -> -e.classPrefix().length())
            .thenComparing(e -> !spelledLike(e.name(), e.classPrefix()))
            .thenComparing(Entry::name));
    this.byPrefix = List.copyOf(prefixed);
  }

  private static boolean spelledLike(String name, String prefix) {
    return name.replace("_", "").replace("-", "").equalsIgnoreCase(prefix);
  }

  static HfCatalogue parse(InputStream in) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<Entry> entries = new ArrayList<>();
    boolean header = false;
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        if (!line.equals(HEADER)) {
          throw new IllegalStateException("hf-catalogue.tsv line " + n + ": unexpected header");
        }
        header = true;
        continue;
      }
      String[] c = line.split("\t", -1);
      if (c.length != 7) {
        throw new IllegalStateException(
            "hf-catalogue.tsv line " + n + ": expected 7 columns, found " + c.length);
      }
      int lineNo = n;
      Kind kind =
          Kind.fromId(c[0])
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "hf-catalogue.tsv line " + lineNo + ": kind " + c[0]));
      List<Family> also = new ArrayList<>();
      for (String a : c[4].split(",")) {
        if (!a.isBlank()) {
          also.add(family(a.strip(), n));
        }
      }
      if (!c[5].equals("exact") && !c[5].equals("closest")) {
        throw new IllegalStateException("hf-catalogue.tsv line " + n + ": certainty " + c[5]);
      }
      entries.add(new Entry(kind, c[1], c[2], family(c[3], n), also, c[5].equals("exact"), c[6]));
    }
    return new HfCatalogue(entries);
  }

  private static Family family(String id, int line) {
    return Family.fromId(id)
        .orElseThrow(
            () -> new IllegalStateException("hf-catalogue.tsv line " + line + ": family " + id));
  }

  private static String key(Kind kind, String name) {
    return kind.id() + "\t" + name;
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * The entry for a name in a name space. Model types are matched exactly, as transformers does.
   */
  public Optional<Entry> find(Kind kind, String name) {
    return Optional.ofNullable(byKey.get(key(kind, name)));
  }

  /**
   * The model type whose class prefix starts a transformers class name such as {@code
   * BertForMaskedLM}, trying the longest prefixes first. A leading {@code TF} or {@code Flax} is
   * ignored. The character after the prefix must start a new word (an upper-case letter) or end the
   * name, so {@code Bert} does not match {@code BertGeneration...} when a longer prefix exists.
   */
  public Optional<Entry> findByClassName(String className) {
    String name = className;
    if (name.startsWith("TF") && name.length() > 2 && Character.isUpperCase(name.charAt(2))) {
      name = name.substring(2);
    } else if (name.startsWith("Flax")) {
      name = name.substring(4);
    }
    for (Entry e : byPrefix) {
      String p = e.classPrefix();
      if (name.startsWith(p)
          && (name.length() == p.length() || Character.isUpperCase(name.charAt(p.length())))) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The timm entry whose name is the longest prefix of a timm architecture name such as {@code
   * resnet50d} or {@code vit_base_patch16_224}.
   */
  public Optional<Entry> findTimm(String architecture) {
    Entry best = null;
    for (Entry e : entries) {
      if (e.kind() == Kind.TIMM_ARCHITECTURE
          && architecture.startsWith(e.name())
          && (best == null || e.name().length() > best.name().length())) {
        best = e;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Number of entries of a kind. */
  public long count(Kind kind) {
    return entries.stream().filter(e -> e.kind() == kind).count();
  }
}
