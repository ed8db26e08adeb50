package dev.neuronfit.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.text.Controls;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans for every example model on every target: golden Markdown for each plan, golden reasons
 * where there is none, Python scripts that compile and shell scripts that parse.
 */
class PlanTest {
  static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);
  static final List<String> TARGETS = List.of("inf1", "inf2", "trn1", "trn2", "trn3");
  private static Map<String, PlanOutcome> all;

  /** Every example model (folders and files) by its name under examples/. */
  static List<Path> examples() throws IOException {
    Path root = TestFiles.examples();
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.sorted().toList()) {
        String n = p.getFileName().toString();
        if (n.equals("tools") || !Files.isDirectory(p)) {
          continue;
        }
        if (n.equals("onnx") || n.equals("keras") || n.equals("pytorch")) {
          try (Stream<Path> f = Files.list(p)) {
            f.sorted().forEach(out::add);
          }
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Each example's outcome per target, keyed {@code name@target}, paths relative to the repo. */
  static synchronized Map<String, PlanOutcome> outcomes() throws IOException {
    if (all == null) {
      Map<String, PlanOutcome> m = new LinkedHashMap<>();
      for (Path p : examples()) {
        List<ModelLocator.Located> located = INSPECTOR.locate(p);
        assertThat(located).as(p.toString()).hasSize(1);
        for (String t : TARGETS) {
          m.put(
              name(p) + "@" + t,
              INSPECTOR.plan(
                  located.get(0),
                  KB.defaultEdition(),
                  new Selection(List.of(t), Optional.empty()),
                  WorkloadOptions.DEFAULT,
                  KB.hardware(),
                  t));
        }
      }
      all = m;
    }
    return all;
  }

  static String name(Path p) {
    return TestFiles.examples().relativize(p).toString().replace('\\', '/');
  }

  /** Output with the checkout's absolute path taken out, so goldens do not depend on it. */
  static String relative(String s) {
    return s.replace(TestFiles.repoRoot().toAbsolutePath() + "/", "");
  }

  @Test
  void everyExampleOnEveryTargetMatchesItsGoldenPlanOrReason() throws IOException {
    StringBuilder none = new StringBuilder();
    int plans = 0;
    for (Map.Entry<String, PlanOutcome> e : outcomes().entrySet()) {
      String key = e.getKey();
      if (e.getValue().plan().isPresent()) {
        plans++;
        String file = "plan/" + key.replace('/', '_').replace('@', '-') + ".md";
        Golden.assertMatches(
            file, relative(PlanMarkdownRenderer.render(e.getValue().plan().get())));
      } else {
        none.append(key).append(": ").append(relative(e.getValue().reason())).append('\n');
      }
    }
    Golden.assertMatches("plan/no-plan.txt", none.toString());
    assertThat(plans).as("plans built").isGreaterThan(100);
  }

  @Test
  void aModelNamedWithControlsAndBidiOverridesPrintsThemEscapedInEveryPlanFormat(@TempDir Path dir)
      throws IOException {
    // a right-to-left override in a comment of a script makes it read otherwise than it runs
    // (CVE-2021-42574); before the plans shared the report's escaper it was written raw
    Path model = dir.resolve("gpt2\u202etxt.exe\u001b[2J\u2066x");
    Path source = TestFiles.examples().resolve("gpt2");
    Files.createDirectories(model);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.toList()) {
        Files.copy(f, model.resolve(f.getFileName().toString()));
      }
    }
    for (String t : List.of("inf2", "trn2")) {
      Plan p =
          INSPECTOR
              .plan(
                  INSPECTOR.locate(model).get(0),
                  KB.defaultEdition(),
                  new Selection(List.of(t), Optional.empty()),
                  WorkloadOptions.DEFAULT,
                  KB.hardware(),
                  t)
              .plan()
              .orElseThrow();
      for (String out :
          List.of(
              PlanMarkdownRenderer.render(p),
              PlanShellRenderer.render(p),
              PlanPythonRenderer.render(p))) {
        assertThat(out.chars().filter(c -> c != '\n' && Controls.isControl((char) c)).toArray())
            .as(t)
            .isEmpty();
        assertThat(out).contains("gpt2\\u202etxt.exe\\x1b[2J\\u2066x");
      }
    }
  }

  @Test
  void theDecoderOnTrn2IsAVllmServeLineSizedFromTheEstimates() throws IOException {
    Plan p = outcomes().get("llama-3.1-8b@trn2").plan().orElseThrow();
    assertThat(p.stack()).isEqualTo("vllm-neuron");
    assertThat(p.commands()).hasSize(1);
    List<String> argv = p.commands().get(0).argv();
    assertThat(argv.subList(0, 2)).containsExactly("vllm", "serve");
    assertThat(argv).containsSequence("--max-model-len", "4096");
    assertThat(p.buckets())
        .extracting(Plan.Bucket::tokens)
        .containsExactly(128, 256, 512, 1024, 2048, 4096);
    assertThat(p.commands().get(0).environment()).containsEntry("NEURON_LOGICAL_NC_CONFIG", "2");
  }

  @Test
  void inf1DecodersAreCompiledForAtMost128Tokens() throws IOException {
    Plan p = outcomes().get("gpt2@inf1").plan().orElseThrow();
    assertThat(p.python().orElseThrow()).contains("torch.zeros((1, 128), dtype=torch.int64)");
    assertThat(p.python().orElseThrow()).doesNotContain("1024)");
  }

  @Test
  void anRcnnOnInf1CompilesTheBackboneAndKeepsRoiAlignOnTheCpu() throws IOException {
    Plan p = outcomes().get("tiny-faster-rcnn@inf1").plan().orElseThrow();
    assertThat(p.python().orElseThrow()).contains("torch.neuron.trace(model.backbone");
    assertThat(p.notes()).anyMatch(n -> n.contains("RoI Align"));
  }

  @Test
  void anEncoderDecoderOnInf1IsTwoWrappedModules() throws IOException {
    String py = outcomes().get("t5-small@inf1").plan().orElseThrow().python().orElseThrow();
    assertThat(py).contains("class Encoder(").contains("class Decoder(");
    assertThat(py).contains("-encoder-neuron.pt").contains("-decoder-neuron.pt");
  }

  @Test
  void everyPythonPlanCompilesAndEveryShellPlanParses(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("python3"), "python3 is not on this machine");
    assumeTrue(onPath("bash"), "bash is not on this machine");
    List<String> py = new ArrayList<>(List.of("python3", "-m", "py_compile"));
    int i = 0;
    for (Map.Entry<String, PlanOutcome> e : outcomes().entrySet()) {
      if (e.getValue().plan().isEmpty()) {
        continue;
      }
      Plan p = e.getValue().plan().get();
      Path pyFile = dir.resolve("plan" + i + ".py");
      Path shFile = dir.resolve("plan" + i + ".sh");
      i++;
      Files.writeString(pyFile, PlanPythonRenderer.render(p), StandardCharsets.UTF_8);
      Files.writeString(shFile, PlanShellRenderer.render(p), StandardCharsets.UTF_8);
      py.add(pyFile.toString());
      assertThat(run(List.of("bash", "-n", shFile.toString())))
          .as("bash -n of the plan for " + e.getKey())
          .isEmpty();
    }
    assertThat(run(py)).as("python3 -m py_compile of every plan").isEmpty();
  }

  @Test
  void aPythonPlanThatDoesNotCompileIsCaught(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("python3"), "python3 is not on this machine");
    Path bad = dir.resolve("bad.py");
    Files.writeString(bad, "x = (\n");
    assertThat(run(List.of("python3", "-m", "py_compile", bad.toString()))).isNotEmpty();
  }

  static boolean onPath(String program) {
    try {
      Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs a program; its output when it fails, else "". */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 ? "" : out + " (exit " + p.exitValue() + ")";
  }

  /** Golden files for plans, rewritten only with -Dneuronfit.golden.update=true. */
  static final class Golden {
    private Golden() {}

    static void assertMatches(String name, String actual) throws IOException {
      Path file = TestFiles.repoRoot().resolve("core/src/test/resources/golden").resolve(name);
      if (Boolean.getBoolean("neuronfit.golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      assertThat(file)
          .as("golden file " + name + " (create it with -Dneuronfit.golden.update=true)")
          .exists();
      assertThat(actual)
          .as("output differs from golden file " + name)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
  }
}
