package dev.neuronfit.io.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.scan.Scanner;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A scan of ids against the loopback Hub: several at a time, a failing id is its own row. */
@Timeout(60)
class HubScanTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  @TempDir Path tmp;
  private LoopbackHub hub;

  @BeforeEach
  void start() throws IOException {
    hub = new LoopbackHub();
    Path examples = TestFiles.repoRoot().resolve("examples");
    hub.serveFolder("openai-community/gpt2", HubModelsTest.COMMIT, examples.resolve("gpt2"));
    hub.serveFolder(
        "TinyLlama/tiny", HubModelsTest.COMMIT, examples.resolve("tiny-llama-2-sharded"));
    hub.serve("meta-llama/gated", HubModelsTest.COMMIT, Map.of("config.json", new byte[2]), true);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private ModelArguments arguments() {
    HubSettings s =
        new HubSettings(
            hub.endpoint(),
            Optional.empty(),
            "HF_TOKEN",
            false,
            tmp.resolve("cache"),
            tmp.resolve("hf"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(12),
            1,
            Duration.ofMillis(20),
            4,
            Map.of(),
            Duration.ofHours(1));
    return new ModelArguments(ReadLimits.DEFAULT, () -> s);
  }

  private record Seen(List<String> rows, List<String> finished) {}

  private Seen scan(List<String> ids, Set<String> done) throws InterruptedException {
    Scanner scanner =
        new Scanner(
            new ModelLocator(ReadLimits.DEFAULT),
            m -> INSPECTOR.inspect(m, KB.defaultEdition(), Selection.ALL),
            3);
    List<String> rows = Collections.synchronizedList(new ArrayList<>());
    List<String> finished = new ArrayList<>();
    ModelArguments args = arguments();
    scanner.scan(
        ids.stream().<Scanner.Input>map(Scanner.Input.Named::new).toList(),
        args::locateId,
        done::contains,
        new Scanner.Listener() {
          @Override
          public void pathFailed(Path path, IOException problem) {
            rows.add("path failed " + path);
          }

          @Override
          public void outcome(Scanner.Outcome o) {
            if (o instanceof Scanner.Outcome.Checked c) {
              rows.add(c.row().name() + " " + c.row().parameters().orElse(-1));
            } else if (o instanceof Scanner.Outcome.Failed f) {
              rows.add(f.row().name() + " ! " + f.row().error());
            }
          }

          @Override
          public void finished(String key) {
            finished.add(key);
          }
        });
    return new Seen(List.copyOf(rows), List.copyOf(finished));
  }

  @Test
  void idsAreCheckedInTheirOrderAndAFailingIdIsARowWithItsError() throws Exception {
    Seen s =
        scan(
            List.of(
                "openai-community/gpt2", "meta-llama/gated", "nobody/missing", "TinyLlama/tiny"),
            Set.of());

    assertThat(s.finished())
        .containsExactly(
            "openai-community/gpt2", "meta-llama/gated", "nobody/missing", "TinyLlama/tiny");
    assertThat(s.rows()).hasSize(4);
    assertThat(s.rows().get(0)).startsWith("openai-community/gpt2@0123456 ");
    assertThat(s.rows().get(1)).startsWith("meta-llama/gated ! ").contains("gated model");
    assertThat(s.rows().get(2)).startsWith("nobody/missing ! ").contains("no such model");
    // exact, from the safetensors headers the loopback Hub served
    assertThat(s.rows().get(3)).isEqualTo("TinyLlama/tiny@0123456 " + tinyParameters());
  }

  @Test
  void idsAlreadyDoneAreNeitherRequestedNorHandedOver() throws Exception {
    Seen s = scan(List.of("openai-community/gpt2", "TinyLlama/tiny"), Set.of("TinyLlama/tiny"));

    assertThat(s.finished()).containsExactly("openai-community/gpt2");
    assertThat(hub.log()).noneMatch(l -> l.contains("TinyLlama"));
  }

  private static long tinyParameters() throws IOException {
    Path local = TestFiles.repoRoot().resolve("examples/tiny-llama-2-sharded");
    var m = new ModelLocator(ReadLimits.DEFAULT).locate(local).get(0);
    return INSPECTOR
        .inspect(m, KB.defaultEdition(), Selection.ALL)
        .model()
        .weights()
        .parameters()
        .orElseThrow();
  }
}
