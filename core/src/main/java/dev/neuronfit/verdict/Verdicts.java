package dev.neuronfit.verdict;

import dev.neuronfit.kb.Column;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.Fit;
import dev.neuronfit.kb.FitRow;
import dev.neuronfit.kb.FitTable;
import dev.neuronfit.kb.SupportStatus;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reads the verdicts for a family off an edition's tables. */
public final class Verdicts {
  private Verdicts() {}

  /**
   * One verdict per selected target, in the edition's target order.
   *
   * @param modelFramework the model's own framework: its packages are listed first
   */
  public static List<TargetVerdict> build(
      Edition edition, Family family, Framework modelFramework, Selection selection) {
    List<TargetVerdict> out = new ArrayList<>();
    for (Target target : edition.targets()) {
      if (!selection.includesTarget(target.id())) {
        continue;
      }
      FitTable table = edition.table(target);
      Optional<FitRow> row = table.row(family);
      List<SupportEntry> support = new ArrayList<>();
      for (int i = 0; i < table.columns().size(); i++) {
        Column col = table.columns().get(i);
        if (col.useCase().isPresent() && !target.useCases().contains(col.useCase().get())) {
          continue;
        }
        if (selection.framework().isPresent()
            && col.pkg().framework() != selection.framework().get()) {
          continue;
        }
        int idx = i;
        SupportStatus status = row.map(r -> r.support().get(idx)).orElse(SupportStatus.UNKNOWN);
        support.add(new SupportEntry(col, status));
      }
      // stable sort: the model's own framework first, otherwise the table's column order
      support.sort(
          Comparator.comparingInt(s -> s.column().pkg().framework() == modelFramework ? 0 : 1));
      Fit fit = row.map(FitRow::fit).orElse(Fit.UNKNOWN);
      out.add(new TargetVerdict(target, table, fit, support, edition.guidance(family, target)));
    }
    return List.copyOf(out);
  }
}
