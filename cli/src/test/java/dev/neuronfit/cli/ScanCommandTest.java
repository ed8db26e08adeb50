package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.cli.MainTest.Run;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code neuronfit scan} end to end: formats, exit codes, --output, errors as rows. */
class ScanCommandTest {
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final String EXAMPLES = ROOT.resolve("examples").toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Run run(String... args) {
    return MainTest.run(args);
  }

  /** What check finds in examples/, which scan must find too. */
  private static int exampleModels() throws IOException {
    return JSON.readTree(run("check", "--format", "json", EXAMPLES).out()).size();
  }

  private void bert(String folder) throws IOException {
    Path d = Files.createDirectories(dir.resolve(folder));
    Files.writeString(d.resolve("config.json"), "{\"model_type\": \"bert\"}");
  }

  @Test
  void textIsOneTableOfTheExamplesThenTheTotals() throws IOException {
    Run r = run("scan", EXAMPLES);

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.err()).isEmpty();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).contains("examples");
    assertThat(lines.get(1))
        .startsWith("MODEL")
        .contains("FORMAT", "FAMILY", "INF1", "TRN1", "INF2", "PARAMS", "WEIGHTS", "TOP FINDING");
    assertThat(r.out())
        .contains("gpt2 ")
        .contains("onnx/gpt_tiny.onnx")
        .contains(exampleModels() + " models: " + exampleModels() + " read")
        .doesNotContain("\u001b[");
  }

  @Test
  void jsonHoldsOneCheckObjectPerModelAndTheSummary() throws IOException {
    Run r = run("scan", "--format", "json", EXAMPLES);

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("models").size()).isEqualTo(exampleModels());
    assertThat(root.get("summary").get("models").asInt()).isEqualTo(exampleModels());
    JsonNode gpt2 = null;
    for (JsonNode m : root.get("models")) {
      if (m.get("model").get("path").asText().endsWith("gpt2")) {
        gpt2 = m;
      }
    }
    Run check =
        run("check", "--format", "json", ROOT.resolve("examples").resolve("gpt2").toString());
    assertThat(gpt2).isEqualTo(JSON.readTree(check.out()));
  }

  @Test
  void csvHasAHeaderAndOneRecordPerModel() throws IOException {
    Run r = run("scan", "--format", "csv", "--target", "inf2", EXAMPLES);

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "model,path,format,framework,family,inf2_fit,inf2_package,inf2_support,parameters,"
                + "weight_bytes,estimated,top_severity,top_rule,top_target,errors,warnings,infos,"
                + "error");
    assertThat(lines).hasSize(exampleModels() + 1);
    assertThat(r.out()).contains("\r\n");
  }

  /** The Markdown table's cells per model name, split on its unescaped pipes. */
  private static Map<String, List<String>> markdownCells(String md, List<String> columns) {
    List<String> rows = md.lines().filter(l -> l.startsWith("| ")).toList();
    List<String> head = markdownRow(rows.get(0));
    Map<String, List<String>> byModel = new LinkedHashMap<>();
    for (String row : rows.subList(2, rows.size())) {
      List<String> cells = markdownRow(row);
      List<String> wanted = new ArrayList<>();
      for (String c : columns) {
        wanted.add(cells.get(head.indexOf(c)).replace("\\", ""));
      }
      byModel.put(cells.get(0).replace("`", ""), wanted);
    }
    return byModel;
  }

  private static List<String> markdownRow(String row) {
    String inner = row.substring(2, row.length() - 2);
    return Arrays.stream(inner.split(" \\| ", -1)).map(String::strip).toList();
  }

  /** A stack and its status as the text and Markdown tables show them; none for no stack. */
  private static String nowCell(String stack, String status) {
    return stack.isEmpty() ? "none" : stack + " · " + status;
  }

  @Test
  void csvJsonAndHtmlCarryTodaysStackWhereTextAndMarkdownShowIt() throws IOException {
    List<String> now = List.of("trn2 now", "trn3 now");
    Map<String, List<String>> md =
        markdownCells(run("scan", "--format", "md", EXAMPLES).out(), now);
    assertThat(md).hasSize(exampleModels());
    assertThat(md.values()).allSatisfy(cells -> assertThat(cells).doesNotContain("-"));

    Run csv = run("scan", "--format", "csv", EXAMPLES);
    List<CSVRecord> records =
        CSVParser.parse(new StringReader(csv.out()), CSVFormat.RFC4180).getRecords();
    List<String> header = records.get(0).toList();
    // the columns before stay where they were; the new ones come after error
    assertThat(String.join(",", header.subList(0, 24)))
        .isEqualTo(
            "model,path,format,framework,family,inf1_fit,inf1_package,inf1_support,trn1_fit,"
                + "trn1_package,trn1_support,inf2_fit,inf2_package,inf2_support,parameters,"
                + "weight_bytes,estimated,top_severity,top_rule,top_target,errors,warnings,infos,"
                + "error");
    assertThat(header.subList(24, header.size()))
        .containsExactly("trn2_now_stack", "trn2_now_status", "trn3_now_stack", "trn3_now_status");
    for (CSVRecord r : records.subList(1, records.size())) {
      assertThat(List.of(nowCell(r.get(24), r.get(25)), nowCell(r.get(26), r.get(27))))
          .as(r.get(0))
          .isEqualTo(md.get(r.get(0)));
    }

    Map<String, Integer> expected = new TreeMap<>();
    md.values()
        .forEach(
            cells -> {
              expected.merge("trn2 " + cells.get(0), 1, Integer::sum);
              expected.merge("trn3 " + cells.get(1), 1, Integer::sum);
            });
    JsonNode summary =
        JSON.readTree(run("scan", "--format", "json", EXAMPLES).out()).get("summary");
    Map<String, Integer> counted = new TreeMap<>();
    for (JsonNode n : summary.get("now")) {
      counted.put(
          n.get("target").asText()
              + " "
              + nowCell(n.get("stack").asText(""), n.get("status").asText("")),
          n.get("models").asInt());
    }
    assertThat(counted).isEqualTo(expected);

    String html = run("scan", "--format", "html", EXAMPLES).out();
    assertThat(html).contains("<th>trn2 now</th><th>trn3 now</th>");
    Map<String, Integer> cells = new TreeMap<>();
    md.values().forEach(c -> c.forEach(v -> cells.merge(v, 1, Integer::sum)));
    Map<String, Integer> inHtml = new TreeMap<>();
    cells.keySet().forEach(v -> inHtml.put(v, html.split("<td>" + v + "</td>", -1).length - 1));
    assertThat(inHtml).isEqualTo(cells);
  }

  @Test
  void anUnreadableModelKeepsTheCsvColumnsInPlace() throws IOException {
    Files.writeString(dir.resolve("b.onnx"), "not an onnx model");
    Files.createDirectories(dir.resolve("gpt2"));
    Files.copy(ROOT.resolve("examples/gpt2/config.json"), dir.resolve("gpt2/config.json"));

    Run csv = run("scan", "--format", "csv", dir.toString());

    List<CSVRecord> records =
        CSVParser.parse(new StringReader(csv.out()), CSVFormat.RFC4180).getRecords();
    List<String> header = records.get(0).toList();
    int error = header.indexOf("error");
    assertThat(records).hasSize(3);
    for (CSVRecord r : records.subList(1, 3)) {
      assertThat(r.size()).isEqualTo(header.size());
      boolean unreadable = r.get(0).endsWith("b.onnx");
      assertThat(r.get(error).startsWith(r.get(0) + ": ")).as(r.get(0)).isEqualTo(unreadable);
      assertThat(r.get(header.indexOf("trn2_now_stack")).isEmpty()).isEqualTo(unreadable);
    }
  }

  @Test
  void markdownIsATableAndTotals() throws IOException {
    Run r = run("scan", "--format", "md", EXAMPLES);

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).startsWith("# neuronfit scan").contains("| `").contains("## Summary");
    assertThat(r.out().lines().filter(l -> l.startsWith("| `"))).hasSize(exampleModels());
  }

  @Test
  void anUnreadableModelIsARowAndDoesNotChangeTheExitCodeWithoutFailOn() throws IOException {
    bert("a");
    Files.writeString(dir.resolve("b.onnx"), "not an onnx model");
    Files.writeString(dir.resolve("README.md"), "# my models");

    Run r = run("scan", dir.toString());

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).contains("b.onnx").contains("could not be read: named like a model");
    assertThat(r.out()).doesNotContain("README");
    assertThat(r.err()).isEqualTo("neuronfit: 1 of 2 models could not be read (see their rows)\n");
  }

  @Test
  void failOnLooksAtEveryModelAndAnUnreadableOneFailsAnyLevel() throws IOException {
    assertThat(run("scan", "--fail-on", "error", EXAMPLES).code()).isEqualTo(ExitCodes.FAIL_ON);
    assertThat(run("scan", "--fail-on", "not-a-good-fit", "--target", "trn1,inf2", EXAMPLES).code())
        .isEqualTo(ExitCodes.OK);
    bert("a");
    assertThat(run("scan", "--fail-on", "error", dir.toString()).code()).isEqualTo(ExitCodes.OK);
    Files.writeString(dir.resolve("b.onnx"), "not an onnx model");
    assertThat(run("scan", "--fail-on", "error", dir.toString()).code())
        .isEqualTo(ExitCodes.FAIL_ON);
  }

  @Test
  void htmlIsOnePageWithARowAndAReportPerModelAndLeavesNoScratchFile() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));

    Run r = runWithTempFolder(tmp, "scan", "--format", "html", EXAMPLES);

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    int models = exampleModels();
    assertThat(r.out().split("<tr><td class=\"mono\"><a href=\"#model-", -1)).hasSize(models + 1);
    assertThat(r.out().split("<article class=\"model\"", -1)).hasSize(models + 1);
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * The command in a JVM of its own whose temporary folder ({@code java.io.tmpdir}, where the HTML
   * scan keeps its scratch) is {@code tmp}, so that no other test or build writes there.
   */
  private Run runWithTempFolder(Path tmp, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    cmd.addAll(List.of(args));
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the command did not end: " + cmd);
    }
    return new Run(p.exitValue(), out, Files.readString(err));
  }

  @Test
  void outputGoesToTheFileAndReplacesItWhole() throws IOException {
    bert("a");
    Path out = dir.resolve("out/scan.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "old");

    Run r =
        run("scan", "--format", "json", "--output", out.toString(), dir.resolve("a").toString());

    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).isEmpty();
    assertThat(JSON.readTree(out.toFile()).get("models")).hasSize(1);
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void outputThatIsAnInputOrAnExistingFileInsideOneIsRefused() throws IOException {
    bert("a");
    Path model = dir.resolve("model.onnx");
    Files.writeString(model, "not really a model");
    Path config = dir.resolve("a/config.json");
    String before = Files.readString(config);

    Run same = run("scan", "--format", "csv", "-o", model.toString(), model.toString());
    Run inside = run("scan", "--format", "json", "-o", config.toString(), dir.toString());
    Run newFileInside =
        run("scan", "-o", dir.resolve("a/scan.txt").toString(), dir.resolve("a").toString());

    assertThat(same.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(same.err()).contains("--output " + model + " is the scanned path " + model);
    assertThat(inside.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(inside.err()).contains("already exists inside the scanned path " + dir);
    assertThat(model).hasContent("not really a model");
    assertThat(config).hasContent(before);
    // a new file inside the scanned folder replaces nothing: scan . -o scan.txt works
    assertThat(newFileInside.code()).isEqualTo(ExitCodes.OK);
    assertThat(dir.resolve("a/scan.txt")).content().contains("transformer-encoder");
  }

  @Test
  void outputThatCannotBeWrittenIsAUsageErrorNamingIt() throws IOException {
    bert("a");
    String model = dir.resolve("a").toString();
    // /proc takes no new files, even from root; /dev/full fails every write
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")));
    Run create = run("scan", "-o", "/proc/neuronfit-scan.json", model);
    assertThat(create.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(create.err())
        .startsWith("neuronfit: --output /proc/neuronfit-scan.json: ")
        .doesNotContain(".tmp")
        .hasLineCount(1);
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full));
    Run write = run("scan", "--format", "json", "-o", full.toString(), model);
    assertThat(write.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(write.err()).isEqualTo("neuronfit: --output /dev/full: No space left on device\n");
  }

  @Test
  void outputToADeviceIsWrittenDirectly() {
    Path devNull = Path.of("/dev/null");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(devNull));

    assertThat(run("scan", "--output", "/dev/null", EXAMPLES).code()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aMissingPathIsAnErrorButTheOtherPathsAreScanned() throws IOException {
    bert("a");

    Run r = run("scan", "--format", "csv", dir.resolve("nope").toString(), dir.toString());

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("nope").contains("no such file or folder");
    assertThat(r.out().lines()).hasSize(2);
  }

  @Test
  void huggingFaceCacheModelsAreNamedOrgSlashName() throws IOException {
    bert(
        "hub/models--google-bert--bert-base-uncased/snapshots/86b5e0934494bd15c9632b12f734a8a67f723594");
    bert("hub/models--distilbert-base-uncased/snapshots/12040accade4e8a0f71eabdb258fecc2e7e948be");

    Run r = run("scan", "--format", "csv", dir.resolve("hub").toString());

    assertThat(r.out().lines().skip(1).map(l -> l.substring(0, l.indexOf(','))))
        .containsExactly("distilbert-base-uncased", "google-bert/bert-base-uncased");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("scan").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("scan", "--jobs", "0", EXAMPLES).code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("scan", "--jobs", "100000", EXAMPLES).code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("scan", "--format", "pdf", EXAMPLES).code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("scan", "--fail-on", "sometimes", EXAMPLES).code()).isEqualTo(ExitCodes.USAGE);
    Run missingFolder =
        run("scan", "--output", dir.resolve("no/such/folder/x.json").toString(), EXAMPLES);
    assertThat(missingFolder.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missingFolder.err()).contains("does not exist");
  }

  @Test
  void oneJobAndManyJobsGiveTheSameOutput() {
    Run one = run("scan", "--format", "json", "--jobs", "1", EXAMPLES);
    Run many = run("scan", "--format", "json", "--jobs", "8", EXAMPLES);

    assertThat(many.out()).isEqualTo(one.out());
  }
}
