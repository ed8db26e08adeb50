package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.report.Report;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@link PickleSafetyCorpus}, read as the CLI reads it: the {@code pickle-runs-code}
 * finding has the worst severity the case calls for and names the global, or is absent for a file
 * that torch.load(weights_only=True) accepts. No payload runs.
 */
class PickleSafetyTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();

  @TempDir Path tmp;

  static Stream<PickleSafetyCorpus.Case> cases() {
    return PickleSafetyCorpus.cases().values().stream();
  }

  @BeforeEach
  void noMarkerYet() throws IOException {
    Files.deleteIfExists(PickleSafetyCorpus.MARKER);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsTheWorstGlobalOfEveryPickleTorchLoadWouldRead(PickleSafetyCorpus.Case c)
      throws IOException {
    Path model = c.writer().write(tmp);

    Inspector inspector = new Inspector(KB, ReadLimits.DEFAULT);
    ModelLocator.Located located = inspector.locate(model).get(0);
    Report report = inspector.inspect(located, KB.defaultEdition(), Selection.ALL);
    List<Finding> pickle =
        report.findings().stream().filter(f -> f.rule().equals("pickle-runs-code")).toList();

    assertThat(PickleSafetyCorpus.MARKER).doesNotExist();
    if (c.worst().isEmpty()) {
      assertThat(pickle).isEmpty();
      return;
    }
    assertThat(pickle).isNotEmpty();
    Finding worst = pickle.get(0);
    assertThat(worst.severity()).isEqualTo(c.worst().get());
    assertThat(worst.observed()).contains(c.named());
  }
}
