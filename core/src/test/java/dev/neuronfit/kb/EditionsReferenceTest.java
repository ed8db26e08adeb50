package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the tables of editions 2.9.0 and 2.11.0 cell by cell with the transcription in
 * ../shared/reference/fit-guidelines-editions.md. Skips when ../shared is not present.
 */
class EditionsReferenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"2.9.0", "2.11.0"})
  void everyCellMatchesTheEditionsReference(String id) throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(
        shared.isPresent(),
        TestFiles.skipMessage(
            "every cell of edition " + id + " against the transcription of its published page"));
    List<String> lines =
        Files.readAllLines(shared.get().resolve("reference/fit-guidelines-editions.md"));
    Edition edition = KnowledgeBase.load().edition(id).orElseThrow();

    int start =
        lines.indexOf(
            lines.stream()
                .filter(l -> l.startsWith("## Edition " + id + " "))
                .findFirst()
                .orElseThrow());
    int checked = 0;
    for (FitTable table : edition.tables()) {
      int at = start;
      while (!lines.get(at).startsWith("**" + table.title() + "**")) {
        at++;
      }
      assertThat(lines.get(at)).contains("(last update " + table.lastUpdate() + ")");
      List<List<String>> rows = markdownRows(lines, at + 2);
      List<String> header = rows.get(0);
      assertThat(header).hasSize(3 + table.columns().size());
      for (int c = 0; c < table.columns().size(); c++) {
        assertThat(header.get(3 + c).replace("`", ""))
            .isEqualTo(table.columns().get(c).header().replace("``", ""));
      }
      List<List<String>> body = rows.subList(2, rows.size());
      assertThat(body).hasSize(table.rows().size());
      for (int r = 0; r < body.size(); r++) {
        FitRow row = table.rows().get(r);
        List<String> actual =
            new ArrayList<>(List.of(row.label(), row.category(), row.fit().label()));
        row.support().forEach(s -> actual.add(s.label()));
        assertThat(actual).as(id + " " + table.title() + " row " + (r + 1)).isEqualTo(body.get(r));
        checked += actual.size();
      }
    }
    assertThat(checked).isEqualTo(8 * 6 * 2);
  }

  private static List<List<String>> markdownRows(List<String> lines, int from) {
    List<List<String>> rows = new ArrayList<>();
    for (int i = from; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String l = lines.get(i).strip();
      List<String> cells = new ArrayList<>();
      for (String c : l.substring(1, l.length() - 1).split("\\|")) {
        cells.add(c.strip());
      }
      rows.add(cells);
    }
    return rows;
  }
}
