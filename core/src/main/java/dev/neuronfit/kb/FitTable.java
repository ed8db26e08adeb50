package dev.neuronfit.kb;

import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One "Model Support Overview" table of an edition.
 *
 * @param id stable id within the edition, e.g. {@code inferentia}
 * @param title the table's heading as printed
 * @param lastUpdate the table's "Last update" date as printed (MM/DD/YYYY)
 * @param neuronCore {@code v1} or {@code v2}
 * @param section where the table sits in the page
 * @param headers the first three column headers as printed (family, category, hardware)
 * @param columns the package columns
 * @param rows one row per family, in the page's order
 */
public record FitTable(
    String id,
    String title,
    String lastUpdate,
    String neuronCore,
    Section section,
    List<String> headers,
    List<Column> columns,
    List<FitRow> rows) {
  public FitTable {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(lastUpdate, "lastUpdate");
    Objects.requireNonNull(neuronCore, "neuronCore");
    Objects.requireNonNull(section, "section");
    headers = List.copyOf(headers);
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    for (FitRow r : rows) {
      if (r.support().size() != columns.size()) {
        throw new IllegalArgumentException(
            "table "
                + id
                + " row "
                + r.label()
                + " has "
                + r.support().size()
                + " cells for "
                + columns.size()
                + " columns");
      }
    }
  }

  public Optional<FitRow> row(Family family) {
    return rows.stream().filter(r -> r.family() == family).findFirst();
  }
}
