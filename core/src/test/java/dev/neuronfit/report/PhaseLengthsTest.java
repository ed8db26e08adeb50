package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The input and output lengths a generative estimate is computed at stand on its phase lines (TTFT,
 * TPOT) in every format, so a published row can be compared one for one.
 */
class PhaseLengthsTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  private static Report llama(OptionalInt in, OptionalInt out) throws IOException {
    var profile =
        new HfReader().read(TestFiles.examples().resolve("llama-2-7b"), ReadLimits.DEFAULT);
    var opts =
        new WorkloadOptions(
            OptionalInt.of(1),
            OptionalInt.empty(),
            OptionalInt.empty(),
            Optional.of(DType.BF16),
            1.0,
            in,
            out,
            Optional.of("inf2.48xlarge"),
            OptionalInt.of(24));
    return INSPECTOR.report(profile, KB.defaultEdition(), Selection.ALL, opts, KB.hardware());
  }

  @Test
  void textAndMarkdownPhaseLinesNameTheLengths() throws IOException {
    Report r = llama(OptionalInt.of(128), OptionalInt.of(3968));
    StringWriter text = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(r), text);
    StringWriter md = new StringWriter();
    new MarkdownRenderer().reports(List.of(r), md);
    for (String out : List.of(text.toString().replaceAll("\\s+", " "), md.toString())) {
      assertThat(out)
          .contains("prefill (TTFT), 128 input tokens: ")
          .contains("decode (TPOT), 128 input + 3968 output tokens, mean context 2111.5: ");
    }
    StringWriter html = new StringWriter();
    new HtmlRenderer().reports(List.of(r), html);
    assertThat(html.toString())
        .contains("decode (TPOT), 128 input + 3968 output tokens, mean context 2111.5");
  }

  @Test
  void jsonPhasesCarryMetricAndLengths() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(llama(OptionalInt.of(128), OptionalInt.of(3968))), out);
    JsonNode phases = new ObjectMapper().readTree(out.toString()).path("workload");
    JsonNode prefill = phases.path("phases").path(0);
    JsonNode decode = phases.path("phases").path(1);
    assertThat(prefill.path("metric").asText()).isEqualTo("TTFT");
    assertThat(prefill.path("inputLength").asInt()).isEqualTo(128);
    assertThat(prefill.path("contextLength").asDouble()).isEqualTo(128);
    assertThat(decode.path("metric").asText()).isEqualTo("TPOT");
    assertThat(decode.path("outputLength").asInt()).isEqualTo(3968);
    assertThat(decode.path("contextLength").asDouble()).isEqualTo(2111.5);
  }

  @Test
  void withoutAnOutputLengthDecodeIsAtTheLongestContextAndOutputIsNull() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(llama(OptionalInt.empty(), OptionalInt.empty())), out);
    String json = out.toString();
    assertThat(json).contains("\"outputLength\" : null").doesNotContain("\"outputLength\" : 3968");
    StringWriter text = new StringWriter();
    new TextRenderer(Style.PLAIN)
        .reports(List.of(llama(OptionalInt.empty(), OptionalInt.empty())), text);
    assertThat(text.toString())
        .containsPattern("decode \\(TPOT\\), (\\d+) input tokens, context \\1:");
  }

  private static Report example(String name) throws IOException {
    var profile = new HfReader().read(TestFiles.examples().resolve(name), ReadLimits.DEFAULT);
    return INSPECTOR.report(profile, KB.defaultEdition(), Selection.ALL);
  }

  @Test
  void whisperEncodesAudioFramesNotTokensInEveryFormat() throws IOException {
    Report r = example("whisper-tiny");
    StringWriter text = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(r), text);
    StringWriter md = new StringWriter();
    new MarkdownRenderer().reports(List.of(r), md);
    StringWriter html = new StringWriter();
    new HtmlRenderer().reports(List.of(r), html);
    for (String out :
        List.of(text.toString().replaceAll("\\s+", " "), md.toString(), html.toString())) {
      assertThat(out)
          .contains("batch 1 · 1500 audio frames · BF16")
          .contains("prefill (TTFT), 1500 audio frames")
          .contains("decode (TPOT), 1500 audio frames, context 448")
          .contains("prefill encodes 1500 audio frames")
          .doesNotContain("1500 input tokens")
          .doesNotContain("1500 tokens")
          .doesNotContain("1500 source tokens");
    }
    StringWriter json = new StringWriter();
    new JsonRenderer().reports(List.of(r), json);
    JsonNode phases = new ObjectMapper().readTree(json.toString()).path("workload").path("phases");
    assertThat(phases.path(0).path("inputLength").asInt()).isEqualTo(1500);
    assertThat(phases.path(0).path("inputUnit").asText()).isEqualTo("audio-frames");
    assertThat(phases.path(1).path("inputUnit").asText()).isEqualTo("audio-frames");
  }

  @Test
  void textModelsStillCountInputTokens() throws IOException {
    StringWriter json = new StringWriter();
    new JsonRenderer().reports(List.of(example("t5-small")), json);
    JsonNode root = new ObjectMapper().readTree(json.toString());
    assertThat(root.at("/workload/phases/0/inputUnit").asText()).isEqualTo("tokens");
    StringWriter text = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(example("t5-small")), text);
    assertThat(text.toString()).contains(" input tokens").doesNotContain("audio frames");
  }
}
