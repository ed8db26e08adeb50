package dev.neuronfit.io.tf;

import static dev.neuronfit.io.tf.TfBytes.FLOAT;
import static dev.neuronfit.io.tf.TfBytes.INT32;
import static dev.neuronfit.io.tf.TfBytes.attrFunc;
import static dev.neuronfit.io.tf.TfBytes.attrInts;
import static dev.neuronfit.io.tf.TfBytes.attrShape;
import static dev.neuronfit.io.tf.TfBytes.attrShapes;
import static dev.neuronfit.io.tf.TfBytes.attrStr;
import static dev.neuronfit.io.tf.TfBytes.attrType;
import static dev.neuronfit.io.tf.TfBytes.constant;
import static dev.neuronfit.io.tf.TfBytes.floatTensor;
import static dev.neuronfit.io.tf.TfBytes.function;
import static dev.neuronfit.io.tf.TfBytes.graph;
import static dev.neuronfit.io.tf.TfBytes.intTensor;
import static dev.neuronfit.io.tf.TfBytes.node;
import static dev.neuronfit.io.tf.TfBytes.placeholder;
import static dev.neuronfit.io.tf.TfBytes.savedModel;
import static dev.neuronfit.io.tf.TfBytes.tensorInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.tf.TfBytes.Pb;
import dev.neuronfit.io.tf.TfBytes.Variable;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfReaderTest {
  @TempDir Path tmp;

  /** y = MatMul(x [?, 8], W [8, 4]), with a control input from an init NoOp. */
  static Pb matmulGraph() {
    return graph(
        List.of(
            placeholder("x", FLOAT, -1, 8),
            constant("W", floatTensor(8, 4)),
            node("init", "NoOp", List.of()),
            node("y", "MatMul", List.of("x", "W:0", "^init"), attrType("T", FLOAT))));
  }

  @Test
  void readsAFrozenGraphNodeByNode() throws IOException {
    Path file = write("frozen.pb", matmulGraph().toBytes());

    ModelProfile p = new TfReader().read(file, ReadLimits.DEFAULT);

    assertThat(p.format()).isEqualTo(ModelFormat.TF_GRAPHDEF);
    assertThat(p.framework()).isEqualTo(Framework.TENSORFLOW);
    Graph g = p.graph().orElseThrow();
    assertThat(g.nodes())
        .extracting(OpNode::opType)
        .containsExactly("Placeholder", "Const", "NoOp", "MatMul");
    assertThat(named(g, "y").inputs())
        .as("control inputs left out, :0 dropped")
        .containsExactly("x", "W");
    assertThat(named(g, "y").outputs()).containsExactly("y");
    assertThat(named(g, "y").attribute("T")).contains(new AttributeValue.Int(FLOAT));
    assertThat(g.inputs())
        .extracting(ValueInfo::name, v -> v.elementType().orElseThrow(), ValueInfo::shapeText)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("x", DType.F32, "[?, 8]"));
    assertThat(g.outputs()).extracting(ValueInfo::name).containsExactly("y");
    assertThat(g.producer()).isEqualTo("tensorflow (GraphDef version 1205)");
    assertThat(p.tensors())
        .extracting(TensorInfo::name, TensorInfo::dtype, TensorInfo::shape, TensorInfo::bytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("W", DType.F32, List.of(8L, 4L), 128L));
    assertThat(p.weights().parameters()).hasValue(32);
    assertThat(p.weights().estimated()).isFalse();
  }

  @Test
  void keepsSmallConstantsAndSkipsLargePayloadsUnread() throws IOException {
    Pb g =
        graph(
            List.of(
                node(
                    "shape",
                    "Const",
                    List.of(),
                    attrType("dtype", INT32),
                    TfBytes.attrTensor("value", intTensor(new long[] {2}, -1, 64))),
                constant("big", floatTensor(1024, 1024)),
                node("r", "Reshape", List.of("big", "shape"))));
    Path file = write("big.pb", g.toBytes());
    AtomicLong read = new AtomicLong();

    ModelProfile p = new TfReader().read(file, ReadLimits.DEFAULT, read::set);

    assertThat(p.graph().orElseThrow().constants().get("shape").values())
        .containsExactly(-1.0, 64.0);
    assertThat(p.graph().orElseThrow().constants()).doesNotContainKey("big");
    assertThat(p.tensors()).extracting(TensorInfo::elements).containsExactly(2L, 1024L * 1024);
    assertThat(Files.size(file)).isGreaterThan(4_000_000);
    assertThat(read.get()).as("bytes read of a 4 MiB file").isLessThan(64 * 1024);
  }

  @Test
  void readsFunctionsWithTheirArgumentsReturnsAndCalls() throws IOException {
    Map<String, String> ret = new LinkedHashMap<>();
    ret.put("out", "relu:activations:0");
    Pb f =
        function(
            "__inference_dense_7",
            List.of("x", "w"),
            ret,
            List.of(
                node("mm", "MatMul", List.of("x", "w")),
                node("relu", "Relu", List.of("mm:product:0"))));
    Pb g =
        graph(
            List.of(
                placeholder("input", FLOAT, -1, 8),
                constant("W", floatTensor(8, 4)),
                node(
                    "call",
                    "StatefulPartitionedCall",
                    List.of("input", "W"),
                    attrFunc("f", "__inference_dense_7"))),
            f);
    Path file = write("functions.pb", g.toBytes());

    Graph graph = new TfReader().read(file, ReadLimits.DEFAULT).graph().orElseThrow();

    assertThat(graph.mainNodes()).hasSize(3);
    List<OpNode> body =
        graph.nodes().stream()
            .filter(n -> n.scope().equals("function:__inference_dense_7"))
            .toList();
    assertThat(body)
        .extracting(OpNode::opType)
        .containsExactly("_Arg", "_Arg", "MatMul", "Relu", "_Retval");
    assertThat(body.get(1).attribute("index")).contains(new AttributeValue.Int(1));
    assertThat(body.get(3).inputs()).containsExactly("mm");
    assertThat(body.get(4).name()).isEqualTo("out_RetVal");
    assertThat(body.get(4).inputs()).containsExactly("relu");
    assertThat(named(graph, "call").attribute("f"))
        .contains(new AttributeValue.Subgraph("function:__inference_dense_7"));
  }

  @Test
  void keepsListsShapesAndStringsAsAttributes() throws IOException {
    Pb g =
        graph(
            List.of(
                placeholder("x", FLOAT, 1, 224, 224, 3),
                constant("k", floatTensor(16, 16, 3, 8)),
                node(
                    "conv",
                    "Conv2D",
                    List.of("x", "k"),
                    attrInts("strides", 1, 16, 16, 1),
                    attrStr("padding", "VALID"),
                    attrShape("_output_shapes", 1, 14, 14, 8))));
    Graph graph =
        new TfReader()
            .read(write("conv.pb", g.toBytes()), ReadLimits.DEFAULT)
            .graph()
            .orElseThrow();

    OpNode conv = named(graph, "conv");
    assertThat(conv.attribute("strides").orElseThrow().asLongs()).containsExactly(1L, 16L, 16L, 1L);
    assertThat(conv.attribute("padding")).contains(new AttributeValue.Text("VALID"));
    assertThat(conv.attribute("_output_shapes").orElseThrow().asLongs())
        .containsExactly(1L, 14L, 14L, 8L);
  }

  @Test
  void keepsEveryOutputShapeAtItsPosition() throws IOException {
    Pb g =
        graph(
            List.of(
                placeholder("x", FLOAT, 1, 6),
                node(
                    "split",
                    "SplitV",
                    List.of("x"),
                    attrShapes("_output_shapes", new long[] {1, 2}, null, new long[] {-1, 3}))));
    OpNode split =
        named(
            new TfReader()
                .read(write("split.pb", g.toBytes()), ReadLimits.DEFAULT)
                .graph()
                .orElseThrow(),
            "split");

    assertThat(split.attribute("_output_shapes").orElseThrow().asLongs()).containsExactly(1L, 2L);
    assertThat(split.attribute("_output_shapes#1")).as("unknown rank: no shape").isEmpty();
    assertThat(split.attribute("_output_shapes#2").orElseThrow().asLongs())
        .containsExactly(-1L, 3L);
  }

  @Test
  void inputsNamingAnotherOutputThanTheFirstGiveItsPosition() throws IOException {
    Map<String, String> ret = new LinkedHashMap<>();
    ret.put("y", "bn:y:0");
    ret.put("mean", "bn:batch_mean:0");
    ret.put("second", "parts:output:1");
    Pb f =
        function(
            "f",
            List.of("x"),
            ret,
            List.of(
                node("bn", "FusedBatchNormV3", List.of("x")),
                node("parts", "Split", List.of("x")),
                node("use", "AddV2", List.of("parts:output:1", "bn:batch_variance:0"))));
    Pb g =
        graph(
            List.of(
                placeholder("x", FLOAT, 2, 4),
                node("call", "PartitionedCall", List.of("x"), attrFunc("f", "f")),
                node("sum", "AddV2", List.of("call:2", "call")),
                node("same", "Relu", List.of("x:0"))),
            f);
    Graph graph =
        new TfReader()
            .read(write("ports.pb", g.toBytes()), ReadLimits.DEFAULT)
            .graph()
            .orElseThrow();

    assertThat(named(graph, "sum").attribute("_input_ports").orElseThrow().asLongs())
        .containsExactly(2L, 0L);
    assertThat(named(graph, "same").attribute("_input_ports")).as("all first outputs").isEmpty();
    assertThat(named(graph, "use").attribute("_input_ports").orElseThrow().asLongs())
        .as("Split's list output by index; FusedBatchNormV3's batch_variance is its third")
        .containsExactly(1L, 2L);
    assertThat(named(graph, "mean_RetVal").attribute("_input_ports").orElseThrow().asLongs())
        .containsExactly(1L);
    assertThat(named(graph, "y_RetVal").attribute("_input_ports")).isEmpty();
  }

  @Test
  void readsASavedModelFolderWithItsSignatureAndVariableIndex() throws IOException {
    Path dir = savedModelFolder(true);

    ModelProfile p = new TfReader().read(dir, ReadLimits.DEFAULT);

    assertThat(p.format()).isEqualTo(ModelFormat.TF_SAVEDMODEL);
    Graph g = p.graph().orElseThrow();
    assertThat(g.producer()).isEqualTo("tensorflow 2.15.0");
    assertThat(g.metadata())
        .containsEntry("signature", "serving_default")
        .containsEntry("tags", "serve");
    assertThat(g.inputs())
        .extracting(ValueInfo::name, ValueInfo::shapeText)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("serving_default_x", "[?, 8]"));
    assertThat(g.outputs()).extracting(ValueInfo::name).containsExactly("StatefulPartitionedCall");
    assertThat(p.tensors())
        .extracting(TensorInfo::name, TensorInfo::shape, TensorInfo::file)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "layer/kernel/.ATTRIBUTES/VARIABLE_VALUE",
                List.of(8L, 4L),
                "variables/variables.data-00000-of-00001"));
    assertThat(p.tensors())
        .extracting(TensorInfo::name)
        .noneMatch(n -> n.contains("OPTIMIZER_SLOT"));
    assertThat(p.weights().basis())
        .contains("2 variables in variables/variables.index")
        .contains("1 optimizer and training-state entry left out");
    assertThat(p.notes()).anyMatch(n -> n.contains("variable data files absent"));
  }

  @Test
  void aBareSavedModelPbPathReadsItsFolder() throws IOException {
    Path dir = savedModelFolder(true);

    ModelProfile p = new TfReader().read(dir.resolve("saved_model.pb"), ReadLimits.DEFAULT);

    assertThat(p.format()).isEqualTo(ModelFormat.TF_SAVEDMODEL);
    assertThat(p.tensors())
        .extracting(TensorInfo::name)
        .contains("layer/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  }

  @Test
  void withoutAnIndexTheVariableOpsGiveTheShapes() throws IOException {
    Path dir = savedModelFolder(false);

    ModelProfile p = new TfReader().read(dir, ReadLimits.DEFAULT);

    assertThat(p.tensors())
        .extracting(TensorInfo::name, TensorInfo::shape)
        .contains(org.assertj.core.groups.Tuple.tuple("layer/kernel", List.of(8L, 4L)));
    assertThat(p.weights().basis()).contains("variables declared by variable ops");
    assertThat(p.notes()).anyMatch(n -> n.contains("no variables/variables.index"));
  }

  @Test
  void aBrokenIndexIsANoteAndTheGraphStillReads() throws IOException {
    Path dir = savedModelFolder(false);
    Files.write(dir.resolve("variables/variables.index"), new byte[] {1, 2, 3});

    ModelProfile p = new TfReader().read(dir, ReadLimits.DEFAULT);

    assertThat(p.notes())
        .anyMatch(n -> n.contains("variables.index not read") && n.contains("magic"));
    assertThat(p.tensors()).extracting(TensorInfo::name).contains("layer/kernel");
  }

  @Test
  void aFolderWithoutSavedModelPbIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty_model/variables"));

    assertThatThrownBy(() -> new TfReader().read(dir.getParent(), ReadLimits.DEFAULT))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("no saved_model.pb");
  }

  @Test
  void aGraphDefNamedSavedModelPbIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("wrong"));
    Files.write(dir.resolve("saved_model.pb"), matmulGraph().toBytes());

    assertThatThrownBy(() -> new TfReader().read(dir, ReadLimits.DEFAULT))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("saved_model_schema_version (field 1) has wire type 2");
  }

  @Test
  void functionCallsNestedTooDeepAreRefused() throws IOException {
    Pb[] functions = new Pb[40];
    for (int i = 0; i < 40; i++) {
      List<Pb> body =
          i == 39
              ? List.of(node("r", "Relu", List.of("x")))
              : List.of(node("c", "PartitionedCall", List.of("x"), attrFunc("f", "f" + (i + 1))));
      functions[i] = function("f" + i, List.of("x"), Map.of("y", i == 39 ? "r" : "c"), body);
    }
    Pb g =
        graph(List.of(node("call", "PartitionedCall", List.of(), attrFunc("f", "f0"))), functions);

    assertThatThrownBy(() -> new TfReader().read(write("deep.pb", g.toBytes()), ReadLimits.DEFAULT))
        .isExactlyInstanceOf(ModelFormatException.class)
        .hasMessageContaining("function calls nested deeper than the limit of 32");
  }

  @Test
  void recursiveFunctionsAreANote() throws IOException {
    Pb f =
        function(
            "f",
            List.of("x"),
            Map.of("y", "c"),
            List.of(node("c", "PartitionedCall", List.of("x"), attrFunc("f", "f"))));
    Pb g = graph(List.of(node("call", "PartitionedCall", List.of(), attrFunc("f", "f"))), f);

    ModelProfile p = new TfReader().read(write("loop.pb", g.toBytes()), ReadLimits.DEFAULT);

    assertThat(p.notes()).anyMatch(n -> n.contains("functions call themselves (e.g. f -> f)"));
  }

  /**
   * A SavedModel folder: a VarHandleOp kernel [8, 4] read in a function that the serving
   * signature's StatefulPartitionedCall calls; with an index listing the kernel, its bias and an
   * optimizer slot when {@code index} is true.
   */
  Path savedModelFolder(boolean index) throws IOException {
    Map<String, String> ret = new LinkedHashMap<>();
    ret.put("identity", "mm:product:0");
    Pb f =
        function(
            "__inference_call_1",
            List.of("x", "k"),
            ret,
            List.of(
                node("read", "ReadVariableOp", List.of("k"), attrType("dtype", FLOAT)),
                node("mm", "MatMul", List.of("x", "read:value:0"))));
    Pb g =
        graph(
            List.of(
                node(
                    "layer/kernel",
                    "VarHandleOp",
                    List.of(),
                    attrType("dtype", FLOAT),
                    attrShape("shape", 8, 4)),
                placeholder("serving_default_x", FLOAT, -1, 8),
                node(
                    "StatefulPartitionedCall",
                    "StatefulPartitionedCall",
                    List.of("serving_default_x", "layer/kernel"),
                    attrFunc("f", "__inference_call_1"))),
            f);
    Path dir = Files.createDirectories(tmp.resolve(index ? "with_index" : "without_index"));
    Files.write(
        dir.resolve("saved_model.pb"),
        savedModel(
            g,
            List.of(tensorInfo("x", "serving_default_x:0", FLOAT, -1, 8)),
            List.of(tensorInfo("y", "StatefulPartitionedCall:0", FLOAT, -1, 4))));
    Files.createDirectories(dir.resolve("variables"));
    if (index) {
      Files.write(
          dir.resolve("variables/variables.index"),
          TfBytes.variablesIndex(
              List.of(
                  new Variable("layer/kernel/.ATTRIBUTES/VARIABLE_VALUE", FLOAT, 8, 4),
                  new Variable("layer/bias/.ATTRIBUTES/VARIABLE_VALUE", FLOAT, 4),
                  new Variable(
                      "layer/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
                      FLOAT,
                      8,
                      4))));
    }
    return dir;
  }

  private static OpNode named(Graph g, String name) {
    return g.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }
}
