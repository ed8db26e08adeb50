package dev.neuronfit.cli;

import static dev.neuronfit.cli.MainTest.example;
import static dev.neuronfit.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code neuronfit plan}: formats, exit codes and usage errors. */
class PlanCommandTest {
  @Test
  void aDecoderOnTrn2IsAVllmServeCommandInMarkdownByDefault() {
    MainTest.Run r = run("plan", example("llama-3.1-8b"), "--target", "trn2");

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .startsWith("# Plan: ")
        .contains("vllm serve")
        .contains("--tensor-parallel-size 1")
        .contains("## Sources of the flags");
  }

  @Test
  void shellAndPythonFormatsAreScripts() {
    assertThat(run("plan", example("gpt2"), "--target", "inf2", "--format", "sh").out())
        .startsWith("#!/usr/bin/env bash\n")
        .contains("python3 - <<'NEURONFIT_PLAN_PY'");
    assertThat(run("plan", example("gpt2"), "--target", "inf2", "--format", "py").out())
        .startsWith("#!/usr/bin/env python3\n")
        .contains("torch_neuronx.trace(");
  }

  @Test
  void jsonCarriesTheInstanceAndTheFlagsWithTheirSources() throws Exception {
    MainTest.Run r = run("plan", example("llama-3.1-8b"), "--target", "inf2", "--format", "json");

    JsonNode plan = new ObjectMapper().readTree(r.out());
    assertThat(plan.get("stack").asText()).isEqualTo("optimum-neuron");
    assertThat(plan.get("instance").asText()).startsWith("inf2.");
    assertThat(plan.get("flags").size()).isPositive();
    plan.get("flags").forEach(f -> assertThat(f.get("source").asText()).startsWith("https://"));
  }

  @Test
  void aModelWithoutACurrentStackHasNoPlanAndExitsOne() {
    MainTest.Run r = run("plan", example("timm-mixer-b16"), "--target", "trn2");

    assertThat(r.code()).isEqualTo(ExitCodes.FAIL_ON);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no plan for").contains("on trn2");
  }

  @Test
  void planNeedsExactlyOneTarget() {
    assertThat(run("plan", example("gpt2")).code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("plan", example("gpt2"), "--target", "inf2,trn2").code())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void aMissingModelIsBadInput() {
    MainTest.Run r = run("plan", "no/such/dir-or-id@@", "--target", "inf2");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
