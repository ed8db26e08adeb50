package dev.neuronfit.cli;

import static dev.neuronfit.cli.MainTest.example;
import static dev.neuronfit.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void matrixNowAsJsonHasTheSameCellsAsTheText() throws IOException {
    MainTest.Run text = run("matrix", "--now", "--target", "inf2,trn2");
    MainTest.Run json = run("matrix", "--now", "--format", "json", "--target", "inf2,trn2");

    assertThat(json.code()).as(json.err()).isEqualTo(ExitCodes.OK);
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertThat(root.at("/snapshot/neuron").asText()).isEqualTo("2.34.0");
    assertThat(root.get("targets").toString()).isEqualTo("[\"inf2\",\"trn2\"]");
    List<String> rows = new ArrayList<>();
    for (JsonNode s : root.get("stacks")) {
      StringBuilder row = new StringBuilder(s.get("stack").asText());
      for (String t : List.of("inf2", "trn2")) {
        JsonNode cell = s.get("status").get(t);
        row.append(' ')
            .append(
                cell == null
                    ? "-"
                    : cell.get("status").asText() + " (" + cell.get("neuron").asText() + ")");
        if (cell != null) {
          assertThat(cell.get("source").asText()).startsWith("https://");
          assertThat(cell.get("date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        }
      }
      rows.add(row.toString());
    }
    List<String> textRows =
        text.out().lines().map(l -> l.strip().replaceAll(" {2,}", " ")).toList();
    assertThat(textRows).containsAll(rows);
    assertThat(rows).contains("vllm-neuron - ga (2.34.0)", "inf1-stack - -");
  }

  @Test
  void matrixNowAsHtmlIsOnePageWithATableOfStacks() {
    MainTest.Run r = run("matrix", "--now", "--format", "html");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .startsWith("<!DOCTYPE html>")
        .endsWith("</html>\n")
        .contains("<th>trn3</th>")
        .contains("vllm-neuron")
        .contains("generally available")
        .doesNotContain("<script");
  }
}
