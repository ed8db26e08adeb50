package dev.neuronfit.plan;

import dev.neuronfit.kb.DatedSource;
import dev.neuronfit.kb.PlanFlags;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Records each flag a plan writes, with its source from the flag data. A flag the data does not
 * list is a bug in the planner, not in the model: it throws.
 */
final class Flags {
  private final PlanFlags data;
  private final Set<String> seen = new LinkedHashSet<>();
  private final List<Plan.FlagUse> uses = new ArrayList<>();

  Flags(PlanFlags data) {
    this.data = data;
  }

  /**
   * The flag, recorded.
   *
   * @throws IllegalStateException when kb/plan-flags.json does not list it for the tool
   */
  String use(String tool, String flag) {
    DatedSource s =
        data.source(tool, flag)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "kb/plan-flags.json lists no " + flag + " for " + tool));
    if (seen.add(tool + "\u0000" + flag)) {
      uses.add(new Plan.FlagUse(tool, flag, data.tool(tool).get().version(), s.cite()));
    }
    return flag;
  }

  List<Plan.FlagUse> uses() {
    return List.copyOf(uses);
  }
}
