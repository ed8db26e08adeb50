package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/schema/neuronfit.schema.json: bundled as is, and it admits what neuronfit writes only. */
class ReportSchemaTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Report> examples(Edition edition) throws IOException {
    List<Report> reports = new ArrayList<>();
    for (ModelLocator.Located m : INSPECTOR.locate(TestFiles.examples())) {
      reports.add(INSPECTOR.inspect(m, edition, Selection.ALL));
    }
    return reports;
  }

  private static String json(List<Report> reports) {
    StringWriter out = new StringWriter();
    new JsonRenderer().reports(reports, out);
    return out.toString();
  }

  @Test
  void theBundledSchemaIsTheOneInDocs() throws IOException {
    Path docs = TestFiles.repoRoot().resolve("docs/schema/neuronfit.schema.json");
    assertThat(ReportSchema.text()).isEqualTo(Files.readString(docs, StandardCharsets.UTF_8));
    assertThat(JSON.readTree(ReportSchema.text()).get("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
  }

  @Test
  void everyGoldenJsonFollowsTheSchema() throws IOException {
    Path golden = TestFiles.repoRoot().resolve("core/src/test/resources/golden");
    List<Path> files;
    try (Stream<Path> s = Files.list(golden)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      JsonSchemas.report(Files.readString(f, StandardCharsets.UTF_8));
    }
  }

  @Test
  void theChecksOfEveryExampleInEveryEditionFollowTheSchema() throws IOException {
    for (String id : KB.editionIds()) {
      Edition edition = KB.edition(id).orElseThrow();
      List<Report> reports = examples(edition);
      // several reports are an array, one is an object
      JsonSchemas.report(json(reports));
      for (Report r : reports) {
        JsonSchemas.report(json(List.of(r)));
      }
      StringWriter matrix = new StringWriter();
      new JsonRenderer().matrix(edition, edition.targets(), matrix);
      JsonSchemas.report(matrix.toString());
    }
  }

  @Test
  void aScanFollowsTheSchema() throws IOException {
    Edition edition = KB.defaultEdition();
    StringWriter out = new StringWriter();
    ScanJsonRenderer renderer = new ScanJsonRenderer(out, edition, "0.1.0");
    ScanSummary.Tally tally = new ScanSummary.Tally(edition.targetIds());
    renderer.begin();
    for (Report r : examples(edition)) {
      ScanRow row = ScanRow.of(r.model().path(), r);
      renderer.row(row, Optional.of(r));
      tally.add(row);
    }
    ScanRow broken = new ScanRow.Unreadable("m.onnx", "m.onnx", "m.onnx: at byte 0: empty");
    renderer.row(broken, Optional.empty());
    tally.add(broken);
    renderer.end(tally.summary());
    JsonNode scan = JsonSchemas.report(out.toString());
    assertThat(scan.get("models").size()).isGreaterThan(20);
  }

  @Test
  void theSchemaRejectsARenamedRemovedOrRetypedField() throws IOException {
    ObjectNode report =
        (ObjectNode) JsonSchemas.report(json(examples(KB.defaultEdition()).subList(0, 1)));

    ObjectNode renamed = report.deepCopy();
    renamed.set("finding", renamed.remove("findings"));
    assertThat(JsonSchemas.reportErrors(renamed)).isNotEmpty();

    ObjectNode removed = report.deepCopy();
    ((ObjectNode) removed.get("model")).remove("weightsBasis");
    assertThat(JsonSchemas.reportErrors(removed)).isNotEmpty();

    ObjectNode retyped = report.deepCopy();
    ((ObjectNode) retyped.get("model")).put("estimated", "yes");
    assertThat(JsonSchemas.reportErrors(retyped)).isNotEmpty();

    ObjectNode unknownFit = report.deepCopy();
    ((ObjectNode) unknownFit.get("targets").get(0)).put("fit", "great");
    assertThat(JsonSchemas.reportErrors(unknownFit)).isNotEmpty();

    ObjectNode added = report.deepCopy();
    ((ArrayNode) added.withArray("findings")).addObject().put("rule", "x");
    assertThat(JsonSchemas.reportErrors(added)).isNotEmpty();

    assertThat(JsonSchemas.reportErrors(report)).isEmpty();
  }

  @Test
  void invalidSarifIsRejected() {
    String bad =
        "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"x\"}},"
            + " \"results\": [{\"level\": \"fatal\", \"message\": {\"text\": \"m\"}}]}]}";
    assertThatThrownBy(() -> JsonSchemas.sarif(bad)).isInstanceOf(AssertionError.class);
    JsonSchemas.sarif(bad.replace("fatal", "error"));
  }
}
