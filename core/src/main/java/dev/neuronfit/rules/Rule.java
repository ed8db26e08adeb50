package dev.neuronfit.rules;

import java.util.List;

/** A check for one known issue. Implementations are pure and stateless. */
public interface Rule {
  RuleInfo info();

  /** The findings for this model; empty when the issue does not apply or there is no evidence. */
  List<Finding> check(RuleContext context);
}
