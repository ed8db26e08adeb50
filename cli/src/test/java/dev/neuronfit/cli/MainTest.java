package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end: output, exit codes and error messages. */
class MainTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("neuronfit.root", "..")).resolve("examples");

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    if (code != ExitCodes.USAGE && code != ExitCodes.INTERNAL) {
      schemaCheck(args, out.toString());
    }
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * JSON and SARIF output, on stdout or in the --output file, must follow their schemas (after a
   * usage error nothing was written, and an --output file is not neuronfit's).
   */
  private static void schemaCheck(String[] args, String out) {
    List<String> a = List.of(args);
    int f = a.indexOf("--format");
    if (f < 0 || f + 1 >= a.size()) {
      return;
    }
    int o = Math.max(a.indexOf("--output"), a.indexOf("-o"));
    String written = out;
    if (o >= 0 && o + 1 < a.size()) {
      Path file = Path.of(a.get(o + 1));
      try {
        written = Files.isRegularFile(file) ? Files.readString(file) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (!written.isEmpty()) {
      OutputSchemas.check(a.get(f + 1), written);
    }
  }

  static String example(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  @Test
  void checkPrintsTheVerdictFirstAndExitsZero() {
    Run r = run("check", example("gpt2"));
    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out().lines().skip(1).findFirst().orElseThrow())
        .contains("transformer-decoder")
        .contains("not a good fit on inf1");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void plainTextWhenNotOnATerminal() {
    assertThat(run("check", example("gpt2")).out()).doesNotContain("\u001b[");
  }

  @Test
  void failOnAVerdictLevel() {
    assertThat(run("check", "--fail-on", "not-a-good-fit", example("gpt2")).code())
        .isEqualTo(ExitCodes.FAIL_ON);
    assertThat(run("check", "--fail-on", "not-a-good-fit", example("resnet-50")).code())
        .isEqualTo(ExitCodes.OK);
    assertThat(
            run("check", "--fail-on", "supported-with-limitations", example("tiny-faster-rcnn"))
                .code())
        .isEqualTo(ExitCodes.FAIL_ON);
    assertThat(
            run("check", "--fail-on", "not-a-good-fit", "--target", "trn1,inf2", example("gpt2"))
                .code())
        .isEqualTo(ExitCodes.OK);
  }

  @Test
  void failOnAFindingSeverity() {
    assertThat(run("check", "--fail-on", "warning", example("gpt2")).code())
        .isEqualTo(ExitCodes.FAIL_ON);
    assertThat(run("check", "--fail-on", "error", example("gpt2")).code()).isEqualTo(ExitCodes.OK);
    assertThat(run("check", "--fail-on", "error", example("llama-2-7b")).code())
        .isEqualTo(ExitCodes.FAIL_ON);
    assertThat(run("check", "--fail-on", "warning", example("timm-mixer-b16")).code())
        .isEqualTo(ExitCodes.FAIL_ON);
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run().code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("check").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--bogus", example("gpt2")).code()).isEqualTo(ExitCodes.USAGE);
    Run edition = run("check", "--edition", "9.9.9", example("gpt2"));
    assertThat(edition.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(edition.err()).contains("unknown edition '9.9.9'").contains("2.5.0, 2.9.0, 2.11.0");
    Run target = run("check", "--edition", "2.5.0", "--target", "trn9", example("gpt2"));
    assertThat(target.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(target.err())
        .contains("has no target 'trn9'")
        .contains("inf1, inf2, trn1, trn2, trn3");
    // trn2 is rated by no edition but known to the support-now layer
    assertThat(run("check", "--target", "trn2", example("gpt2")).code()).isEqualTo(ExitCodes.OK);
    assertThat(run("check", "--fail-on", "sometimes", example("gpt2")).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--framework", "jax", example("gpt2")).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--format", "yaml", example("gpt2")).code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void aMissingPathIsOneLineAndExitThree(@TempDir Path dir) {
    Run r = run("check", dir.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("neuronfit: ")
        .contains("nope")
        .contains("no such file or folder")
        .doesNotContain("Exception");
  }

  @Test
  void aFolderWithoutAModelExitsThree(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Run r = run("check", dir.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("no model found");
  }

  @Test
  void aBrokenConfigNamesTheFileAndThePlace(@TempDir Path dir) throws IOException {
    Path model = Files.createDirectory(dir.resolve("broken"));
    Files.writeString(
        model.resolve("config.json"), "{\"model_type\": \"bert\",\n \"hidden_size\": }");
    Run r = run("check", model.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("config.json").contains("line 2").contains("not valid JSON");
  }

  @Test
  void verboseAddsTheStackTrace(@TempDir Path dir) throws IOException {
    Path model = Files.createDirectory(dir.resolve("broken"));
    Files.writeString(model.resolve("config.json"), "[1, 2]");
    Run r = run("check", "--verbose", model.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err())
        .contains("expected a JSON object, found an array")
        .contains("ModelFormatException")
        .contains("\tat ");
  }

  @Test
  void goodModelsAreStillReportedWhenAnotherPathFails(@TempDir Path dir) {
    Run r = run("check", "--format", "json", example("gpt2"), dir.resolve("missing").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out()).contains("\"family\" : \"transformer-decoder\"");
    assertThat(r.err()).contains("missing");
  }

  @Test
  void jsonIsAnObjectForOneModelAndAnArrayForSeveral() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode one = json.readTree(run("check", "--format", "json", example("gpt2")).out());
    assertThat(one.isObject()).isTrue();
    assertThat(one.get("schemaVersion").asInt()).isEqualTo(1);
    JsonNode all = json.readTree(run("check", "--format", "json", EXAMPLES.toString()).out());
    assertThat(all.isArray()).isTrue();
    assertThat(all.size()).isGreaterThanOrEqualTo(13);
  }

  @Test
  void targetAndFrameworkNarrowTheReport() throws IOException {
    JsonNode r =
        new ObjectMapper()
            .readTree(
                run(
                        "check",
                        "--format",
                        "json",
                        "--target",
                        "inf2",
                        "--framework",
                        "tensorflow",
                        example("bert-base-uncased"))
                    .out());
    assertThat(r.get("targets")).hasSize(1);
    assertThat(r.get("targets").get(0).get("target").asText()).isEqualTo("inf2");
    assertThat(r.get("targets").get(0).get("support")).hasSize(1);
    assertThat(r.get("targets").get(0).get("support").get(0).get("package").asText())
        .isEqualTo("tensorflow-neuronx");
  }

  @Test
  void markdownOutput() {
    Run r = run("check", "--format", "md", example("resnet-50"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("## ").contains("| Target | NeuronCore | Fit | Support |");
  }

  @Test
  void htmlOutputIsOnePageForAllModels() {
    Run r = run("check", "--format", "html", example("gpt2"), example("onnx/gpt_tiny.onnx"));
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .startsWith("<!DOCTYPE html>")
        .endsWith("</html>\n")
        .contains("<title>neuronfit: 2 models</title>")
        .contains("id=\"model-1\"", "id=\"model-2\"")
        .contains("<figure class=\"roofline\">");
    assertThat(run("matrix", "--format", "html", "--target", "inf2").out())
        .startsWith("<!DOCTYPE html>")
        .contains("<h2 class=\"model-path\">inf2</h2>")
        .doesNotContain(">inf1</h2>");
  }

  @Test
  void matrixPrintsAnEditionsTables() throws IOException {
    JsonNode m =
        new ObjectMapper().readTree(run("matrix", "--edition", "2.5.0", "--format", "json").out());
    assertThat(m.get("edition").asText()).isEqualTo("2.5.0");
    assertThat(m.get("targets"))
        .extracting(t -> t.get("target").asText())
        .containsExactly("inf1", "trn1");
    Run text = run("matrix");
    assertThat(text.code()).isZero();
    assertThat(text.out())
        .contains("edition 2.11.0")
        .contains("inf2: AWS Trainium and AWS Inferentia2 (NeuronCore-v2)");
    assertThat(run("matrix", "--format", "md", "--target", "inf1").out())
        .contains("## inf1: AWS Inferentia (NeuronCore v1)")
        .doesNotContain("## trn1");
  }

  @Test
  void estimatesFollowTheWorkloadOptions() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode r =
        json.readTree(
            run(
                    "check",
                    "--format",
                    "json",
                    "--seq-len",
                    "128",
                    "--batch",
                    "4",
                    "--dtype",
                    "fp16",
                    example("bert-base-uncased"))
                .out());
    JsonNode w = r.get("workload");
    assertThat(w.get("batch").asInt()).isEqualTo(4);
    assertThat(w.get("sequenceLength").asInt()).isEqualTo(128);
    assertThat(w.get("dtype").asText()).isEqualTo("F16");
    assertThat(w.get("flopsConvention").asText()).isEqualTo("2 per multiply-accumulate");
    assertThat(w.get("phases").get(0).get("name").asText()).isEqualTo("inference");
    JsonNode inf2 = r.get("targets").get(2).get("estimates");
    assertThat(inf2.get("phases").get(0).get("bound").asText()).isIn("compute", "memory");
    assertThat(inf2.get("sizing").get("instance").asText()).isEqualTo("inf2.xlarge");
    assertThat(run("check", "--efficiency", "1.5", example("gpt2")).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--batch", "0", example("gpt2")).code()).isEqualTo(ExitCodes.USAGE);
    // issue 11: these once exited 4 or printed "Infinity s"
    Run hugeImage = run("check", "--image-size", "2147483647", example("vit-base-patch16-224"));
    assertThat(hugeImage.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(hugeImage.err()).contains("--image-size must be between 1 and 65536");
    Run tinyEfficiency = run("check", "--efficiency", "1e-320", example("gpt2"));
    assertThat(tinyEfficiency.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(tinyEfficiency.err()).contains("--efficiency must be between 0.001 and 1");
    assertThat(run("check", "--seq-len", "2147483647", example("gpt2")).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--batch", "3000000", example("gpt2")).code())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--dtype", "fp4", example("gpt2")).code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("check", "--seq-len", "128", example("gpt2")).out())
        .contains("ESTIMATES")
        .contains("decode");
  }

  @Test
  void aHardwareFileAddsTargetsForEstimates(@TempDir Path dir) throws IOException {
    Path hw = dir.resolve("trn2.json");
    Files.writeString(
        hw,
        """
        {"chips": [{"id": "trainium2", "name": "AWS Trainium2", "coresPerChip": 8,
                    "peakTflops": {"BF16": 667}, "deviceMemoryGiB": 96, "memoryBandwidthGiBps": 2900}],
         "targets": [{"target": "trn2", "chip": "trainium2", "tensorParallelDegrees": [4, 8, 16, 32, 64]}],
         "instances": [{"instance": "trn2.48xlarge", "target": "trn2", "chips": 16, "neuronCores": 128,
                        "deviceMemoryGiB": 1536, "memoryBandwidthGiBps": 46400}]}
        """);
    JsonNode r =
        new ObjectMapper()
            .readTree(
                run(
                        "check",
                        "--format",
                        "json",
                        "--hardware",
                        hw.toString(),
                        "--target",
                        "trn2",
                        example("llama-2-7b"))
                    .out());
    assertThat(r.get("targets")).isEmpty();
    JsonNode other = r.get("otherTargets").get(0);
    assertThat(other.get("target").asText()).isEqualTo("trn2");
    assertThat(other.get("estimates").get("sizing").get("instance").asText())
        .isEqualTo("trn2.48xlarge");
    Files.writeString(hw, "{\"chips\": 3}");
    Run bad = run("check", "--hardware", hw.toString(), example("gpt2"));
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("trn2.json").contains("chips");
  }

  @Test
  void versionAndHelp() {
    assertThat(run("--version").out()).startsWith("neuronfit ");
    Run help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("check").contains("matrix").contains("Exit codes");
  }
}
