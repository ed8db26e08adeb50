package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.cli.MainTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format sarif} of check and scan, and {@code neuronfit schema}, end to end. {@link
 * MainTest#run} validates every SARIF and JSON output against its schema.
 */
class SarifOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final String EXAMPLES = ROOT.resolve("examples").toString();

  @TempDir Path dir;

  private static int findings(JsonNode reports) {
    int n = 0;
    for (JsonNode r : reports) {
      n += r.has("findings") ? r.get("findings").size() : 0;
    }
    return n;
  }

  @Test
  void checkWritesOneResultPerFindingOfEveryModel() throws IOException {
    Run sarif = MainTest.run("check", "--format", "sarif", EXAMPLES);
    Run json = MainTest.run("check", "--format", "json", EXAMPLES);

    assertThat(sarif.code()).as(sarif.err()).isEqualTo(ExitCodes.OK);
    JsonNode log = JSON.readTree(sarif.out());
    assertThat(log.get("version").asText()).isEqualTo("2.1.0");
    assertThat(log.get("runs")).hasSize(1);
    assertThat(log.at("/runs/0/results")).hasSize(findings(JSON.readTree(json.out())));
    assertThat(log.at("/runs/0/tool/driver/properties/knowledgeBase/edition").asText())
        .isEqualTo("2.11.0");
  }

  @Test
  void failOnGivesTheSameExitCodeAsWithTheOtherFormats() {
    for (String level : new String[] {"warning", "error", "not-a-good-fit"}) {
      for (String model : new String[] {"gpt2", "resnet-50"}) {
        String path = ROOT.resolve("examples").resolve(model).toString();
        int text = MainTest.run("check", "--fail-on", level, path).code();
        int sarif = MainTest.run("check", "--format", "sarif", "--fail-on", level, path).code();
        assertThat(sarif).as(level + " " + model).isEqualTo(text);
      }
    }
    String gpt2 = ROOT.resolve("examples/gpt2").toString();
    assertThat(MainTest.run("check", "--format", "sarif", "--fail-on", "warning", gpt2).code())
        .isEqualTo(ExitCodes.FAIL_ON);
  }

  @Test
  void aModelThatCannotBeReadIsANotificationAndExitsThree() throws IOException {
    Path broken = dir.resolve("broken.onnx");
    Files.writeString(broken, "not an onnx model", StandardCharsets.UTF_8);

    Run r =
        MainTest.run(
            "check",
            "--format",
            "sarif",
            ROOT.resolve("examples/gpt2").toString(),
            broken.toString());

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("broken.onnx");
    JsonNode log = JSON.readTree(r.out());
    assertThat(log.at("/runs/0/results")).isNotEmpty();
    JsonNode invocation = log.at("/runs/0/invocations/0");
    assertThat(invocation.get("executionSuccessful").asBoolean()).isFalse();
    JsonNode n = invocation.get("toolExecutionNotifications").get(0);
    assertThat(n.at("/message/text").asText()).contains("broken.onnx");
    assertThat(n.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .endsWith("broken.onnx");
  }

  @Test
  void aMissingPathIsANotificationToo() throws IOException {
    Run r = MainTest.run("check", "--format", "sarif", dir.resolve("missing").toString());

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    JsonNode log = JSON.readTree(r.out());
    assertThat(log.at("/runs/0/results")).isEmpty();
    assertThat(log.at("/runs/0/invocations/0/toolExecutionNotifications/0/message/text").asText())
        .contains("no such file or folder");
  }

  @Test
  void aScanPathThatDoesNotExistIsANotificationAndTheOtherPathsAreScanned() throws IOException {
    Path missing = dir.resolve("missing");

    Run r =
        MainTest.run(
            "scan",
            "--format",
            "sarif",
            missing.toString(),
            ROOT.resolve("examples/gpt2").toString());

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("missing: no such file or folder");
    JsonNode log = JSON.readTree(r.out());
    assertThat(log.at("/runs/0/results")).isNotEmpty();
    JsonNode invocation = log.at("/runs/0/invocations/0");
    assertThat(invocation.get("executionSuccessful").asBoolean()).isFalse();
    assertThat(invocation.get("toolExecutionNotifications")).hasSize(1);
    JsonNode n = invocation.get("toolExecutionNotifications").get(0);
    assertThat(n.get("level").asText()).isEqualTo("error");
    assertThat(n.at("/message/text").asText()).isEqualTo(missing + ": no such file or folder");
    assertThat(n.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .endsWith("missing");
  }

  @Test
  void scanWritesTheResultsOfEveryModelAndItsUnreadableOnes() throws IOException {
    Run sarif = MainTest.run("scan", "--format", "sarif", EXAMPLES);
    Run json = MainTest.run("scan", "--format", "json", EXAMPLES);
    assertThat(sarif.code()).as(sarif.err()).isEqualTo(ExitCodes.OK);
    assertThat(JSON.readTree(sarif.out()).at("/runs/0/results"))
        .hasSize(findings(JSON.readTree(json.out()).get("models")));

    Files.writeString(dir.resolve("b.onnx"), "not an onnx model");
    Path out = dir.resolve("scan.sarif");
    Run broken = MainTest.run("scan", "--format", "sarif", "-o", out.toString(), dir.toString());
    assertThat(broken.code()).isEqualTo(ExitCodes.OK);
    JsonNode log = JSON.readTree(out.toFile());
    assertThat(log.at("/runs/0/invocations/0/toolExecutionNotifications")).hasSize(1);
    assertThat(
            MainTest.run("scan", "--format", "sarif", "--fail-on", "error", dir.toString()).code())
        .isEqualTo(ExitCodes.FAIL_ON);
  }

  @Test
  void schemaPrintsTheSchemaInDocs() throws IOException {
    Run r = MainTest.run("schema");
    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .isEqualTo(
            Files.readString(
                ROOT.resolve("docs/schema/neuronfit.schema.json"), StandardCharsets.UTF_8));
  }

  @Test
  void matrixRefusesSarif() {
    Run r = MainTest.run("matrix", "--format", "sarif");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("'sarif'");
  }
}
