package dev.neuronfit.rules;

import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.verdict.Selection;
import dev.neuronfit.verdict.TodayPaths;
import dev.neuronfit.verdict.Verdicts;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Adds the support-now view to a fixture context, as the Inspector does. */
final class TodayFixtures {
  private static final KnowledgeBase KB = KnowledgeBase.load();

  private TodayFixtures() {}

  /** The context with today's paths for these targets. */
  static RuleContext withToday(RuleContext c, String... targets) {
    Selection selection = new Selection(List.of(targets), Optional.empty());
    var verdicts = Verdicts.build(c.edition(), c.family(), c.profile().framework(), selection);
    var today =
        TodayPaths.build(
            KB.supportNow(),
            KB.hardware(),
            c.profile(),
            selection,
            c.edition().targets().stream().map(Target::id).collect(Collectors.toSet()),
            verdicts);
    return new RuleContext(
        c.profile(),
        c.classification(),
        c.weights(),
        c.edition(),
        c.targets(),
        c.operators(),
        c.workload(),
        c.estimates(),
        Optional.of(today));
  }
}
