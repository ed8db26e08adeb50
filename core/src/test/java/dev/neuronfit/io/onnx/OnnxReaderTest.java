package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxBytes.FLOAT;
import static dev.neuronfit.io.onnx.OnnxBytes.INT64;
import static dev.neuronfit.io.onnx.OnnxBytes.attrInts;
import static dev.neuronfit.io.onnx.OnnxBytes.attrTensor;
import static dev.neuronfit.io.onnx.OnnxBytes.floatTensor;
import static dev.neuronfit.io.onnx.OnnxBytes.graph;
import static dev.neuronfit.io.onnx.OnnxBytes.initializer;
import static dev.neuronfit.io.onnx.OnnxBytes.input;
import static dev.neuronfit.io.onnx.OnnxBytes.model;
import static dev.neuronfit.io.onnx.OnnxBytes.nestedIfs;
import static dev.neuronfit.io.onnx.OnnxBytes.node;
import static dev.neuronfit.io.onnx.OnnxBytes.nodePart;
import static dev.neuronfit.io.onnx.OnnxBytes.output;
import static dev.neuronfit.io.onnx.OnnxBytes.pb;
import static dev.neuronfit.io.onnx.OnnxBytes.tensor;
import static dev.neuronfit.io.onnx.OnnxBytes.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ContentSniffer;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxBytes.Pb;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.ConstantValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the fixtures of {@code src/test/resources/onnx/} and compares with what the onnx library
 * reports for the same files, plus small models built in Java for what the fixtures lack.
 */
class OnnxReaderTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    return MalformedOnnxTest.resources("/onnx/README.md").resolve(name);
  }

  static ModelProfile read(Path file) throws IOException {
    return new OnnxReader().read(file, ReadLimits.DEFAULT);
  }

  static Graph graphOf(ModelProfile p) {
    return p.graph().orElseThrow();
  }

  /**
   * One fixture as onnx 1.12 sees it. Every number was printed by {@code fixture_facts.py} (beside
   * this class; run it with /usr/bin/python3) and copied here: node counts walk If/Loop bodies;
   * parameters and bytes of initializers are sums of {@code prod(dims)} and {@code
   * numpy_helper.to_array(t).nbytes} (for external data, of the {@code length} entries); constants
   * are Constant nodes with a tensor {@code value}, which the reader counts as stored tensors too.
   */
  record Facts(
      String file,
      String producer,
      long opset,
      int nodes,
      int mainNodes,
      String topOps,
      String inputs,
      int initializers,
      long initParams,
      long initBytes,
      int constants,
      long constParams,
      long constBytes) {}

  /**
   * file | producer | opset | nodes | main-graph nodes | op counts | inputs | initializers | their
   * parameters | their bytes | Constant tensors | their parameters | their bytes.
   */
  private static final String FACTS =
      """
      bert_tiny.onnx | pytorch 1.13.0 | 14 | 159 | 159 \
        | Constant=35 Add=28 MatMul=12 ReduceMean=10 Mul=10 Div=9 Identity=8 Reshape=8 \
        | input_ids[1, 16] attention_mask[1, 16] | 23 | 52064 | 208256 | 35 | 91 | 648
      crnn_tiny.onnx | pytorch 1.13.0 | 14 | 65 | 65 \
        | Constant=23 Conv=4 Relu=4 MaxPool=4 Shape=4 Gather=4 Unsqueeze=4 Concat=4 \
        | image[1, 1, 32, 100] | 16 | 98965 | 395860 | 23 | 279 | 1208
      fasterrcnn_tiny.onnx | pytorch 1.13.0 | 11 | 803 | 760 \
        | Constant=235 Unsqueeze=75 Gather=73 Cast=44 Concat=44 Shape=44 Mul=35 Reshape=35 \
        | image[3, 128, 128] | 20 | 33468 | 133872 | 235 | 282 | 1908
      gpt_tiny.onnx | pytorch 1.13.0 | 14 | 152 | 152 \
        | Constant=33 Add=27 MatMul=13 ReduceMean=10 Div=9 Mul=9 Identity=8 Reshape=8 \
        | input_ids[1, 16] | 21 | 91264 | 365056 | 33 | 584 | 1780
      gru_classifier.onnx | pytorch 1.13.0 | 14 | 32 | 32 \
        | Constant=13 Gather=4 Transpose=2 Shape=2 Unsqueeze=2 Concat=2 Expand=2 GRU=2 \
        | input_ids[1, 20] | 9 | 58116 | 232464 | 13 | 107 | 472
      lstm_classifier.onnx | pytorch 1.13.0 | 14 | 52 | 52 \
        | Constant=23 Gather=6 Shape=4 Unsqueeze=4 Concat=4 Expand=4 Transpose=2 LSTM=2 \
        | input_ids[1, 20] | 9 | 66756 | 267024 | 23 | 211 | 920
      maskrcnn_tiny.onnx | pytorch 1.13.0 | 11 | 1069 | 894 \
        | Constant=304 Unsqueeze=107 Gather=105 Concat=68 Shape=58 Cast=56 Mul=43 Reshape=40 \
        | image[3, 128, 128] | 26 | 39167 | 156668 | 304 | 355 | 2469
      mobilenet_v2_tiny.onnx | pytorch 1.13.0 | 14 | 213 | 213 \
        | Constant=70 Conv=52 Identity=42 Clip=35 Add=11 GlobalAveragePool=1 Flatten=1 Gemm=1 \
        | input[1, 3, 64, 64] | 64 | 195050 | 780200 | 70 | 70 | 280
      resnet18_tiny.onnx | pytorch 1.13.0 | 14 | 65 | 65 \
        | Conv=20 Relu=17 Identity=16 Add=8 MaxPool=1 GlobalAveragePool=1 Flatten=1 Gemm=1 \
        | input[1, 3, 64, 64] | 26 | 176282 | 705128 | 0 | 0 | 0
      seq2seq_tiny.onnx | pytorch 1.13.0 | 14 | 470 | 470 \
        | Constant=109 Add=61 Identity=38 Transpose=37 Mul=32 Reshape=30 MatMul=29 Div=24 \
        | src_ids[1, 12] tgt_ids[1, 8] | 35 | 91924 | 367696 | 109 | 244 | 1560
      single_matmul.onnx | neuronfit generate.py | 14 | 1 | 1 | MatMul=1 \
        | x[1, 8] | 1 | 32 | 128 | 0 | 0 | 0
      unet_conditional_tiny.onnx | pytorch 1.13.0 | 14 | 245 | 245 \
        | Constant=56 Reshape=30 Mul=26 Add=24 Conv=17 Identity=16 Sigmoid=13 \
      InstanceNormalization=12 \
        | sample[1, 4, 16, 16] timestep[1] encoder_hidden_states[1, 8, 32] \
        | 61 | 108148 | 432592 | 56 | 178 | 988
      unet_no_timestep.onnx | pytorch 1.13.0 | 14 | 48 | 48 \
        | Conv=15 Relu=14 Identity=10 MaxPool=3 ConvTranspose=3 Concat=3 \
        | image[1, 3, 64, 64] | 26 | 120602 | 482408 | 0 | 0 | 0
      vit_tiny.onnx | pytorch 1.13.0 | 14 | 194 | 194 \
        | Constant=47 Add=25 Mul=16 Transpose=13 Identity=12 Reshape=11 Div=11 ReduceMean=10 \
        | pixel_values[1, 3, 32, 32] | 20 | 23786 | 95144 | 47 | 69 | 480
      external_data/bert_tiny.onnx | pytorch 1.13.0 | 14 | 159 | 159 \
        | Constant=35 Add=28 MatMul=12 ReduceMean=10 Mul=10 Div=9 Identity=8 Reshape=8 \
        | input_ids[1, 16] attention_mask[1, 16] | 23 | 52064 | 208256 | 35 | 91 | 648
      """;

  static Stream<Arguments> fixtures() {
    return FACTS
        .lines()
        .map(line -> line.split("\\s*\\|\\s*"))
        .map(
            f ->
                new Facts(
                    f[0],
                    f[1],
                    Long.parseLong(f[2]),
                    Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]),
                    f[5],
                    f[6],
                    Integer.parseInt(f[7]),
                    Long.parseLong(f[8]),
                    Long.parseLong(f[9]),
                    Integer.parseInt(f[10]),
                    Long.parseLong(f[11]),
                    Long.parseLong(f[12])))
        .map(f -> Arguments.of(f.file(), f));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void readsEachFixtureAsTheOnnxLibraryDoes(String name, Facts facts) throws IOException {
    ModelProfile p = read(fixture(name));
    Graph g = graphOf(p);

    assertThat(p.format()).isEqualTo(ModelFormat.ONNX);
    assertThat(g.opsets()).isEqualTo(Map.of("", facts.opset()));
    assertThat(g.producer()).isEqualTo(facts.producer());
    assertThat(p.framework())
        .isEqualTo(facts.producer().startsWith("pytorch") ? Framework.PYTORCH : Framework.UNKNOWN);
    assertThat(g.nodes()).hasSize(facts.nodes());
    assertThat(g.mainNodes()).hasSize(facts.mainNodes());
    Map<String, Long> histogram =
        g.nodes().stream().collect(Collectors.groupingBy(OpNode::opType, Collectors.counting()));
    for (String pair : facts.topOps().split(" ")) {
      String[] kv = pair.split("=");
      assertThat(histogram).as("%s count", kv[0]).containsEntry(kv[0], Long.parseLong(kv[1]));
    }
    assertThat(g.inputs().stream().map(v -> v.name() + v.shapeText()).toList())
        .containsExactly(facts.inputs().split(" (?=[a-z_]+\\[)"));
    assertThat(g.inputs()).allSatisfy(v -> assertThat(v.elementType()).isPresent());

    Set<String> constantOutputs =
        g.nodes().stream()
            .filter(n -> n.opType().equals("Constant"))
            .map(n -> n.outputs().get(0))
            .collect(Collectors.toSet());
    List<TensorInfo> inits =
        p.tensors().stream().filter(t -> !constantOutputs.contains(t.name())).toList();
    List<TensorInfo> consts =
        p.tensors().stream().filter(t -> constantOutputs.contains(t.name())).toList();
    assertThat(inits).hasSize(facts.initializers());
    assertThat(inits.stream().mapToLong(TensorInfo::elements).sum()).isEqualTo(facts.initParams());
    assertThat(inits.stream().mapToLong(TensorInfo::bytes).sum()).isEqualTo(facts.initBytes());
    assertThat(consts).hasSize(facts.constants());
    assertThat(consts.stream().mapToLong(TensorInfo::elements).sum())
        .isEqualTo(facts.constParams());
    assertThat(consts.stream().mapToLong(TensorInfo::bytes).sum()).isEqualTo(facts.constBytes());
    assertThat(p.weights().parameters()).hasValue(facts.initParams() + facts.constParams());
    assertThat(p.weights().bytes()).hasValue(facts.initBytes() + facts.constBytes());
    assertThat(p.weights().estimated()).isFalse();
    assertThat(p.notes()).isEmpty();
  }

  @Test
  void fasterRcnnHasNonMaxSuppressionOnlyInsideTheElseBranchOfAnIf() throws IOException {
    Graph g = graphOf(read(fixture("fasterrcnn_tiny.onnx")));

    List<OpNode> nms =
        g.nodes().stream().filter(n -> n.opType().equals("NonMaxSuppression")).toList();
    assertThat(nms).hasSize(2).noneMatch(OpNode::inMainGraph);
    assertThat(nms.stream().map(OpNode::scope))
        .containsExactlyInAnyOrder("If_503.else_branch", "If_752.else_branch");
    assertThat(g.mainNodes().stream().map(OpNode::opType)).doesNotContain("NonMaxSuppression");
    OpNode ifNode =
        g.mainNodes().stream().filter(n -> n.name().equals("If_503")).findFirst().orElseThrow();
    assertThat(ifNode.attribute("else_branch"))
        .contains(new AttributeValue.Subgraph("If_503.else_branch"));
    // an If inside the else_branch of If_752 has its own nested scope
    assertThat(g.nodes().stream().map(OpNode::scope))
        .anyMatch(s -> s.startsWith("If_752.else_branch/") && s.endsWith(".then_branch"));
  }

  @Test
  void maskRcnnLoopBodyIsReadWithItsScope() throws IOException {
    Graph g = graphOf(read(fixture("maskrcnn_tiny.onnx")));

    List<OpNode> body = g.nodes().stream().filter(n -> n.scope().equals("Loop_937.body")).toList();
    assertThat(body).hasSize(130); // onnx: len(loop.attribute[0].g.node)
    assertThat(body.stream().map(OpNode::opType)).contains("Resize", "Where");
  }

  @Test
  void keepsTheNumbersOfSmallConstantsSuchAsAReshapeShape() throws IOException {
    Graph g = graphOf(read(fixture("bert_tiny.onnx")));

    OpNode reshape =
        g.nodes().stream()
            .filter(n -> n.name().equals("/blocks.0/attn/Reshape"))
            .findFirst()
            .orElseThrow();
    assertThat(reshape.inputs().get(1)).isEqualTo("/blocks.0/attn/Constant_1_output_0");
    assertThat(g.constants().get("/blocks.0/attn/Constant_1_output_0"))
        .isEqualTo(new ConstantValue(List.of(4L), List.of(1.0, 16.0, 2.0, 16.0)));
    OpNode constant =
        g.nodes().stream()
            .filter(n -> n.outputs().equals(List.of("/blocks.0/attn/Constant_1_output_0")))
            .findFirst()
            .orElseThrow();
    assertThat(constant.opType()).isEqualTo("Constant");
    assertThat(constant.attribute("value")).get().isInstanceOf(AttributeValue.Tensor.class);
  }

  @Test
  void decodesSmallFloatDataInitializers() throws IOException {
    Graph g = graphOf(read(fixture("single_matmul.onnx")));

    // single_matmul.onnx stores its [8, 4] weight in float_data, not raw_data
    assertThat(g.constants().get("weight").dims()).containsExactly(8L, 4L);
    assertThat(g.constants().get("weight").values()).hasSize(32);
  }

  @Test
  void keepsAttributesDetectionUses() throws IOException {
    Graph g = graphOf(read(fixture("mobilenet_v2_tiny.onnx")));

    List<OpNode> depthwise =
        g.nodes().stream()
            .filter(
                n -> n.opType().equals("Conv") && n.attribute("group").orElseThrow().asLong() > 1)
            .toList();
    assertThat(depthwise).isNotEmpty();
    assertThat(depthwise.get(0).attribute("kernel_shape").orElseThrow().asLongs())
        .containsExactly(3L, 3L);
  }

  @Test
  void readsSymbolicAndUnknownDims() throws IOException {
    Pb unknown = pb().msg(1, pb()); // a Dimension with neither dim_value nor dim_param
    Pb x =
        pb().str(1, "x")
            .msg(
                2,
                pb().msg(
                        1,
                        pb().varint(1, FLOAT)
                            .msg(
                                2,
                                pb().msg(1, pb().str(2, "batch"))
                                    .msg(1, pb().varint(1, 3))
                                    .raw(unknown.toBytes()))));
    Path file =
        write(
            "dims.onnx",
            model(
                graph(
                    nodePart(node("r", "Relu", List.of("x"), List.of("y"))),
                    input(x),
                    output(valueInfo("y", FLOAT, "batch", 3L, "n")))));

    Graph g = graphOf(read(file));

    ValueInfo in = g.inputs().get(0);
    assertThat(in.elementType()).contains(DType.F32);
    assertThat(in.shape())
        .containsExactly(
            ValueInfo.Dim.symbolic("batch"), ValueInfo.Dim.of(3), ValueInfo.Dim.symbolic(""));
    assertThat(in.shapeText()).isEqualTo("[batch, 3, ?]");
    assertThat(g.outputs().get(0).shapeText()).isEqualTo("[batch, 3, n]");
  }

  @Test
  void namesNestedSubgraphScopesByNodeAndAttribute() throws IOException {
    Graph g = graphOf(read(write("ifs.onnx", model(nestedIfs(3)))));

    assertThat(g.nodes().stream().map(n -> n.name() + "@" + n.scope()))
        .containsExactlyInAnyOrder(
            "leaf@if1.then_branch/if2.then_branch/if3.then_branch",
            "if3@if1.then_branch/if2.then_branch",
            "if2@if1.then_branch",
            "if1@");
  }

  @Test
  void readsSubgraphsUpToTheDepthLimit() throws IOException {
    Graph g =
        graphOf(read(write("ifs.onnx", model(nestedIfs(ReadLimits.DEFAULT.maxGraphDepth())))));

    assertThat(g.nodes()).hasSize(ReadLimits.DEFAULT.maxGraphDepth() + 1);
  }

  @Test
  void dropsAttributeListsOverTheCapInsteadOfRefusingTheModel() throws IOException {
    long[] many = new long[5000];
    Arrays.fill(many, 7);
    Pb packed = pb().str(1, "value_ints").bytes(8, varints(many)).varint(20, 7);
    Path file =
        write(
            "ints.onnx",
            model(
                graph(
                    nodePart(node("c", "Constant", List.of(), List.of("a"), packed)),
                    nodePart(
                        node(
                            "d",
                            "Constant",
                            List.of(),
                            List.of("b"),
                            attrInts("value_ints", many))),
                    nodePart(
                        node(
                            "e",
                            "Constant",
                            List.of(),
                            List.of("c"),
                            attrInts("value_ints", 1, 2))))));

    Graph g = graphOf(read(file));

    assertThat(g.nodes().get(0).attributes()).isEmpty();
    assertThat(g.nodes().get(1).attributes()).isEmpty();
    assertThat(g.nodes().get(2).attribute("value_ints").orElseThrow().asLongs())
        .containsExactly(1L, 2L);
  }

  @Test
  void skipsLargeIntegerPayloadsWithoutCountingThem() throws IOException {
    long[] values = new long[50_000];
    Arrays.fill(values, 300); // two bytes each
    Pb t = tensor("idx", INT64, new long[] {50_000}, pb().bytes(7, varints(values)));
    Path file = write("int64.onnx", model(graph(initializer(t))));

    AtomicLong bytesRead = new AtomicLong();
    ModelProfile p = new OnnxReader().read(file, ReadLimits.DEFAULT, bytesRead::set);

    assertThat(p.tensors())
        .singleElement()
        .satisfies(x -> assertThat(x.elements()).isEqualTo(50_000));
    assertThat(graphOf(p).constants()).isEmpty();
    assertThat(bytesRead.get()).isLessThan(Files.size(file));
  }

  @Test
  void aConstantNodeTensorCountsUnderItsOutputName() throws IOException {
    Path file =
        write(
            "constant.onnx",
            model(
                graph(
                    nodePart(
                        node(
                            "k",
                            "Constant",
                            List.of(),
                            List.of("shape"),
                            attrTensor("value", floatTensor("", 2)))))));

    ModelProfile p = read(file);

    assertThat(p.tensors()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("shape"));
    assertThat(graphOf(p).constants().get("shape").values()).containsExactly(0.0, 0.0);
  }

  /**
   * A 300 MB float initializer written sparse: the reader seeks past its raw_data, so it reads the
   * graph around it and at most one small read-ahead (512 bytes) of the payload.
   */
  @Test
  void seeksPastAHugeInlinePayloadInsteadOfReadingIt() throws IOException {
    long elements = 75_000_000;
    long payload = 4 * elements;
    byte[] tensorHead =
        pb().varint(1, elements)
            .varint(2, FLOAT)
            .str(8, "big")
            .tag(9, 2)
            .raw(OnnxBytes.varint(payload))
            .toBytes();
    long tensorLen = tensorHead.length + payload;
    byte[] initHead = pb().tag(5, 2).raw(OnnxBytes.varint(tensorLen)).toBytes();
    byte[] tail =
        graph(
                nodePart(node("mm", "MatMul", List.of("x", "big"), List.of("y"))),
                input(valueInfo("x", FLOAT, 1L, elements)),
                output(valueInfo("y", FLOAT, 1L)))
            .toBytes();
    long graphLen = initHead.length + tensorLen + tail.length;
    byte[] modelHead =
        pb().varint(1, 8).str(2, "pytorch").tag(7, 2).raw(OnnxBytes.varint(graphLen)).toBytes();
    byte[] opset = pb().msg(8, pb().str(1, "").varint(2, 14)).toBytes();
    Path file = tmp.resolve("big.onnx");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write(modelHead);
      f.write(initHead);
      f.write(tensorHead);
      f.seek(modelHead.length + initHead.length + tensorLen); // a hole, not 300 MB of writes
      f.write(tail);
      f.write(opset);
    }

    AtomicLong bytesRead = new AtomicLong();
    ModelProfile p = new OnnxReader().read(file, ReadLimits.DEFAULT, bytesRead::set);

    assertThat(Files.size(file)).isGreaterThan(300_000_000L);
    assertThat(bytesRead.get()).isLessThan(4096L);
    assertThat(p.weights().parameters()).hasValue(elements);
    assertThat(p.weights().bytes()).hasValue(payload);
    assertThat(graphOf(p).nodes())
        .singleElement()
        .satisfies(n -> assertThat(n.opType()).isEqualTo("MatMul"));
    assertThat(graphOf(p).opsets()).containsEntry("", 14L);
  }

  @Test
  void everyFixtureIsRecognisedAsOnnxByContent() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(fixture(""))) {
      files = s.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
    }
    assertThat(files).hasSize(15);
    for (Path f : files) {
      assertThat(ContentSniffer.sniff(f)).as(f.toString()).isEqualTo(ContentSniffer.Kind.ONNX);
      assertThat(new ModelLocator(ReadLimits.DEFAULT).locate(f))
          .singleElement()
          .satisfies(l -> assertThat(l.reader()).isInstanceOf(OnnxReader.class));
    }
  }

  static byte[] varints(long... values) {
    Pb p = pb();
    for (long v : values) {
      p.raw(OnnxBytes.varint(v));
    }
    return p.toBytes();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }
}
