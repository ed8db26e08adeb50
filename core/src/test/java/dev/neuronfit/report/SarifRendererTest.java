package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Rule;
import dev.neuronfit.rules.RuleRegistry;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SARIF output: valid against the official 2.1.0 schema, one result per finding, stable ids. */
class SarifRendererTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final Edition EDITION = KB.defaultEdition();
  private static final Path ROOT = TestFiles.repoRoot();

  private static List<Report> examples() throws IOException {
    List<Report> reports = new ArrayList<>();
    for (ModelLocator.Located m : INSPECTOR.locate(TestFiles.examples())) {
      reports.add(INSPECTOR.inspect(m, EDITION, Selection.ALL));
    }
    return reports;
  }

  private static String sarif(List<Report> reports, List<ReadFailure> failures) {
    StringWriter out = new StringWriter();
    new SarifRenderer(EDITION, "0.1.0", ROOT, failures).reports(reports, out);
    return out.toString();
  }

  private static List<String> fingerprints(JsonNode log) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : log.get("runs").get(0).get("results")) {
      out.add(r.get("partialFingerprints").get(SarifRun.FINGERPRINT).asText());
    }
    return out;
  }

  @Test
  void everyExampleModelIsValidSarifWithOneResultPerFinding() throws IOException {
    List<Report> reports = examples();
    assertThat(reports).hasSizeGreaterThan(20);
    int findings = 0;
    for (Report r : reports) {
      JsonNode log = JsonSchemas.sarif(sarif(List.of(r), List.of()));
      JsonNode results = log.get("runs").get(0).get("results");
      assertThat(results).as(r.model().path()).hasSize(r.findings().size());
      for (int i = 0; i < r.findings().size(); i++) {
        Finding f = r.findings().get(i);
        JsonNode res = results.get(i);
        assertThat(res.get("ruleId").asText()).isEqualTo(f.rule());
        assertThat(res.get("level").asText()).isEqualTo(SarifRun.level(f.severity()));
        assertThat(res.get("message").get("text").asText())
            .contains(f.message())
            .contains(f.observed())
            .contains(f.advice());
        assertThat(res.get("properties").get("target").isNull()).isEqualTo(f.target().isEmpty());
        String uri =
            res.get("locations")
                .get(0)
                .get("physicalLocation")
                .get("artifactLocation")
                .get("uri")
                .asText();
        assertThat(uri).startsWith("examples/");
        int index = res.get("ruleIndex").asInt();
        assertThat(log.at("/runs/0/tool/driver/rules/" + index + "/id").asText())
            .isEqualTo(f.rule());
      }
      findings += r.findings().size();
    }
    // the examples exercise findings of several rules, not an empty log each time
    assertThat(findings).isGreaterThan(10);
  }

  @Test
  void theSameCheckTwiceGivesTheSameFingerprints() throws IOException {
    List<String> first = fingerprints(JsonSchemas.sarif(sarif(examples(), List.of())));
    List<String> second = fingerprints(JsonSchemas.sarif(sarif(examples(), List.of())));
    assertThat(first).isNotEmpty().isEqualTo(second);
    // one finding, one fingerprint: no two findings of the examples share one
    assertThat(new HashSet<>(first)).hasSameSizeAs(first);
  }

  @Test
  void theFingerprintDependsOnRuleTargetAndModelPathOnly() {
    String base = SarifRun.fingerprint("decoder-on-inf1", Optional.of("inf1"), "examples/gpt2");
    assertThat(SarifRun.fingerprint("decoder-on-inf1", Optional.of("inf1"), "examples/gpt2"))
        .isEqualTo(base);
    assertThat(SarifRun.fingerprint("decoder-on-inf1", Optional.of("inf2"), "examples/gpt2"))
        .isNotEqualTo(base);
    assertThat(SarifRun.fingerprint("decoder-on-inf1", Optional.empty(), "examples/gpt2"))
        .isNotEqualTo(base);
    assertThat(SarifRun.fingerprint("weights-over-2gb", Optional.of("inf1"), "examples/gpt2"))
        .isNotEqualTo(base);
    assertThat(SarifRun.fingerprint("decoder-on-inf1", Optional.of("inf1"), "examples/t5-small"))
        .isNotEqualTo(base);
  }

  @Test
  void theToolListsEveryRuleWithHelpCitingItsSource() {
    JsonNode log = JsonSchemas.sarif(sarif(List.of(), List.of()));
    JsonNode driver = log.at("/runs/0/tool/driver");
    assertThat(driver.get("name").asText()).isEqualTo("neuronfit");
    assertThat(driver.get("version").asText()).isEqualTo("0.1.0");
    JsonNode kb = driver.get("properties").get("knowledgeBase");
    assertThat(kb.get("edition").asText()).isEqualTo(EDITION.id());
    assertThat(kb.get("commit").asText()).isEqualTo(EDITION.source().commit());
    assertThat(kb.get("lastUpdate").get(0).asText())
        .isEqualTo(EDITION.tables().get(0).lastUpdate());
    JsonNode rules = driver.get("rules");
    assertThat(rules).hasSameSizeAs(RuleRegistry.rules());
    Set<String> linked = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = RuleRegistry.rules().get(i);
      JsonNode d = rules.get(i);
      assertThat(d.get("id").asText()).isEqualTo(rule.info().id());
      assertThat(d.at("/shortDescription/text").asText()).isEqualTo(rule.info().title());
      assertThat(d.at("/defaultConfiguration/level").asText())
          .isEqualTo(SarifRun.level(rule.info().severity()));
      assertThat(d.at("/help/text").asText()).contains("Source: ");
      if (d.has("helpUri")) {
        assertThat(d.get("helpUri").asText()).startsWith(EDITION.source().url() + "#");
        assertThat(d.at("/help/text").asText())
            .contains(EDITION.source().cite() + " § ")
            .contains(d.get("helpUri").asText());
        linked.add(rule.info().id());
      }
    }
    // the rules whose source is a section of the guideline page link to it; the others do not
    assertThat(linked).contains("weights-over-2gb", "decoder-on-inf1", "rcnn-roi-align-cpu");
    assertThat(linked).doesNotContain("pickle-runs-code");
    assertThat(rules.get(ruleIndex("weights-over-2gb")).get("helpUri").asText())
        .endsWith("#gb-protobuf-issue");
  }

  private static int ruleIndex(String id) {
    for (int i = 0; i < RuleRegistry.rules().size(); i++) {
      if (RuleRegistry.rules().get(i).info().id().equals(id)) {
        return i;
      }
    }
    throw new AssertionError(id);
  }

  @Test
  void modelsThatCannotBeReadAreToolExecutionNotifications() throws IOException {
    String broken = ROOT.resolve("models/broken.onnx").toString();
    JsonNode log =
        JsonSchemas.sarif(
            sarif(
                examples().subList(0, 1),
                List.of(new ReadFailure(broken, broken + ": at byte 3: truncated"))));
    JsonNode invocation = log.at("/runs/0/invocations/0");
    assertThat(invocation.get("executionSuccessful").asBoolean()).isFalse();
    JsonNode n = invocation.get("toolExecutionNotifications").get(0);
    assertThat(n.get("level").asText()).isEqualTo("error");
    assertThat(n.at("/message/text").asText()).endsWith("at byte 3: truncated");
    assertThat(n.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("models/broken.onnx");

    JsonNode clean = JsonSchemas.sarif(sarif(List.of(), List.of()));
    assertThat(clean.at("/runs/0/invocations/0/executionSuccessful").asBoolean()).isTrue();
    assertThat(clean.at("/runs/0/invocations/0/toolExecutionNotifications")).isEmpty();
  }

  @Test
  void pathsAreRelativeToTheWorkingDirectoryWherePossible() {
    SarifRun run = new SarifRun(new StringWriter(), EDITION, "0.1.0", Path.of("/work/repo"));
    assertThat(run.uri("/work/repo/examples/gpt2")).isEqualTo("examples/gpt2");
    assertThat(run.uri("examples/./gpt2")).isEqualTo("examples/gpt2");
    assertThat(run.uri("models/my model.onnx")).isEqualTo("models/my%20model.onnx");
    assertThat(run.uri("../other/m.onnx")).isEqualTo("../other/m.onnx");
    assertThat(run.uri("c:model.onnx")).isEqualTo("./c:model.onnx");
    assertThat(run.uri("/elsewhere/m.onnx")).isEqualTo("file:///elsewhere/m.onnx");
  }

  @Test
  void aScanIsOneRunWithTheResultsOfEveryModelAndItsUnreadableModels() throws IOException {
    List<Report> reports = examples();
    StringWriter out = new StringWriter();
    ScanSarifRenderer renderer = new ScanSarifRenderer(out, EDITION, "0.1.0", ROOT);
    renderer.begin();
    int findings = 0;
    for (Report r : reports) {
      renderer.row(ScanRow.of(r.model().path(), r), Optional.of(r));
      findings += r.findings().size();
    }
    String broken = ROOT.resolve("models/broken.onnx").toString();
    renderer.row(new ScanRow.Unreadable(broken, broken, broken + ": bad"), Optional.empty());
    renderer.end(new ScanSummary.Tally(EDITION.targetIds()).summary());

    JsonNode log = JsonSchemas.sarif(out.toString());
    assertThat(log.get("runs")).hasSize(1);
    assertThat(log.at("/runs/0/results")).hasSize(findings);
    assertThat(log.at("/runs/0/invocations/0/toolExecutionNotifications")).hasSize(1);
    // the same findings as a check of the same models, fingerprints included
    assertThat(fingerprints(log))
        .isEqualTo(fingerprints(JsonSchemas.sarif(sarif(reports, List.of()))));
  }
}
