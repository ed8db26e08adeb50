package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden-file tests of the three renderers, plus checks of the JSON contract. */
class RenderersTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  @Test
  void textReportOfADecoder() throws IOException {
    GoldenFiles.assertMatches("gpt2.txt", text(report("gpt2")));
  }

  @Test
  void textReportOfAnRcnnAndAnUnknownModelTogether() throws IOException {
    StringWriter out = new StringWriter();
    new TextRenderer(Style.PLAIN)
        .reports(List.of(report("tiny-faster-rcnn"), report("timm-mixer-b16")), out);
    GoldenFiles.assertMatches("rcnn-and-unknown.txt", out.toString());
  }

  @Test
  void jsonReportOfADiffusersPipeline() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(report("stable-diffusion-v1-5")), out);
    GoldenFiles.assertMatches("stable-diffusion-v1-5.json", out.toString());
  }

  @Test
  void markdownReportOfASeq2SeqModel() throws IOException {
    StringWriter out = new StringWriter();
    new MarkdownRenderer().reports(List.of(report("opus-mt-en-de")), out);
    GoldenFiles.assertMatches("opus-mt-en-de.md", out.toString());
  }

  @Test
  void matrixInEveryFormat() throws IOException {
    Edition e = KB.defaultEdition();
    StringWriter text = new StringWriter();
    new TextRenderer(Style.PLAIN).matrix(e, e.targets(), text);
    GoldenFiles.assertMatches("matrix-2.11.0.txt", text.toString());
    StringWriter md = new StringWriter();
    new MarkdownRenderer().matrix(e, e.targets(), md);
    GoldenFiles.assertMatches("matrix-2.11.0.md", md.toString());
  }

  @Test
  void jsonFollowsTheSchemaVersion1Contract() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(report("gpt2")), out);
    JsonNode r = JsonSchemas.report(out.toString());
    assertThat(r.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(r.get("tool").get("name").asText()).isEqualTo("neuronfit");
    assertThat(r.get("knowledgeBase").get("edition").asText()).isEqualTo("2.11.0");
    JsonNode m = r.get("model");
    assertThat(m.get("format").asText()).isEqualTo("hf");
    assertThat(m.get("framework").asText()).isEqualTo("pytorch");
    assertThat(m.get("parameters").asLong()).isEqualTo(124_439_808L);
    assertThat(m.get("estimated").asBoolean()).isTrue();
    assertThat(m.get("dtypes").has("F32")).isTrue();
    assertThat(r.get("architecture").get("family").asText()).isEqualTo("transformer-decoder");
    assertThat(r.get("architecture").get("confidence").asDouble()).isBetween(0.0, 1.0);
    JsonNode inf1 = r.get("targets").get(0);
    assertThat(inf1.get("target").asText()).isEqualTo("inf1");
    assertThat(inf1.get("neuronCore").asText()).isEqualTo("v1");
    assertThat(inf1.get("fit").asText()).isEqualTo("not-a-good-fit");
    assertThat(inf1.get("support").get(0).get("package").asText()).isEqualTo("torch-neuron");
    assertThat(inf1.get("support").get(0).get("workload").isNull()).isTrue();
    assertThat(inf1.get("support").get(0).get("status").asText()).isEqualTo("na");
    JsonNode f = r.get("findings").get(0);
    assertThat(f.get("rule").asText()).isEqualTo("decoder-on-inf1");
    assertThat(f.get("severity").asText()).isEqualTo("warning");
    assertThat(f.get("target").asText()).isEqualTo("inf1");
    assertThat(f.get("source").asText()).contains("model-architecture-fit.rst@v2.11.0");
  }

  @Test
  void severalReportsAreAJsonArray() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(report("gpt2"), report("resnet-50")), out);
    JsonNode r = JsonSchemas.report(out.toString());
    assertThat(r.isArray()).isTrue();
    assertThat(r.size()).isEqualTo(2);
  }

  @Test
  void theModelsOwnFrameworkComesFirstAndFrameworkSelectionNarrows() throws IOException {
    ModelProfile p = profile("resnet-50");
    ModelProfile tf =
        new ModelProfile(
            p.path(),
            p.format(),
            Framework.TENSORFLOW,
            p.weights(),
            p.tensors(),
            p.hf(),
            p.graph(),
            p.hazards(),
            p.notes());
    Report r = INSPECTOR.report(tf, KB.defaultEdition(), Selection.ALL);
    assertThat(r.targets().get(0).support().get(0).column().pkg().id())
        .isEqualTo("tensorflow-neuron-tf1");
    Report onlyTorch =
        INSPECTOR.report(
            p, KB.defaultEdition(), new Selection(List.of("inf2"), Optional.of(Framework.PYTORCH)));
    assertThat(onlyTorch.targets()).hasSize(1);
    assertThat(onlyTorch.targets().get(0).support())
        .extracting(s -> s.column().pkg().id())
        .containsExactly("torch-neuronx");
  }

  @Test
  void textReportOfAnOnnxRcnnHasAnOperatorsSection() throws IOException {
    String text = text(onnxReport("fasterrcnn_tiny.onnx", Selection.ALL));
    int start = text.indexOf("\n  OPERATORS");
    int end = text.indexOf("\n\n  EVIDENCE");
    assertThat(start).isPositive();
    assertThat(end).isGreaterThan(start);
    GoldenFiles.assertMatches("operators-fasterrcnn.txt", text.substring(start + 1, end + 1));
  }

  @Test
  void markdownReportOfAnOnnxLstmHasAnOperatorsSection() throws IOException {
    StringWriter out = new StringWriter();
    new MarkdownRenderer().reports(List.of(onnxReport("lstm_classifier.onnx", Selection.ALL)), out);
    String md = out.toString();
    int start = md.indexOf("### Operators");
    int end = md.indexOf("### Evidence");
    assertThat(start).isPositive();
    assertThat(end).isGreaterThan(start);
    GoldenFiles.assertMatches("operators-lstm.md", md.substring(start, end));
  }

  @Test
  void jsonOfAnOnnxModelHasAnOperatorsObject() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(onnxReport("gpt_tiny.onnx", Selection.ALL)), out);
    JsonNode o = JsonSchemas.report(out.toString()).get("operators");

    assertThat(o.get("total").asInt()).isEqualTo(152);
    assertThat(o.get("counted").asInt()).isEqualTo(111);
    assertThat(o.get("byType").get("Trilu").asInt()).isEqualTo(1);
    assertThat(o.get("notCounted").get("Constant").asInt()).isEqualTo(33);
    JsonNode c = o.get("coverage").get(0);
    assertThat(c.get("target").asText()).isEqualTo("inf1");
    assertThat(c.get("list").asText()).isEqualTo("neuron-cc-onnx");
    assertThat(c.get("source").asText())
        .isEqualTo(
            "aws-neuron/aws-neuron-sdk@1.14.0:release-notes/neuron-cc-ops/neuron-cc-ops-onnx.rst");
    assertThat(c.get("asOf").asText()).isEqualTo("2021-05-28");
    assertThat(c.get("listOps").asInt()).isEqualTo(68);
    assertThat(c.get("basis").asText()).isEqualTo("op-names");
    assertThat(c.get("cpuNodes").asInt()).isEqualTo(5);
    assertThat(c.get("supportedNodes").asInt()).isEqualTo(106);
    assertThat(c.get("cpuShare").asDouble()).isEqualTo(0.045);
    assertThat(c.get("unsupported").get(0).get("op").asText()).isEqualTo("Erf");
    assertThat(c.get("unsupported").get(0).get("status").asText()).isEqualTo("not-listed");
    assertThat(c.get("unsupported").get(0).get("examples").size()).isEqualTo(2);
    JsonNode torch = o.get("coverage").get(1);
    assertThat(torch.get("list").asText()).isEqualTo("torch-neuron");
    assertThat(torch.get("basis").asText()).isEqualTo("export-origins");
    assertThat(torch.get("cpuShare").isNull()).isTrue();
  }

  @Test
  void reportsOfHuggingFaceFoldersHaveNoOperatorsObject() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(report("gpt2")), out);
    assertThat(JsonSchemas.report(out.toString()).has("operators")).isFalse();
    assertThat(report("gpt2").operators()).isEmpty();
  }

  @Test
  void withoutInf1AnOnnxReportCountsOperatorsButChecksNoList() throws IOException {
    Report r =
        onnxReport(
            "fasterrcnn_tiny.onnx", new Selection(List.of("trn1", "inf2"), Optional.empty()));
    assertThat(r.operators().orElseThrow().coverage()).isEmpty();
    assertThat(text(r)).contains("No Neuron operator list applies");
  }

  @Test
  void guidanceForSeveralTargetsPutsTheTargetsOnALineOfTheirOwn() throws IOException {
    String text = text(report("timm-mixer-b16"));
    String guidance = text.substring(text.indexOf("  GUIDANCE\n"));

    assertThat(guidance).contains("\n  inf1, trn1, inf2\n        neuronfit could not tell");
    assertThat(guidance.lines()).noneMatch(l -> l.matches(".*(inf1|trn1|inf2)[A-Za-z].*"));
  }

  @Test
  void theModelLineSaysWhetherASizeWithoutWeightFilesWasEstimated() throws IOException {
    assertThat(TextRenderer.modelLine(report("gpt2")))
        .contains("124 M parameters · 475 MiB of weights, estimated from the config");
    assertThat(TextRenderer.modelLine(report("chatglm2-6b")))
        .endsWith("size unknown: no weight files and no size formula for this config");
    assertThat(TextRenderer.modelLine(report("tiny-llama-2-sharded")))
        .doesNotContain("estimated")
        .doesNotContain("size unknown");
  }

  @Test
  void markdownEscapesTextFromModelFiles() {
    assertThat(MarkdownRenderer.esc("<script>|x|`y`*z*~~s~~"))
        .isEqualTo("&lt;script&gt;\\|x\\|\\`y\\`\\*z\\*\\~\\~s\\~\\~");
    assertThat(MarkdownRenderer.code("a`|b")).isEqualTo("`a'\\|b`");
  }

  /** A name made to attack a terminal: clear the screen, return, a fake line, CSI, reversed. */
  static final String HOSTILE = "x\u001b[2J\r\nFAKE good fit\u009b31m\u202eevil";

  /** What no text or Markdown output may hold: controls other than its own line breaks. */
  static void assertNoControlsAndNoFakeLines(String out) {
    assertThat(out.chars().filter(c -> c != '\n' && Safe.isControl((char) c)).toArray())
        .as("control characters in %s", out)
        .isEmpty();
    assertThat(out.lines().map(String::strip)).noneMatch(l -> l.startsWith("FAKE"));
    assertThat(out).contains("\\x1b[2J\\r\\nFAKE");
  }

  @Test
  void textAndMarkdownEscapeControlCharactersInNamesAndConfigStrings(@TempDir Path dir)
      throws IOException {
    String config = Files.readString(TestFiles.examples().resolve("gpt2/config.json"));
    Files.writeString(
        dir.resolve("config.json"),
        config.replace(
            "\"GPT2LMHeadModel\"",
            new ObjectMapper().writeValueAsString("GPT2LMHeadModel" + HOSTILE)));
    ModelProfile p = new HfReader().read(dir, ReadLimits.DEFAULT);
    List<String> notes = new java.util.ArrayList<>(p.notes());
    notes.add("about " + HOSTILE);
    ModelProfile named =
        new ModelProfile(
            "models/" + HOSTILE,
            p.format(),
            p.framework(),
            p.weights(),
            p.tensors(),
            p.hf(),
            p.graph(),
            p.hazards(),
            notes);
    Report r = INSPECTOR.report(named, KB.defaultEdition(), Selection.ALL);
    assertThat(new ObjectMapper().writeValueAsString(r.architecture().evidence()))
        .as("the config string reaches the report")
        .contains("FAKE");

    String text = text(r);
    StringWriter md = new StringWriter();
    new MarkdownRenderer().reports(List.of(r, report("gpt2")), md);
    StringWriter both = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(r, report("gpt2")), both);

    assertNoControlsAndNoFakeLines(text);
    assertNoControlsAndNoFakeLines(both.toString());
    assertNoControlsAndNoFakeLines(md.toString());
  }

  private static String text(Report r) {
    StringWriter out = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(r), out);
    return out.toString();
  }

  @Test
  void jsonDescribesTheGraphOfAGraphModel() throws IOException {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(List.of(onnxReport("fasterrcnn_tiny.onnx", Selection.ALL)), out);
    JsonNode g = JsonSchemas.report(out.toString()).get("model").get("graph");
    assertThat(g.get("producer").asText()).startsWith("pytorch");
    assertThat(g.get("opsets").get("ai.onnx").asInt()).isEqualTo(11);
    assertThat(g.get("inputs").get(0).get("dtype").asText()).isEqualTo("F32");
    assertThat(g.get("inputs").get(0).get("shape")).hasSize(3);
    assertThat(g.get("subgraphNodes").asInt()).isPositive().isLessThan(g.get("nodes").asInt());
    StringWriter hf = new StringWriter();
    new JsonRenderer().reports(List.of(report("gpt2")), hf);
    assertThat(JsonSchemas.report(hf.toString()).get("model").has("graph")).isFalse();
  }

  private static Report report(String example) throws IOException {
    return INSPECTOR.report(profile(example), KB.defaultEdition(), Selection.ALL);
  }

  /** Reads an ONNX fixture and names it by its repository-relative path. */
  private static Report onnxReport(String fixture, Selection selection) throws IOException {
    ModelProfile p = new OnnxReader().read(TestFiles.onnxFixture(fixture), ReadLimits.DEFAULT);
    ModelProfile named =
        new ModelProfile(
            "core/src/test/resources/onnx/" + fixture,
            p.format(),
            p.framework(),
            p.weights(),
            p.tensors(),
            p.hf(),
            p.graph(),
            p.hazards(),
            p.notes());
    return INSPECTOR.report(named, KB.defaultEdition(), selection);
  }

  /** Reads an example and names it by its repository-relative path, as a user in the repo would. */
  private static ModelProfile profile(String example) throws IOException {
    ModelProfile p = new HfReader().read(TestFiles.examples().resolve(example), ReadLimits.DEFAULT);
    return new ModelProfile(
        "examples/" + example,
        p.format(),
        p.framework(),
        p.weights(),
        p.tensors(),
        p.hf(),
        p.graph(),
        p.hazards(),
        p.notes());
  }
}
