package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
    JsonNode r = new ObjectMapper().readTree(out.toString());
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
    JsonNode r = new ObjectMapper().readTree(out.toString());
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
  void markdownEscapesTextFromModelFiles() {
    assertThat(MarkdownRenderer.esc("<script>|x|`y`*z*"))
        .isEqualTo("&lt;script&gt;\\|x\\|\\`y\\`\\*z\\*");
    assertThat(MarkdownRenderer.code("a`|b")).isEqualTo("`a'\\|b`");
  }

  private static String text(Report r) {
    StringWriter out = new StringWriter();
    new TextRenderer(Style.PLAIN).reports(List.of(r), out);
    return out.toString();
  }

  private static Report report(String example) throws IOException {
    return INSPECTOR.report(profile(example), KB.defaultEdition(), Selection.ALL);
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
        p.notes());
  }
}
