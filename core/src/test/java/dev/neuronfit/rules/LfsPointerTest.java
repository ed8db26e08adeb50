package dev.neuronfit.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.classify.Classification;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.WeightSummary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LfsPointerTest {
  private final Rule rule = new LfsPointer();

  private static RuleContext context(Hazard... hazards) {
    ModelProfile p =
        new ModelProfile(
            "models/llama",
            ModelFormat.HF,
            Framework.PYTORCH,
            WeightSummary.unknown("none"),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            List.of(hazards),
            List.of());
    Edition e = RuleFixtures.edition("2.11.0");
    return new RuleContext(
        p,
        new Classification(Family.TRANSFORMER_DECODER, 0.8, List.of(), List.of()),
        p.weights(),
        e,
        e.targets());
  }

  @Test
  void firesNamingThePointerAndTheFix() {
    Hazard pointer =
        new Hazard(
            "lfs-pointer",
            "model.safetensors is a Git LFS pointer to 548,105,171 bytes (sha256:248dfc3911...)",
            "model.safetensors");

    List<Finding> findings = rule.check(context(pointer));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("lfs-pointer");
              assertThat(f.severity()).isEqualTo(Severity.ERROR);
              assertThat(f.message()).startsWith("model.safetensors is a Git LFS pointer");
              assertThat(f.observed()).contains("548,105,171 bytes");
              assertThat(f.advice()).contains("git lfs pull");
            });
  }

  @Test
  void doesNotFireWithoutPointersEvenWithOtherHazards() {
    Hazard pickle = new Hazard("pickle-import", "__main__.Net", "data.pkl, byte 3");

    assertThat(rule.check(context(pickle))).isEmpty();
    assertThat(rule.check(context())).isEmpty();
  }
}
