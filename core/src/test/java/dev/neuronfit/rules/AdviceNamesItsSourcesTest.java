package dev.neuronfit.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Advice that sends the user to a tool, tutorial or application note says which one: a version, a
 * page of the Neuron documentation, or the neuronfit command to run. Checked on the findings of
 * every example and ONNX fixture.
 */
class AdviceNamesItsSourcesTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  /** Words that send the user to something outside neuronfit. */
  private static final Pattern TOOL =
      Pattern.compile(
          "tutorial|application note|analy[sz]e|torch\\.load|weights_only|separate_weights"
              + "|extract-weights|torch\\.onnx|neuronfit (check|scan|matrix)");

  /** A version (2.6.5.0, 1.13), a documentation page, or a neuronfit command in backticks. */
  private static final Pattern NAMED =
      Pattern.compile(
          "\\d+\\.\\d+|[\\w/-]+\\.(rst|ipynb|html|py)\\b|`neuronfit [a-z]+[^`]*`|Neuron \\d");

  @Test
  void everySentenceOfAdviceThatNamesAToolNamesItsVersionOrPage() throws IOException {
    List<Finding> findings = new ArrayList<>();
    for (Path root : List.of(TestFiles.examples(), TestFiles.onnxFixture("."))) {
      for (ModelLocator.Located m : INSPECTOR.locate(root)) {
        Report r = INSPECTOR.inspect(m, KB.defaultEdition(), Selection.ALL);
        findings.addAll(r.findings());
      }
    }
    Set<String> fired = new TreeSet<>();
    for (Finding f : findings) {
      for (String sentence : f.advice().split("(?<=[a-z)0-9])\\. (?=[A-Z])")) {
        if (TOOL.matcher(sentence).find()) {
          fired.add(f.rule());
          assertThat(NAMED.matcher(sentence).find())
              .as("%s advice names a tool without its version or page: %s", f.rule(), sentence)
              .isTrue();
        }
      }
    }
    // the rules whose advice sends the user elsewhere were all seen
    assertThat(fired)
        .contains(
            "cpu-fallback-on-inf1",
            "family-unknown",
            "pickle-runs-code",
            "rcnn-roi-align-cpu",
            "seq2seq-wrapping-on-inf1",
            "weights-over-2gb");
  }
}
