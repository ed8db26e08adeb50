package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxBytes.attrGraph;
import static dev.neuronfit.io.onnx.OnnxBytes.graph;
import static dev.neuronfit.io.onnx.OnnxBytes.model;
import static dev.neuronfit.io.onnx.OnnxBytes.node;
import static dev.neuronfit.io.onnx.OnnxBytes.nodePart;
import static dev.neuronfit.io.onnx.OnnxBytes.pb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxBytes.Pb;
import dev.neuronfit.testing.MalformedCases;
import dev.neuronfit.testing.MalformedCases.Mode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
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
  private static final MalformedCases CORPUS = MalformedCases.named("onnx");

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

  private static Path fixtures() {
    return resources("/onnx/README.md");
  }

  static Stream<Arguments> cases() throws IOException {
    return CORPUS.everyCaseInEveryMode();
  }

  @ParameterizedTest(name = "{0} ({3})")
  @MethodSource("cases")
  void isRefusedWithAFormatErrorNamingTheFile(
      String name, String culprit, String problem, Mode mode) throws IOException {
    Path file =
        MalformedOnnxCorpus.modelIn(CORPUS.caseFolder(name, MalformedOnnxCorpus.atTestTime(), tmp));

    Throwable thrown = readWithin(file, mode, ReadLimits.DEFAULT);

    MalformedCases.assertRefused(
        thrown, name + " (" + mode + ")", file, culprit, mode == Mode.READER ? problem : "");
  }

  /** What reading {@code file} throws (null when it reads), failing the test on a hang. */
  static Throwable readWithin(Path file, Mode mode, ReadLimits limits) {
    return MalformedCases.thrownWithin(file, mode, new OnnxReader(), limits);
  }

  @Test
  void everyCaseIsDocumentedAndEveryDocumentedCaseExists() throws IOException {
    CORPUS.assertEveryCaseDocumented(MalformedOnnxCorpus.atTestTime().keySet());
  }

  @Test
  void committedCasesAreWhatTheGeneratorWrites() throws IOException {
    CORPUS.assertCommittedAsGenerated(
        MalformedOnnxCorpus.committed(fixtures()), tmp, "MalformedOnnxCorpus");
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
