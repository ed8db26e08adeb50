package dev.neuronfit.kb;

import dev.neuronfit.model.Family;
import java.util.List;
import java.util.Objects;

/**
 * One family row of a guideline table.
 *
 * @param family the family
 * @param label the row's first cell as printed, e.g. {@code "Transformers Decoders"}
 * @param category e.g. {@code "NLP"}
 * @param fit the "Hardware Architecture" cell
 * @param support one status per column of the table, in column order
 */
public record FitRow(
    Family family, String label, String category, Fit fit, List<SupportStatus> support) {
  public FitRow {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(fit, "fit");
    support = List.copyOf(support);
  }
}
