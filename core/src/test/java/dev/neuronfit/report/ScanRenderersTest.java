package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The four scan renderers: golden files for text and Markdown, contracts for CSV and JSON. */
class ScanRenderersTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final Edition EDITION = KB.defaultEdition();
  private static final List<Target> TARGETS = EDITION.targets();
  private static final String WEIRD = "models/a,b \"quoted\"\nnext line.onnx";

  record Item(ScanRow row, Optional<Report> report) {}

  private static Report report(String example) throws IOException {
    ModelProfile p = new HfReader().read(TestFiles.examples().resolve(example), ReadLimits.DEFAULT);
    ModelProfile named =
        new ModelProfile(
            "examples/" + example,
            p.format(),
            p.framework(),
            p.weights(),
            p.tensors(),
            p.hf(),
            p.graph(),
            p.hazards(),
            p.notes());
    return INSPECTOR.report(named, EDITION, Selection.ALL);
  }

  private static Item checked(String example) throws IOException {
    Report r = report(example);
    return new Item(ScanRow.of(r.model().path(), r), Optional.of(r));
  }

  private static Item unreadable(String path, String problem) {
    return new Item(
        new ScanRow.Unreadable(path, path, path + ": " + problem), Optional.<Report>empty());
  }

  private static List<Item> items() throws IOException {
    return List.of(
        checked("gpt2"),
        checked("resnet-50"),
        unreadable("examples/broken.onnx", "byte 12: expected a field tag, found 0xff"),
        checked("tiny-faster-rcnn"),
        checked("timm-mixer-b16"),
        checked("t5-small"));
  }

  private static String render(ScanRenderer renderer, List<Item> items) {
    ScanSummary.Tally tally = new ScanSummary.Tally(TARGETS.stream().map(Target::id).toList());
    renderer.begin();
    for (Item i : items) {
      renderer.row(i.row(), i.report());
      tally.add(i.row());
    }
    renderer.end(tally.summary());
    return "";
  }

  @Test
  void textTableWithTotals() throws IOException {
    StringWriter out = new StringWriter();
    render(
        new ScanTextRenderer(out, Style.PLAIN, EDITION, TARGETS, List.of("trn2", "trn3"), "0.1.0"),
        items());
    GoldenFiles.assertMatches("scan.txt", out.toString());
  }

  @Test
  void textColumnsLineUpAndLongNamesGetALineOfTheirOwn() throws IOException {
    List<Item> items = new ArrayList<>(items());
    String longName = "very/".repeat(12) + "deep/model";
    Report r = report("gpt2");
    items.add(new Item(ScanRow.of(longName, r), Optional.of(r)));
    StringWriter out = new StringWriter();

    render(new ScanTextRenderer(out, Style.PLAIN, EDITION, TARGETS, "0.1.0"), items);

    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).isEqualTo("under examples/");
    int familyColumn = lines.get(1).indexOf("FAMILY");
    int inf2Column = lines.get(1).indexOf("INF2");
    assertThat(lines.get(2)).startsWith("gpt2 ");
    assertThat(lines.get(2).indexOf("transformer-decoder")).isEqualTo(familyColumn);
    assertThat(lines.get(2).indexOf("good", inf2Column - 1)).isEqualTo(inf2Column);
    int longAt = lines.indexOf(longName);
    assertThat(longAt).isPositive();
    assertThat(lines.get(longAt + 1)).startsWith(" ".repeat(ScanTextRenderer.MAX_NAME));
    assertThat(lines.get(longAt + 1).indexOf("transformer-decoder")).isEqualTo(familyColumn);
  }

  @Test
  void namesAreShownRelativeToTheFolderAllPathsShareButCacheNamesWhole() {
    ScanRow a = new ScanRow.Unreadable("models/x/a.onnx", "models/x/a.onnx", "e");
    ScanRow b = new ScanRow.Unreadable("models/y/b.onnx", "models/y/b.onnx", "e");
    ScanRow hf1 =
        new ScanRow.Unreadable("openai/whisper@1", "hub/models--openai--whisper/s/1", "e");
    ScanRow hf2 =
        new ScanRow.Unreadable("openai/whisper@2", "hub/models--openai--whisper/s/2", "e");

    assertThat(ScanTextRenderer.commonFolder(List.of(a, b, hf1))).isEqualTo("models/");
    assertThat(ScanTextRenderer.commonFolder(List.of(hf1, hf2))).isEmpty();
    assertThat(ScanTextRenderer.commonFolder(List.of(a))).isEmpty();
  }

  @Test
  void textWidthsComeFromTheFirstBlockAndLaterRowsStream() throws IOException {
    Report r = report("gpt2");
    StringWriter out = new StringWriter();
    ScanTextRenderer text = new ScanTextRenderer(out, Style.PLAIN, EDITION, TARGETS, "0.1.0");
    text.begin();
    for (int i = 0; i < ScanTextRenderer.BLOCK - 1; i++) {
      text.row(ScanRow.of("m" + i, r), Optional.of(r));
    }
    assertThat(out.toString()).isEmpty();
    text.row(ScanRow.of("m-last-of-block", r), Optional.of(r));
    int afterBlock = out.toString().length();
    assertThat(afterBlock).isPositive();
    text.row(ScanRow.of("streamed", r), Optional.of(r));
    assertThat(out.toString().substring(afterBlock)).startsWith("streamed ");
  }

  @Test
  void markdownTable() throws IOException {
    StringWriter out = new StringWriter();
    render(
        new ScanMarkdownRenderer(out, EDITION, TARGETS, List.of("trn2", "trn3"), "0.1.0"), items());
    GoldenFiles.assertMatches("scan.md", out.toString());
  }

  @Test
  void markdownRowsKeepTheirColumnsWhateverThePathHolds() throws IOException {
    List<Item> items = new ArrayList<>(items());
    items.add(unreadable("a|b`c", "bad | worse"));
    StringWriter out = new StringWriter();

    render(new ScanMarkdownRenderer(out, EDITION, TARGETS, "0.1.0"), items);

    List<String> table = out.toString().lines().filter(l -> l.startsWith("|")).toList();
    long columns = unescapedPipes(table.get(0));
    assertThat(table).hasSize(items.size() + 2);
    assertThat(table).allSatisfy(l -> assertThat(unescapedPipes(l)).isEqualTo(columns));
  }

  private static long unescapedPipes(String line) {
    return line.replace("\\|", "").chars().filter(c -> c == '|').count();
  }

  @Test
  void csvQuotesCommasQuotesAndLineBreaksAndReadsBack() throws IOException {
    List<Item> items = new ArrayList<>(items());
    items.add(unreadable(WEIRD, "not, \"really\" a model"));
    StringWriter out = new StringWriter();
    ScanCsvRenderer csv = new ScanCsvRenderer(out, TARGETS);

    render(csv, items);

    assertThat(out.toString())
        .startsWith("model,path,format,framework,family,inf1_fit,inf1_package,inf1_support,")
        .contains("\r\n")
        .contains("\"models/a,b \"\"quoted\"\"\nnext line.onnx\"");
    List<CSVRecord> records =
        CSVParser.parse(new StringReader(out.toString()), CSVFormat.RFC4180).getRecords();
    assertThat(records).hasSize(items.size() + 1);
    assertThat(records).allSatisfy(r -> assertThat(r.size()).isEqualTo(csv.header().size()));
    CSVRecord gpt2 = records.get(1);
    assertThat(gpt2.get(0)).isEqualTo("examples/gpt2");
    assertThat(gpt2.get(4)).isEqualTo("transformer-decoder");
    assertThat(gpt2.get(5)).isEqualTo("not-a-good-fit");
    CSVRecord weird = records.get(records.size() - 1);
    assertThat(weird.get(0)).isEqualTo(WEIRD);
    assertThat(weird.get(csv.header().size() - 1)).isEqualTo(WEIRD + ": not, \"really\" a model");
  }

  @Test
  void csvCellsASpreadsheetWouldTakeForFormulasStartWithAQuote() throws IOException {
    List<String> formulas =
        List.of("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx");
    List<Item> items = new ArrayList<>();
    for (String f : formulas) {
      items.add(new Item(new ScanRow.Unreadable(f, f, f), Optional.empty()));
    }
    Report r = report("gpt2");
    items.add(new Item(ScanRow.of("=cmd|' /C calc'!A0", r), Optional.of(r)));
    StringWriter out = new StringWriter();
    ScanCsvRenderer csv = new ScanCsvRenderer(out, TARGETS);

    render(csv, items);

    List<CSVRecord> records =
        CSVParser.parse(new StringReader(out.toString()), CSVFormat.RFC4180).getRecords();
    for (int i = 0; i < formulas.size(); i++) {
      CSVRecord rec = records.get(i + 1);
      assertThat(rec.get(0)).isEqualTo("'" + formulas.get(i));
      assertThat(rec.get(1)).isEqualTo("'" + formulas.get(i));
      assertThat(rec.get(csv.header().size() - 1)).isEqualTo("'" + formulas.get(i));
    }
    CSVRecord checked = records.get(records.size() - 1);
    assertThat(checked.get(0)).isEqualTo("'=cmd|' /C calc'!A0");
    assertThat(checked.get(4)).isEqualTo("transformer-decoder");
    assertThat(ScanCsvRenderer.neutralised("examples/gpt2")).isEqualTo("examples/gpt2");
    assertThat(ScanCsvRenderer.neutralised("")).isEmpty();
  }

  @Test
  void textAndMarkdownTablesEscapeControlCharactersInNamesAndErrors() throws IOException {
    String hostile = RenderersTest.HOSTILE;
    Report r = report("gpt2");
    for (int block : List.of(1, ScanTextRenderer.BLOCK + 1)) {
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < block; i++) {
        items.add(new Item(ScanRow.of("hub/" + hostile + i, r), Optional.of(r)));
      }
      items.add(unreadable("hub/" + hostile, "bad " + hostile));
      items.add(unreadable("hub/" + "x".repeat(60) + hostile, "bad"));
      StringWriter text = new StringWriter();
      StringWriter md = new StringWriter();

      render(new ScanTextRenderer(text, Style.PLAIN, EDITION, TARGETS, "0.1.0"), items);
      render(new ScanMarkdownRenderer(md, EDITION, TARGETS, "0.1.0"), items);

      RenderersTest.assertNoControlsAndNoFakeLines(text.toString());
      RenderersTest.assertNoControlsAndNoFakeLines(md.toString());
    }
  }

  @Test
  void jsonHoldsTheCheckObjectsUnchangedAndTheTotals() throws IOException {
    List<Item> items = items();
    StringWriter out = new StringWriter();

    render(new ScanJsonRenderer(out, EDITION, "0.1.0"), items);

    ObjectMapper json = new ObjectMapper();
    JsonNode root = JsonSchemas.report(out.toString());
    assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(root.get("models")).hasSize(items.size());
    StringWriter check = new StringWriter();
    new JsonRenderer().reports(List.of(items.get(0).report().get()), check);
    assertThat(root.get("models").get(0)).isEqualTo(JsonSchemas.report(check.toString()));
    JsonNode error = root.get("models").get(2);
    assertThat(error.get("path").asText()).isEqualTo("examples/broken.onnx");
    assertThat(error.get("error").asText()).contains("expected a field tag");
    JsonNode summary = root.get("summary");
    assertThat(summary.get("models").asInt()).isEqualTo(6);
    assertThat(summary.get("unreadable").asInt()).isEqualTo(1);
    assertThat(summary.get("families").get("transformer-decoder").asInt()).isEqualTo(1);
    assertThat(summary.get("fit").get("inf2").get("good-fit").asInt()).isPositive();
    int byWorst = 0;
    for (JsonNode n : summary.get("worstFinding")) {
      byWorst += n.asInt();
    }
    assertThat(byWorst).isEqualTo(summary.get("checked").asInt());
  }

  @Test
  void bestSupportIsAmongTheModelsOwnFrameworksPackages() throws IOException {
    ScanRow.Checked gpt2 = ScanRow.of("gpt2", report("gpt2"));

    ScanRow.TargetCell inf2 =
        gpt2.targets().stream().filter(c -> c.target().equals("inf2")).findFirst().orElseThrow();
    assertThat(inf2.best().orElseThrow().column().pkg().id()).isEqualTo("torch-neuronx");
    assertThat(ScanCells.fitAndSupport(inf2)).isEqualTo("good fit · torch-neuronx");
  }

  @Test
  void anInf1OnlyTopFindingDoesNotHideWhatAppliesToTheOtherTargets() throws IOException {
    Report r = report("llama-2-7b");
    Finding inf1 = finding("weights-over-2gb", Severity.ERROR, Optional.of("inf1"));
    Finding inf2 = finding("decoder-length", Severity.WARNING, Optional.of("inf2"));
    Finding inf1Warning = finding("decoder-on-inf1", Severity.WARNING, Optional.of("inf1"));

    ScanRow.Checked both = ScanRow.of("m", withFindings(r, List.of(inf1, inf1Warning, inf2)));
    assertThat(ScanCells.topFinding(both))
        .isEqualTo("weights-over-2gb (inf1); warning decoder-length (inf2) +1");

    ScanRow.Checked inf1Only = ScanRow.of("m", withFindings(r, List.of(inf1, inf1Warning)));
    assertThat(ScanCells.topFinding(inf1Only)).isEqualTo("weights-over-2gb (inf1) +1");

    Finding all = finding("family-unknown", Severity.WARNING, Optional.empty());
    ScanRow.Checked withAll = ScanRow.of("m", withFindings(r, List.of(inf1, all)));
    assertThat(ScanCells.topFinding(withAll))
        .isEqualTo("weights-over-2gb (inf1); warning family-unknown (all)");
  }

  private static Finding finding(String rule, Severity severity, Optional<String> target) {
    return new Finding(rule, severity, target, "m", "o", "g", "a", "s");
  }

  private static Report withFindings(Report r, List<Finding> findings) {
    return new Report(
        r.toolVersion(),
        r.edition(),
        r.model(),
        r.architecture(),
        r.targets(),
        findings,
        r.operators(),
        r.workload(),
        r.estimates(),
        Optional.empty(),
        Optional.empty());
  }
}
