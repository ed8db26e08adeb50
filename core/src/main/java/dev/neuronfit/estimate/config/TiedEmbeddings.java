package dev.neuronfit.estimate.config;

import dev.neuronfit.model.HfConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a config's output head shares the token embedding matrix. The config's own {@code
 * tie_word_embeddings} wins; when it is missing, the default of the transformers configuration
 * class its {@code model_type} names, from a table kept as data ({@code tied-embeddings.tsv} beside
 * this class, which names the releases it was read from). A config written by transformers leaves
 * the key out exactly when it equals that class default, so the default is what the file means.
 */
final class TiedEmbeddings {
  private static final String TABLE = "tied-embeddings.tsv";
  private static final String HEADER = "model_type\ttied\tclass\tchecked\tnote";
  private static final String KEY = "tie_word_embeddings";

  private static final Map<String, Boolean> DEFAULTS = load();

  private TiedEmbeddings() {}

  /**
   * True when the head is tied: the config's key, else its model type's class default, else {@code
   * otherwise} (a model type the table does not list).
   */
  static boolean of(HfConfig c, boolean otherwise) {
    return declared(c).orElse(otherwise);
  }

  /** The config's key, else its model type's class default; empty when neither is known. */
  static Optional<Boolean> declared(HfConfig c) {
    return c.bool(KEY).or(() -> c.string("model_type").flatMap(TiedEmbeddings::byDefault));
  }

  /**
   * The language model of an image+text config ({@code text_config}), with the outer config's
   * {@code tie_word_embeddings} when the nested one omits it. transformers 5 ties the output head
   * of a composite model by the outer config's key ({@code PreTrainedModel
   * .get_expanded_tied_weights_keys} reads {@code self.config.tie_word_embeddings} of the class
   * that owns {@code lm_head}), and writes the key there; 4.x read the nested config's (through
   * {@code get_text_config(decoder=True)}), so a key the nested config does declare still wins.
   */
  static Optional<HfConfig> textConfig(HfConfig outer) {
    return outer.child("text_config").map(t -> t.inheriting(outer, KEY));
  }

  /** The class default for a model type; empty when the table does not list it. */
  static Optional<Boolean> byDefault(String modelType) {
    return Optional.ofNullable(DEFAULTS.get(modelType));
  }

  /** The number of model types the table lists. */
  static int size() {
    return DEFAULTS.size();
  }

  private static Map<String, Boolean> load() {
    try (InputStream in = TiedEmbeddings.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + TABLE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + TABLE, e);
    }
  }

  /** The table's rows; our own data, so a malformed line is a bug (IllegalStateException). */
  static Map<String, Boolean> parse(String text) {
    Map<String, Boolean> rows = new HashMap<>();
    boolean header = false;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        if (!line.equals(HEADER)) {
          throw new IllegalStateException(TABLE + " line " + n + ": expected the header");
        }
        header = true;
        continue;
      }
      String[] cells = line.split("\t", -1);
      if (cells.length != 5 || cells[0].isEmpty() || cells[2].isEmpty() || cells[3].isEmpty()) {
        throw new IllegalStateException(TABLE + " line " + n + ": expected 5 cells");
      }
      boolean tied =
          switch (cells[1]) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalStateException(TABLE + " line " + n + ": tied is true or false");
          };
      if (rows.put(cells[0], tied) != null) {
        throw new IllegalStateException(TABLE + " line " + n + ": " + cells[0] + " twice");
      }
    }
    return Map.copyOf(rows);
  }
}
