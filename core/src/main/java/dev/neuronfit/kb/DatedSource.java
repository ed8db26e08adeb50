package dev.neuronfit.kb;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A public document a fact of the knowledge base rests on, with the date the document carries (its
 * release, modification or announcement date). Immutable.
 *
 * @param url where the document can be read
 * @param date the document's date, ISO {@code yyyy-mm-dd}
 * @param covers what the document is cited for; empty when it is cited for the whole entry
 * @throws IllegalArgumentException when the url is blank or the date is not an ISO date
 */
public record DatedSource(String url, String date, String covers) {
  public DatedSource {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(covers, "covers");
    if (url.isBlank()) {
      throw new IllegalArgumentException("a source needs a url");
    }
    try {
      LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("source " + url + " has no ISO date: '" + date + "'", e);
    }
  }

  /** {@code url (date)}, as reports cite it. */
  public String cite() {
    return url + " (" + date + ")";
  }

  /**
   * The sources of a JSON object's {@code sources} array ({@code url}, {@code date}, optional
   * {@code covers}); empty when the object has none.
   *
   * @throws IllegalArgumentException naming the entry when one lacks a url or date
   */
  static List<DatedSource> list(JsonNode owner, String key) {
    List<DatedSource> out = new ArrayList<>();
    JsonNode a = owner.get(key);
    if (a == null) {
      return out;
    }
    if (!a.isArray()) {
      throw new IllegalArgumentException("expected an array \"" + key + "\" in " + owner);
    }
    for (JsonNode s : a) {
      out.add(of(s));
    }
    return out;
  }

  /** One source object. */
  static DatedSource of(JsonNode s) {
    return new DatedSource(
        s.path("url").asText(""), s.path("date").asText(""), s.path("covers").asText(""));
  }
}
