package dev.neuronfit.cli;

import static dev.neuronfit.cli.MainTest.example;
import static dev.neuronfit.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The issue-14 acceptance checks: today's path on trn2 and trn3 from the CLI. */
class TodayCliTest {
  @Test
  void llamaOnTrn2NamesTheVllmRecipeAnInstanceLncTpAndBounds() {
    MainTest.Run r = run("check", "--no-color", "--target", "trn2", example("llama-3.1-8b"));

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .contains("no guideline edition rates trn2")
        .contains("vLLM Neuron plugin, generally available (Neuron 2.34.0, 2026-11-30)")
        .contains("LlamaForCausalLM has a vLLM Neuron plugin model recipe")
        .contains("Llama")
        .contains("trn2.3xlarge holds it")
        .contains("TP ")
        .contains("LNC 2")
        .containsPattern("trn2 +prefill +compute +≥");
    assertThat(r.err()).doesNotContain("has no target");
  }

  @Test
  void bloomNamesNoStackAndSaysHowToOnboard() {
    MainTest.Run r = run("check", "--no-color", "--target", "trn2", example("bloom-560m"));

    assertThat(r.out())
        .contains("no stack lists BloomForCausalLM: onboarding through TorchNeuron")
        .contains("beta");
  }

  @Test
  void gptOssSaysMxfp4RunsOnTrn3Only() {
    MainTest.Run r =
        run(
            "check",
            "--no-color",
            "--format",
            "json",
            "--target",
            "trn2,trn3",
            example("gpt-oss-20b"));

    assertThat(r.out())
        .contains("MXFP4 runs on trn3 only")
        .contains("runs on trn3 with vLLM Neuron");
  }

  @Test
  void inf1CarriesTheFrozenStackFinding() {
    MainTest.Run r = run("check", "--no-color", "--target", "inf1", example("bert-base-uncased"));

    assertThat(r.out())
        .contains("target-frozen")
        .contains("announce-eos-inf1-virtual-environments");
  }

  @Test
  void matrixNowListsStacksAgainstAllFiveTargets() {
    MainTest.Run r = run("matrix", "--now");

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .contains("inf1", "inf2", "trn1", "trn2", "trn3")
        .contains("vllm-neuron")
        .contains("ga (2.34.0)")
        .contains("end-of-support (2.34.0)");
  }
}
