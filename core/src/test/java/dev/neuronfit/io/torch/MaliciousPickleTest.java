package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.JsonRenderer;
import dev.neuronfit.report.Report;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.testing.JsonSchemas;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two malicious fixtures call {@code os.system}/{@code posix.system} with {@code touch
 * /tmp/neuronfit-pickle-pwned-3f9a1c7e}. Reading them must report the call and must not make the
 * file: had any code in the pickle run, it would exist.
 */
class MaliciousPickleTest {
  private static final Path MARKER = Path.of("/tmp/neuronfit-pickle-pwned-3f9a1c7e");
  private static final KnowledgeBase KB = KnowledgeBase.load();

  @BeforeEach
  void noMarkerYet() throws IOException {
    Files.deleteIfExists(MARKER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"malicious_state_dict.pt", "malicious_legacy.bin"})
  void reportsTheCallWithAnErrorAndNeverRunsIt(String name) throws IOException {
    Path file = TorchFixtures.file(name);
    // the payload is really in the file, so the test would notice if it ran
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
        .contains("system")
        .contains("touch " + MARKER);

    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    ModelLocator.Located located = inspector.locate(file).get(0);
    Report report = inspector.inspect(located, KB.defaultEdition(), Selection.ALL);
    StringWriter json = new StringWriter();
    new JsonRenderer().reports(java.util.List.of(report), json);
    JsonSchemas.report(json.toString());

    assertThat(MARKER).doesNotExist();
    assertThat(report.findings())
        .filteredOn(f -> f.rule().equals("pickle-runs-code"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.ERROR);
              assertThat(f.observed()).contains("system called with ('touch " + MARKER + "',)");
            });
    assertThat(report.findings().get(0)).extracting(Finding::severity).isEqualTo(Severity.ERROR);
    assertThat(json.toString()).contains("\"pickle-global\"").contains("\"pickle-runs-code\"");
  }
}
