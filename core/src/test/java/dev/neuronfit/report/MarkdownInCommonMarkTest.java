package dev.neuronfit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import dev.neuronfit.verdict.TargetVerdict;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Markdown reports rendered by commonmark-java with GitHub's table and strikethrough
 * extensions: what a model file brings in renders as plain text, and the code spans the report
 * writes on purpose render as code.
 */
class MarkdownInCommonMarkTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  private static final List<Extension> GFM =
      List.of(TablesExtension.create(), StrikethroughExtension.create());
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

  /** The elements our Markdown may produce; anything else came from a model file. */
  private static final Set<String> OURS =
      Set.of(
          "body",
          "h1",
          "h2",
          "h3",
          "p",
          "strong",
          "em",
          "code",
          "a",
          "ul",
          "li",
          "blockquote",
          "table",
          "thead",
          "tbody",
          "tr",
          "th",
          "td",
          "br");

  static Stream<Path> examples() throws IOException {
    return INSPECTOR.locate(TestFiles.examples()).stream().map(ModelLocator.Located::path);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleRendersOnlyItsOwnMarkupAndKeepsItsCodeSpans(Path example) throws IOException {
    Report r = inspect(example);
    Document html = render(r);

    assertThat(tags(html)).isSubsetOf(OURS);
    // the only links are the guideline citations
    for (Element a : html.select("a")) {
      assertThat(a.attr("href")).isEqualTo(r.edition().source().url());
    }
    Set<String> code = new HashSet<>(html.select("code").eachText());
    assertThat(code).containsAll(intendedCodeSpans(r));
    r.findings().forEach(f -> assertThat(code).contains(f.rule()));
    // no escape shows through: a backtick or backslash outside code is a broken escape
    html.select("code").remove();
    assertThat(html.body().text()).doesNotContain("`").doesNotContain("\\");
  }

  @Test
  void markupInAModelsNamesRendersAsText(@TempDir Path dir) throws IOException {
    String hostile = "<img src=x onerror=alert(1)> [click](https://e.vil) *b* _i_ ~~s~~ `c` | # x";
    Path model = Files.createDirectory(dir.resolve("model"));
    Files.writeString(
        model.resolve("config.json"),
        "{\"architectures\": [\"" + hostile.replace("\"", "\\\"") + "\"], \"model_type\": \"x\"}");
    ModelProfile p = new HfReader().read(model, ReadLimits.DEFAULT);
    Report r =
        INSPECTOR.report(
            new ModelProfile(
                "models/" + hostile,
                p.format(),
                p.framework(),
                p.weights(),
                p.tensors(),
                p.hf(),
                p.graph(),
                p.hazards(),
                p.notes()),
            KB.defaultEdition(),
            Selection.ALL);
    assertThat(r.findings()).extracting(Finding::rule).contains("family-unknown");

    Document html = render(r);

    assertThat(tags(html)).isSubsetOf(OURS).doesNotContain("img", "del");
    assertThat(html.select("a")).extracting(a -> a.attr("href")).doesNotContain("https://e.vil");
    assertThat(html.select("h2").first().text()).isEqualTo("models/" + hostile);
    assertThat(html.select("em").eachText()).noneMatch(t -> t.equals("i"));
    assertThat(html.select("strong").eachText()).noneMatch(t -> t.equals("b"));
    // our own code span in the same finding still renders as code
    assertThat(html.select("code").eachText()).contains("neuronfit matrix", "family-unknown");
  }

  @Test
  void proseKeepsPairedBackticksAsCodeAndEscapesTheRest() {
    assertThat(MarkdownRenderer.prose("run `neuronfit matrix` on *x*"))
        .isEqualTo("run `neuronfit matrix` on \\*x\\*");
    assertThat(MarkdownRenderer.prose("a ` alone")).isEqualTo("a \\` alone");
    assertThat(MarkdownRenderer.prose("``")).isEqualTo("\\`\\`");
  }

  private static Report inspect(Path example) throws IOException {
    ModelLocator.Located m =
        INSPECTOR.locate(example).stream().filter(l -> l.path().equals(example)).findFirst().get();
    return INSPECTOR.inspect(m, KB.defaultEdition(), Selection.ALL);
  }

  private static Document render(Report r) {
    StringWriter md = new StringWriter();
    new MarkdownRenderer().reports(List.of(r), md);
    String html =
        org.commonmark.renderer.html.HtmlRenderer.builder()
            .extensions(GFM)
            .build()
            .render(Parser.builder().extensions(GFM).build().parse(md.toString()));
    return Jsoup.parseBodyFragment(html);
  }

  private static Set<String> tags(Document html) {
    Set<String> tags = new HashSet<>();
    html.body().getAllElements().forEach(e -> tags.add(e.tagName()));
    return tags;
  }

  /** What our own sentences put between backticks: each must render as a code span. */
  private static List<String> intendedCodeSpans(Report r) {
    List<String> texts = new ArrayList<>();
    for (Finding f : r.findings()) {
      texts.addAll(List.of(f.message(), f.observed(), f.advice(), f.source()));
    }
    for (TargetVerdict v : r.targets()) {
      v.guidance().forEach(g -> texts.add(g.text()));
    }
    texts.addAll(r.model().notes());
    List<String> spans = new ArrayList<>();
    for (String t : texts) {
      Matcher m = CODE_SPAN.matcher(t);
      while (m.find()) {
        spans.add(m.group(1));
      }
    }
    return spans;
  }
}
