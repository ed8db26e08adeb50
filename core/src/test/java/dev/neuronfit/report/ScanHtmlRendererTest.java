package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The scan as one HTML page: rows link to the full report of each model, unreadable models are rows
 * with their error, every name and message from a model or path is escaped (checked with a real
 * HTML parser), and the temporary file that holds the reports while the table is written is gone
 * afterwards.
 */
class ScanHtmlRendererTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final Edition EDITION = KB.defaultEdition();
  private static final List<Target> TARGETS = EDITION.targets();
  private static final String HOSTILE_NAME = "models/<script>alert(1)</script>/gpt2";
  private static final String HOSTILE_ERROR = "\"><img src=x onerror=alert(2)> & <b>bold</b>";

  private static Report report(String example, String path) throws IOException {
    ModelProfile p = new HfReader().read(TestFiles.examples().resolve(example), ReadLimits.DEFAULT);
    ModelProfile named =
        new ModelProfile(
            path,
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

  /** A scratch in memory that records whether it was closed. */
  static final class MemoryScratch implements ScanHtmlRenderer.Scratch {
    final StringWriter text = new StringWriter();
    boolean closed;

    @Override
    public Writer writer() {
      return text;
    }

    @Override
    public Reader reader() {
      return new StringReader(text.toString());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static Document render() throws IOException {
    return render(new MemoryScratch());
  }

  private static Document render(MemoryScratch scratch) throws IOException {
    Report gpt2 = report("gpt2", HOSTILE_NAME);
    Report resnet = report("resnet-50", "examples/resnet-50");
    ScanRow broken = new ScanRow.Unreadable(HOSTILE_ERROR, "x.onnx", "x.onnx: " + HOSTILE_ERROR);
    StringWriter out = new StringWriter();
    ScanHtmlRenderer renderer = new ScanHtmlRenderer(out, scratch, EDITION, TARGETS, "test");
    ScanSummary.Tally tally = new ScanSummary.Tally(TARGETS.stream().map(Target::id).toList());
    renderer.begin();
    for (ScanRow row :
        List.<ScanRow>of(ScanRow.of(HOSTILE_NAME, gpt2), broken, ScanRow.of("resnet", resnet))) {
      Optional<Report> r =
          row instanceof ScanRow.Unreadable
              ? Optional.empty()
              : Optional.of(row.name().equals("resnet") ? resnet : gpt2);
      renderer.row(row, r);
      tally.add(row);
    }
    renderer.end(tally.summary());
    return Jsoup.parse(out.toString());
  }

  @Test
  void eachRowLinksToItsModelsFullReport() throws IOException {
    Document page = render();

    List<Element> rows = page.select("table.scan > tbody > tr");
    assertThat(rows).hasSize(3);
    for (Element link : page.select("table.scan a[href^=#]")) {
      String id = link.attr("href").substring(1);
      assertThat(page.getElementById(id)).as(id).isNotNull();
      assertThat(page.getElementById(id).tagName()).isEqualTo("article");
    }
    assertThat(page.select("table.scan a[href^=#]")).hasSize(2);
    assertThat(page.select("article.model")).hasSize(2);
    assertThat(rows.get(1).text()).contains("not read").contains(HOSTILE_ERROR);
    assertThat(page.text()).contains("3 models: 2 read, 1 could not be read");
  }

  @Test
  void everythingFromAModelOrAPathIsEscaped() throws IOException {
    Document page = render();

    assertThat(page.select("script, img")).isEmpty();
    assertThat(page.getAllElements())
        .allSatisfy(
            e ->
                assertThat(e.attributes().asList())
                    .noneMatch(a -> a.getKey().toLowerCase().startsWith("on")));
    assertThat(page.select("table.scan a").first().text()).isEqualTo(HOSTILE_NAME);
  }

  @Test
  void theScratchIsClosedAtTheEnd() throws IOException {
    MemoryScratch scratch = new MemoryScratch();
    render(scratch);
    assertThat(scratch.closed).isTrue();
    assertThat(scratch.text.toString()).contains("<article class=\"model\" id=\"model-1\"");
  }
}
