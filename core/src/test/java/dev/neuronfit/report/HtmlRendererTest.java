package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.classify.AlsoMatch;
import dev.neuronfit.classify.Classification;
import dev.neuronfit.classify.Evidence;
import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpCount;
import dev.neuronfit.coverage.OpStatus;
import dev.neuronfit.coverage.OpTally;
import dev.neuronfit.coverage.OperatorSummary;
import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.PhaseBound;
import dev.neuronfit.estimate.Sizing;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.ValueInfo;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The HTML report: golden pages, escaping of everything from a model, and bounded size. */
class HtmlRendererTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  /** Markup, an attribute break-out with an event handler, ampersands and both quotes. */
  private static final String HOSTILE =
      "<script>alert(1)</script>\"><img src=x onerror=alert(2)> & 'q' <svg onload=alert(3)>";

  @Test
  void pageOfADecoderWithEstimates() throws IOException {
    GoldenFiles.assertMatches("gpt2.html", html(List.of(example("gpt2"))));
  }

  @Test
  void operatorsSectionOfAnOnnxRcnn() throws IOException {
    String page = html(List.of(onnx("fasterrcnn_tiny.onnx")));
    int start = page.indexOf("<section class=\"panel\">\n<h3 class=\"section\">Operators");
    int end = page.indexOf("</section>", start);
    assertThat(start).isPositive();
    GoldenFiles.assertMatches("operators-fasterrcnn.html", page.substring(start, end + 11));
  }

  @Test
  void everyStringFromAModelIsEscaped() throws IOException {
    String page = html(List.of(hostile(onnx("gpt_tiny.onnx")), example("gpt2")));
    Document doc = Jsoup.parse(page);

    assertThat(doc.select("script, img, iframe, object, embed, link[rel=stylesheet]")).isEmpty();
    assertThat(doc.select("svg svg")).isEmpty();
    for (Element e : doc.getAllElements()) {
      for (Attribute a : e.attributes()) {
        assertThat(a.getKey()).as("attribute of <%s>", e.tagName()).doesNotStartWith("on");
        assertThat(a.getKey()).isNotIn("src", "srcdoc", "formaction");
      }
    }
    for (Element a : doc.select("a[href]")) {
      assertThat(a.attr("href")).matches("https://.*|#model-\\d+");
    }
    assertThat(page.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("<script")
        .doesNotContain("<img")
        .doesNotContain("<svg onload");

    // the text round-trips: what the model said is shown, as text
    Element model = doc.getElementById("model-1");
    assertThat(model.selectFirst(".model-path").text()).isEqualTo("models/" + HOSTILE);
    assertThat(doc.select(".summary td a").first().text()).isEqualTo("models/" + HOSTILE);
    assertThat(model.select(".evidence td").eachText()).contains(HOSTILE);
    assertThat(model.select(".finding p").eachText()).contains(HOSTILE);
    assertThat(model.select(".finding .pill").eachText()).contains(HOSTILE);
    assertThat(model.select(".hist .op").eachText()).contains(HOSTILE, HOSTILE + "2");
    assertThat(model.select("table td code").eachText()).contains(HOSTILE);
    assertThat(model.select("figure.roofline svg text").eachText())
        .anyMatch(t -> t.startsWith(HOSTILE + " · "));
    assertThat(model.select("figure.roofline svg title").eachText())
        .anyMatch(t -> t.startsWith(HOSTILE + " on "));
    assertThat(model.text()).contains("note: " + HOSTILE).contains("assumes " + HOSTILE);
    assertThat(doc.title()).isEqualTo("neuronfit: 2 models");
  }

  @Test
  void findingsLinkToTheGuidelineSection() throws IOException {
    Document doc = Jsoup.parse(html(List.of(example("gpt2"))));
    Element source = doc.select(".finding dd a").first();
    assertThat(source.attr("href"))
        .isEqualTo(
            KB.defaultEdition().source().url()
                + "#decoder-models-or-autoregressive-models-with-transformers");
    assertThat(source.text()).startsWith("model-architecture-fit.rst@v2.11.0 § Decoder models");
  }

  @Test
  void thePageForbidsEveryRequest() throws IOException {
    Document doc = Jsoup.parse(html(List.of(example("llama-2-7b"))));
    assertThat(doc.select("meta[http-equiv=Content-Security-Policy]").attr("content"))
        .isEqualTo("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    assertThat(doc.select("[src], link[href], use, image, foreignObject")).isEmpty();
  }

  @Test
  void theRooflinePlacesEveryPhaseOnEveryRoof() throws IOException {
    Report r = example("llama-2-7b");
    Document doc = Jsoup.parse(html(List.of(r)));
    Element svg = doc.selectFirst("figure.roofline > svg");
    // trn1 and inf2 have the same figures and share a roof; trn2 and trn3 have their own:
    // 4 roofs, 2 phases, 8 markers
    assertThat(svg.select("polyline")).hasSize(4);
    assertThat(svg.select("circle:not(.ridge)")).hasSize(8);
    assertThat(svg.select("text.roof-label").eachText())
        .containsExactlyInAnyOrder(
            "inf1 64.0 TFLOP/s", "trn1, inf2 190 TFLOP/s", "trn2 667 TFLOP/s", "trn3 671 TFLOP/s");
    assertThat(svg.select("text.phase-label").eachText())
        .containsExactly("prefill · 3677 FLOP/byte", "decode · 0.983 FLOP/byte");
    assertThat(doc.select("figure.roofline .legend li").eachText())
        .anyMatch(t -> t.startsWith("inf1 AWS Inferentia: 64.0 TFLOP/s, 50.0 GiB/s, ridge at"));
  }

  @Test
  void aModelWithoutEstimatesHasNoChart() throws IOException {
    Document doc = Jsoup.parse(html(List.of(example("timm-mixer-b16"))));
    assertThat(doc.select("figure.roofline")).isEmpty();
    assertThat(doc.select(".card .badge.fit-unknown")).isNotEmpty();
  }

  @Test
  void thousandsOfOperatorTypesKeepThePageSmall() throws IOException {
    Report r = onnx("gpt_tiny.onnx");
    OperatorSummary o = r.operators().orElseThrow();
    List<OpCount> many =
        IntStream.range(0, 5000).mapToObj(i -> new OpCount("custom::Op" + i, 5000 - i)).toList();
    ListCoverage c = o.coverage().get(0);
    List<OpTally> tallies =
        IntStream.range(0, 5000)
            .mapToObj(
                i ->
                    new OpTally(
                        "custom::Op" + i,
                        5000 - i,
                        List.of("node_" + i + "_a", "node_" + i + "_b"),
                        OpStatus.OTHER_DOMAIN,
                        List.of(),
                        Optional.empty()))
            .toList();
    int nodes = many.stream().mapToInt(OpCount::count).sum();
    ListCoverage huge =
        new ListCoverage(
            c.target(),
            c.list(),
            c.basis(),
            nodes,
            nodes,
            nodes,
            0,
            OptionalDouble.of(1.0),
            tallies,
            List.of());
    Report big =
        withOperators(r, new OperatorSummary(nodes, nodes, many, List.of(), List.of(huge)));
    String page = html(List.of(big));
    assertThat(page.length()).isLessThan(120_000);
    Document doc = Jsoup.parse(page);
    assertThat(doc.select(".hist .op")).hasSize(HtmlOperators.HISTOGRAM_ROWS);
    assertThat(doc.text())
        .contains("and " + (5000 - HtmlOperators.HISTOGRAM_ROWS) + " more operator types")
        .contains("and " + (5000 - HtmlOperators.CPU_ROWS) + " more operator types");
  }

  @Test
  void outputIsDeterministic() throws IOException {
    List<Report> reports = List.of(example("gpt2"), onnx("gpt_tiny.onnx"));
    assertThat(html(reports)).isEqualTo(html(reports));
  }

  @Test
  void escapeCoversTextAndAttributes() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    assertThat(Html.escape("plain text ✓")).isEqualTo("plain text ✓");
    assertThat(Html.escape("nul\u0000bell\u0007")).isEqualTo("nul\uFFFDbell\uFFFD");
    assertThat(Html.link("javascript:alert(1)", "x<")).isEqualTo("x&lt;");
  }

  /** The report with every string a model can supply replaced by markup. */
  private static Report hostile(Report r) {
    ModelSummary m = r.model();
    GraphSummary g = m.graph().orElseThrow();
    ValueInfo input =
        new ValueInfo(
            HOSTILE,
            Optional.of(DType.I64),
            List.of(ValueInfo.Dim.symbolic(HOSTILE), ValueInfo.Dim.of(16)));
    ModelSummary model =
        new ModelSummary(
            "models/" + HOSTILE,
            m.format(),
            m.framework(),
            m.weights(),
            m.estimate(),
            m.tensorCount(),
            Optional.of(
                new GraphSummary(
                    HOSTILE, Map.of(HOSTILE, 1L), List.of(input), List.of(input), 10, 0)),
            List.of(new Hazard(HOSTILE, HOSTILE, HOSTILE)),
            List.of(HOSTILE));
    Classification c =
        new Classification(
            r.architecture().family(),
            r.architecture().confidence(),
            List.of(new Evidence(HOSTILE, HOSTILE, HOSTILE, HOSTILE)),
            List.of(new AlsoMatch(Family.CNN, HOSTILE)));
    String cite = r.edition().source().cite() + " § " + HOSTILE + " [" + HOSTILE + "]";
    List<Finding> findings =
        List.of(
            new Finding(
                "x",
                Severity.WARNING,
                Optional.of(HOSTILE),
                HOSTILE,
                HOSTILE,
                HOSTILE,
                HOSTILE,
                cite),
            new Finding(
                "y", Severity.INFO, Optional.empty(), HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE));
    OperatorSummary o = r.operators().orElseThrow();
    ListCoverage lc = o.coverage().get(0);
    OpTally bad =
        new OpTally(
            HOSTILE,
            3,
            List.of(HOSTILE),
            OpStatus.NOT_LISTED,
            List.of(HOSTILE),
            Optional.of(HOSTILE));
    ListCoverage coverage =
        new ListCoverage(
            lc.target(),
            lc.list(),
            lc.basis(),
            lc.countedNodes(),
            lc.checkedNodes(),
            lc.cpuNodes(),
            lc.inCpuSubgraphs(),
            lc.cpuShare(),
            List.of(bad),
            List.of(HOSTILE));
    List<OpCount> byType = new ArrayList<>(o.byType());
    byType.add(0, new OpCount(HOSTILE, 200));
    byType.add(1, new OpCount(HOSTILE + "2", 100));
    OperatorSummary ops =
        new OperatorSummary(
            o.total(),
            o.mainGraph(),
            byType,
            List.of(new OpCount(HOSTILE + "2", 100)),
            List.of(coverage));
    Workload w = r.workload().orElseThrow();
    Workload workload =
        new Workload(
            w.batch(),
            w.sequenceLength(),
            w.imageSize(),
            w.dtype(),
            List.of(new Phase(HOSTILE, 1e9, 1e7, 1)),
            Map.of(HOSTILE, 2),
            w.weightBytes(),
            w.activationBytes(),
            w.kvCacheBytes(),
            HOSTILE,
            List.of(HOSTILE));
    Map<String, TargetEstimate> estimates = new LinkedHashMap<>();
    r.estimates()
        .forEach(
            (id, e) ->
                estimates.put(
                    id,
                    new TargetEstimate(
                        HOSTILE,
                        HOSTILE,
                        e.peakFlopsPerChip(),
                        e.bandwidthPerChip(),
                        HOSTILE,
                        List.of(
                            new PhaseBound(
                                HOSTILE,
                                HOSTILE,
                                1e-3,
                                1e3,
                                1,
                                Optional.of(HOSTILE),
                                1e3,
                                HOSTILE,
                                1)),
                        new Sizing(
                            Optional.of(HOSTILE),
                            1,
                            Optional.empty(),
                            10,
                            Optional.empty(),
                            List.of(HOSTILE)),
                        e.workload())));
    return new Report(
        HOSTILE,
        r.edition(),
        model,
        c,
        r.targets(),
        findings,
        Optional.of(ops),
        Optional.of(workload),
        estimates,
        Optional.empty(),
        Optional.empty());
  }

  private static Report withOperators(Report r, OperatorSummary o) {
    return new Report(
        r.toolVersion(),
        r.edition(),
        r.model(),
        r.architecture(),
        r.targets(),
        r.findings(),
        Optional.of(o),
        r.workload(),
        r.estimates(),
        Optional.empty(),
        Optional.empty());
  }

  private static String html(List<Report> reports) {
    StringWriter out = new StringWriter();
    new HtmlRenderer().reports(reports, out);
    return out.toString();
  }

  /** An example, named by its repository-relative path as a user in the repo would. */
  private static Report example(String name) throws IOException {
    ModelProfile p = new HfReader().read(TestFiles.examples().resolve(name), ReadLimits.DEFAULT);
    return INSPECTOR.report(renamed(p, "examples/" + name), KB.defaultEdition(), Selection.ALL);
  }

  private static Report onnx(String fixture) throws IOException {
    ModelProfile p = new OnnxReader().read(TestFiles.onnxFixture(fixture), ReadLimits.DEFAULT);
    return INSPECTOR.report(
        renamed(p, "core/src/test/resources/onnx/" + fixture), KB.defaultEdition(), Selection.ALL);
  }

  private static ModelProfile renamed(ModelProfile p, String path) {
    return new ModelProfile(
        path,
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
