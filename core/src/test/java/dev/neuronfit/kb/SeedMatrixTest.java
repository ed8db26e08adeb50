package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Compares every cell of {@code neuronfit matrix --edition 2.5.0 --format json} with the list
 * tables of the seed page ../shared/seed/model-architecture-fit.rst, parsed here from the RST, so a
 * transcription error in the knowledge base cannot hide. Skips when ../shared is not present.
 */
class SeedMatrixTest {
  private static final Pattern LAST_UPDATE = Pattern.compile("\\*Last update\\* - (\\S+)");
  private static final Pattern REF = Pattern.compile(":ref:`([^<`]+?)\\s*<[^>]+>`");

  /** One list-table of the page: its heading, date, header row and body rows. */
  record RstTable(String title, String lastUpdate, List<String> header, List<List<String>> rows) {}

  @Test
  void everyCellOfEdition250MatchesTheSeedPage() throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(
        shared.isPresent(),
        TestFiles.skipMessage("every cell of edition 2.5.0 against the seed RST page"));
    Path seed = shared.get().resolve("seed/model-architecture-fit.rst");
    assumeTrue(
        Files.exists(seed),
        "../shared/seed has no model-architecture-fit.rst, so this test did not check every cell"
            + " of edition 2.5.0 against it");
    List<RstTable> tables = parseListTables(Files.readAllLines(seed));
    assertThat(tables)
        .extracting(RstTable::title)
        .containsExactly("AWS Trainium (NeuronCore v2)", "AWS Inferentia (NeuronCore v1)");

    Edition edition = KnowledgeBase.load().edition("2.5.0").orElseThrow();
    StringWriter out = new StringWriter();
    new JsonRenderer().matrix(edition, edition.targets(), out);
    JsonNode matrix = JsonSchemas.report(out.toString());

    int cells = 0;
    for (RstTable table : tables) {
      JsonNode target = targetWithTitle(matrix, table.title());
      assertThat(target.get("lastUpdate").asText()).isEqualTo(table.lastUpdate());
      List<String> headers = new ArrayList<>();
      target.get("headers").forEach(h -> headers.add(h.asText()));
      JsonNode firstRow = target.get("rows").get(0);
      firstRow.get("support").forEach(s -> headers.add(s.get("header").asText()));
      assertThat(headers).as("header row of " + table.title()).isEqualTo(table.header());

      JsonNode rows = target.get("rows");
      assertThat(rows.size()).isEqualTo(table.rows().size());
      for (int r = 0; r < table.rows().size(); r++) {
        List<String> expected = table.rows().get(r);
        JsonNode row = rows.get(r);
        List<String> actual = new ArrayList<>();
        actual.add(row.get("label").asText());
        actual.add(row.get("category").asText());
        actual.add(row.get("fitLabel").asText());
        row.get("support").forEach(s -> actual.add(s.get("statusLabel").asText()));
        assertThat(actual).as(table.title() + " row " + (r + 1)).isEqualTo(expected);
        cells += actual.size();
      }
    }
    assertThat(cells).isEqualTo(8 * 5 + 8 * 6);
    assertThat(matrix.get("footnote").asText()).isEqualTo(footnote(Files.readAllLines(seed)));
  }

  private static JsonNode targetWithTitle(JsonNode matrix, String title) {
    for (JsonNode t : matrix.get("targets")) {
      if (t.get("title").asText().equals(title)) {
        return t;
      }
    }
    throw new AssertionError("no target with table title " + title);
  }

  /** The text of the first ".. note::" after a table, whitespace collapsed. */
  private static String footnote(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(".. note::")) {
        StringBuilder sb = new StringBuilder();
        for (int j = i + 1;
            j < lines.size() && (lines.get(j).isBlank() || lines.get(j).startsWith(" "));
            j++) {
          sb.append(' ').append(lines.get(j).strip());
        }
        return sb.toString().strip().replaceAll("\\s+", " ");
      }
    }
    throw new AssertionError("no note");
  }

  /**
   * Parses the page's {@code .. list-table::} blocks: a row starts with {@code * - }, a cell with
   * {@code - }, and indented lines continue the cell before them.
   */
  static List<RstTable> parseListTables(List<String> lines) {
    List<RstTable> tables = new ArrayList<>();
    String heading = null;
    String lastUpdate = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i + 1 < lines.size() && lines.get(i + 1).matches("~{3,}") && !line.isBlank()) {
        heading = line.strip();
      }
      Matcher m = LAST_UPDATE.matcher(line);
      if (m.find()) {
        lastUpdate = m.group(1);
      }
      if (!line.strip().equals(".. list-table::")) {
        continue;
      }
      List<List<String>> rows = new ArrayList<>();
      List<String> row = null;
      StringBuilder cell = null;
      int j = i + 1;
      for (; j < lines.size(); j++) {
        String l = lines.get(j);
        if (l.startsWith(".. ")) {
          break;
        }
        String t = l.strip();
        if (t.startsWith(":") || t.isEmpty()) {
          continue;
        }
        if (t.startsWith("* ")) {
          if (row != null) {
            row.add(clean(cell));
            rows.add(row);
          }
          row = new ArrayList<>();
          cell = new StringBuilder(t.substring(1).strip().substring(1).strip());
        } else if (t.startsWith("- ") && row != null) {
          row.add(clean(cell));
          cell = new StringBuilder(t.substring(1).strip());
        } else if (cell != null) {
          cell.append(' ').append(t);
        }
      }
      if (row != null) {
        row.add(clean(cell));
        rows.add(row);
      }
      tables.add(new RstTable(heading, lastUpdate, rows.get(0), rows.subList(1, rows.size())));
      i = j - 1;
    }
    return tables;
  }

  private static String clean(StringBuilder cell) {
    String s = cell.toString().replaceAll("\\s+", " ").strip();
    return REF.matcher(s).replaceAll("$1");
  }
}
