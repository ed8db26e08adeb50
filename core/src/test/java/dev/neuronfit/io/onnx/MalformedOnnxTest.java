package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxBytes.attrGraph;
import static dev.neuronfit.io.onnx.OnnxBytes.graph;
import static dev.neuronfit.io.onnx.OnnxBytes.model;
import static dev.neuronfit.io.onnx.OnnxBytes.node;
import static dev.neuronfit.io.onnx.OnnxBytes.nodePart;
import static dev.neuronfit.io.onnx.OnnxBytes.pb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxBytes.Pb;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the malformed ONNX corpus ({@code src/test/resources/malformed/onnx/}, listed in its
 * README): every case must end in a one-line {@link ModelFormatException} naming the file, within a
 * time limit, never another exception, a hang or an out-of-memory.
 */
class MalformedOnnxTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9-]+)` \\| `([^`]+)` \\| `([^`]+)` \\| .+ \\|$");

  /** How a case is read: by OnnxReader itself, or through ModelLocator as the CLI does. */
  enum Mode {
    READER,
    LOCATOR
  }

  record Row(String culprit, String problem) {}

  @TempDir Path tmp;

  static Path resources(String readme) {
    URL url = MalformedOnnxTest.class.getResource(readme);
    Objects.requireNonNull(url, readme + " is not on the test class path");
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path corpus() {
    return resources("/malformed/onnx/README.md");
  }

  private static Path fixtures() {
    return resources("/onnx/README.md");
  }

  /** Case name to its row, in README order. */
  private static Map<String, Row> documented() throws IOException {
    Map<String, Row> cases = new LinkedHashMap<>();
    for (String line : Files.readAllLines(corpus().resolve("README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches() && cases.put(m.group(1), new Row(m.group(2), m.group(3))) != null) {
        throw new IllegalStateException("case listed twice in README.md: " + m.group(1));
      }
    }
    return cases;
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (Map.Entry<String, Row> c : documented().entrySet()) {
      for (Mode mode : Mode.values()) {
        out.add(Arguments.of(c.getKey(), c.getValue().culprit(), c.getValue().problem(), mode));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(
      String name, String culprit, String problem, Mode mode) throws IOException {
    Path file = MalformedOnnxCorpus.modelIn(caseFolder(name));

    Throwable thrown = readWithin(file, mode, ReadLimits.DEFAULT);

    assertThat(thrown)
        .as("%s (%s) should be refused", name, mode)
        .isExactlyInstanceOf(ModelFormatException.class);
    assertThat(thrown.getMessage())
        .contains(culprit)
        .contains(file.toString())
        .doesNotContain("\n", "\r");
    if (mode == Mode.READER) {
      assertThat(thrown.getMessage()).contains(problem);
    }
  }

  /** What reading {@code file} throws (null when it reads), failing the test on a hang. */
  static Throwable readWithin(Path file, Mode mode, ReadLimits limits) {
    return assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try {
            if (mode == Mode.READER) {
              new OnnxReader().read(file, limits);
            } else {
              for (ModelLocator.Located l : new ModelLocator(limits).locate(file)) {
                l.reader().read(l.path(), limits);
              }
            }
          } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return e;
          }
          return null;
        },
        () -> file + " took longer than " + LIMIT);
  }

  private Path caseFolder(String name) throws IOException {
    MalformedOnnxCorpus.Case builder = MalformedOnnxCorpus.atTestTime().get(name);
    if (builder == null) {
      return corpus().resolve(name);
    }
    Path dir = Files.createDirectories(tmp.resolve(name));
    builder.write(dir);
    return dir;
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    Set<String> folders = new TreeSet<>();
    try (Stream<Path> entries = Files.list(corpus())) {
      entries.filter(Files::isDirectory).forEach(p -> folders.add(p.getFileName().toString()));
    }
    Set<String> built = MalformedOnnxCorpus.atTestTime().keySet();
    Set<String> documented = documented().keySet();

    assertThat(documented).containsAll(folders).containsAll(built);
    assertThat(documented)
        .allSatisfy(
            c ->
                assertThat(folders.contains(c) || built.contains(c))
                    .as("case %s has a folder or a builder", c)
                    .isTrue());
    assertThat(folders).doesNotContainAnyElementsOf(built);
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    Map<String, MalformedOnnxCorpus.Case> committed = MalformedOnnxCorpus.committed(fixtures());
    assertThat(committed).isNotEmpty();
    for (Map.Entry<String, MalformedOnnxCorpus.Case> c : committed.entrySet()) {
      Path fresh = Files.createDirectories(tmp.resolve(c.getKey()));
      c.getValue().write(fresh);
      try (Stream<Path> files = Files.list(fresh)) {
        for (Path f : files.toList()) {
          assertThat(corpus().resolve(c.getKey()).resolve(f.getFileName().toString()))
              .as("case %s, regenerate with MalformedOnnxCorpus", c.getKey())
              .hasSameBinaryContentAs(f);
        }
      }
    }
  }

  @Test
  void refusesMoreMainGraphNodesThanASmallLimit() throws IOException {
    Path ok = write("ten.onnx", model(graph(relus(10))));
    Path over = write("eleven.onnx", model(graph(relus(11))));

    assertThat(new OnnxReader().read(ok, nodes(10)).graph().orElseThrow().nodes()).hasSize(10);
    assertThatThrownBy(() -> new OnnxReader().read(over, nodes(10)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining(over.toString())
        .hasMessageContaining("more than 10 nodes");
  }

  @Test
  void countsSubgraphAndFunctionNodesAgainstTheLimit() throws IOException {
    Pb ifNode =
        node(
            "if",
            "If",
            List.of("c"),
            List.of("d"),
            attrGraph("then_branch", graph(relus(5))),
            attrGraph("else_branch", graph(relus(5))));
    Path subgraphs = write("if.onnx", model(graph(nodePart(ifNode))));
    Pb function = pb().str(1, "F");
    for (int i = 0; i < 11; i++) {
      function.msg(7, node("f" + i, "Relu", List.of("x"), List.of("y")));
    }
    Path functions =
        write(
            "function.onnx",
            pb().varint(1, 8).msg(7, graph()).msg(25, function.str(10, "local")).toBytes());

    assertThat(readWithin(subgraphs, Mode.READER, nodes(10)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 10 nodes");
    assertThat(readWithin(functions, Mode.READER, nodes(10)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 10 nodes");
  }

  @Test
  void boundsTheNamesAndValuesKeptPerAllowedNode() throws IOException {
    // 10 nodes allowed, so 160 inputs, outputs and attribute values: one node with 200 empty
    // inputs is over, though each input costs only two bytes of the file
    Path file =
        write(
            "inputs.onnx",
            model(
                graph(nodePart(node("n", "Concat", Collections.nCopies(200, ""), List.of("y"))))));

    assertThat(readWithin(file, Mode.READER, nodes(10)))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("more than 160 node inputs, outputs and attribute values");
  }

  private static Pb relus(int n) {
    Pb nodes = pb();
    for (int i = 0; i < n; i++) {
      nodes.msg(1, node("r" + i, "Relu", List.of("x"), List.of("x")));
    }
    return nodes;
  }

  /** The default limits with a different node limit. */
  static ReadLimits nodes(int maxGraphNodes) {
    ReadLimits d = ReadLimits.DEFAULT;
    return new ReadLimits(
        d.maxJsonFileBytes(),
        d.maxSafetensorsHeaderBytes(),
        d.maxTensors(),
        d.maxWeightFiles(),
        d.maxJsonDepth(),
        d.maxJsonStringChars(),
        d.maxSearchDepth(),
        d.maxModelsFound(),
        d.maxNotes(),
        maxGraphNodes,
        d.maxGraphDepth(),
        d.maxConstantElements(),
        d.maxZipEntries(),
        d.maxZipEntryBytes(),
        d.maxCompressionRatio());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }
}
