package dev.neuronfit.plan;

import dev.neuronfit.kb.PlanFlags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A plan being built by one of the stack planners. Not thread-safe; used once. */
final class Draft {
  final PlanInput in;
  final String target;
  final Flags flags;
  final List<String> why = new ArrayList<>();
  final List<String> assumptions = new ArrayList<>();
  final List<Plan.Command> commands = new ArrayList<>();
  final List<Plan.Bucket> buckets = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final List<Plan.Check> checks = new ArrayList<>();
  Optional<String> python = Optional.empty();
  Optional<String> instance = Optional.empty();
  Optional<Integer> tensorParallel = Optional.empty();

  Draft(PlanInput in, String target) {
    this.in = in;
    this.target = target;
    this.flags = new Flags(in.flags());
  }

  /** A command; each {@code --option} in argv is checked against the tool's flag data. */
  void command(String purpose, String tool, Map<String, String> env, List<String> argv) {
    for (String a : argv) {
      if (a.startsWith("--")) {
        flags.use(tool, a);
      }
    }
    Map<String, String> e = new LinkedHashMap<>();
    env.forEach((k, v) -> e.put(flags.use("environment", k), v));
    commands.add(new Plan.Command(purpose, e, argv));
  }

  /** A compiler message to look for after the first run, from the flag data's list. */
  void check(String code, String when) {
    PlanFlags data = in.flags();
    data.message(code)
        .ifPresent(
            m ->
                checks.add(
                    new Plan.Check(
                        m.code(),
                        m.message(),
                        when + " " + m.recommendation(),
                        data.messagesSource().cite())));
  }

  /** A message without a compiler code (a log line of the framework or the server). */
  void checkLine(String message, String action, String source) {
    checks.add(new Plan.Check("", message, action, source));
  }
}
