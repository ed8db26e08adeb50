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

class PickleRunsCodeTest {
  private final Rule rule = new PickleRunsCode();

  private static RuleContext context(ModelFormat format, Hazard... hazards) {
    ModelProfile p =
        new ModelProfile(
            "models/x.pt",
            format,
            Framework.PYTORCH,
            WeightSummary.unknown("none"),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            List.of(hazards),
            List.of());
    Edition e = RuleFixtures.edition("2.11.0");
    return new RuleContext(
        p, new Classification(Family.CNN, 0.8, List.of(), List.of()), p.weights(), e, e.targets());
  }

  private static Hazard system() {
    return new Hazard(
        "pickle-global",
        "posix.system called with ('touch /tmp/x',)",
        "zip entry archive/data.pkl, byte 478");
  }

  @Test
  void firesAsAnErrorWhenACheckpointsPickleCallsCode() {
    List<Finding> findings = rule.check(context(ModelFormat.PYTORCH_CHECKPOINT, system()));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("pickle-runs-code");
              assertThat(f.severity()).isEqualTo(Severity.ERROR);
              assertThat(f.target()).isEmpty();
              assertThat(f.message()).contains("runs code").contains("posix.system");
              assertThat(f.observed())
                  .isEqualTo(
                      "posix.system called with ('touch /tmp/x',) (zip entry archive/data.pkl, byte 478)");
              assertThat(f.guideline()).contains("weights_only=True");
              assertThat(f.source()).contains("torch.load");
            });
  }

  @Test
  void warnsAboutClassesAWholeModelPickleImports() {
    List<Finding> findings =
        rule.check(
            context(
                ModelFormat.PYTORCH_CHECKPOINT,
                new Hazard("pickle-import", "__main__.Net called with ()", "data.pkl, byte 2"),
                new Hazard("pickle-import", "torch.nn.modules.conv.Conv2d called with ()", "b"),
                new Hazard("pickle-import", "torch.nn.modules.linear.Linear called with ()", "c"),
                new Hazard("pickle-import", "argparse.Namespace called with ()", "d")));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
              assertThat(f.message())
                  .contains("__main__.Net and 3 more")
                  .contains("weights_only=True");
              assertThat(f.observed())
                  .contains("__main__.Net called with ()")
                  .endsWith("and 1 more");
            });
  }

  @Test
  void reportsBothLevelsErrorFirstInTheRegistryOrder() {
    List<Finding> findings =
        rule.check(
            context(
                ModelFormat.PYTORCH_CHECKPOINT,
                system(),
                new Hazard("pickle-import", "__main__.Net called with ()", "x")));

    assertThat(findings)
        .extracting(Finding::severity)
        .containsExactly(Severity.ERROR, Severity.WARNING);
  }

  @Test
  void isOnlyAWarningInsideATorchScriptArchive() {
    List<Finding> findings = rule.check(context(ModelFormat.TORCHSCRIPT, system()));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
              assertThat(f.message()).contains("torch.jit.load");
            });
  }

  @Test
  void doesNotFireWithoutHazards() {
    assertThat(rule.check(context(ModelFormat.PYTORCH_CHECKPOINT))).isEmpty();
    assertThat(
            rule.check(
                context(ModelFormat.KERAS, new Hazard("keras-lambda", "a Lambda layer", "x"))))
        .isEmpty();
  }
}
