package dev.neuronfit.cli;

import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** --edition and --target, checked against the knowledge base. */
final class EditionOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--edition",
      paramLabel = "E",
      description = "Guideline edition: 2.5.0, 2.9.0 or 2.11.0 (default: the newest).")
  String edition;

  @Option(
      names = "--target",
      paramLabel = "T",
      split = ",",
      description =
          "Only these targets: inf1, inf2, trn1, trn2, trn3 (default: all; the guideline editions"
              + " rate inf1, and trn1 and inf2 from 2.9.0); repeat or separate with commas.")
  List<String> targets = new ArrayList<>();

  Edition resolve(KnowledgeBase kb) {
    return resolve(kb, java.util.List.of());
  }

  /**
   * The chosen edition, checking the targets asked for.
   *
   * @param otherTargets targets that hardware figures describe besides the edition's (accepted for
   *     estimates only)
   */
  Edition resolve(KnowledgeBase kb, java.util.List<String> otherTargets) {
    String id = edition == null ? kb.defaultEditionId() : edition;
    Edition e =
        kb.edition(id)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "unknown edition '"
                            + id
                            + "' (use --edition with one of: "
                            + String.join(", ", kb.editionIds())
                            + ")"));
    // targets the support-now layer knows (trn2, trn3) are valid though no edition rates them
    List<String> known = new ArrayList<>(otherTargets);
    known.addAll(kb.supportNow().targetIds());
    for (String t : targets) {
      if (e.target(t).isEmpty() && !known.contains(t)) {
        throw new ParameterException(
            spec.commandLine(),
            "edition "
                + e.id()
                + " has no target '"
                + t
                + "' (use --target with one of: "
                + String.join(", ", e.targetIds())
                + "; known today: "
                + String.join(", ", kb.supportNow().targetIds())
                + ")");
      }
    }
    return e;
  }

  /** The selected targets in the edition's order. */
  List<Target> selectedTargets(Edition e) {
    return e.targets().stream().filter(t -> targets.isEmpty() || targets.contains(t.id())).toList();
  }
}
