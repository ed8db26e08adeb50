package dev.neuronfit.coverage;

import static dev.neuronfit.testing.Graphs.graph;
import static dev.neuronfit.testing.Graphs.in;
import static dev.neuronfit.testing.Graphs.node;
import static dev.neuronfit.testing.Graphs.withBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.OperatorLists;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.WeightSummary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Coverage of TensorFlow graphs against the neuron-cc TensorFlow list. */
class TfOperatorCoverageTest {
  private static final OperatorLists LISTS = KnowledgeBase.load().operatorLists();

  private static ListCoverage inf1(Graph g) {
    ModelProfile p =
        new ModelProfile(
            "saved_model",
            ModelFormat.TF_SAVEDMODEL,
            Framework.TENSORFLOW,
            WeightSummary.unknown("none"),
            List.of(),
            Optional.empty(),
            Optional.of(g),
            List.of(),
            List.of());
    return OperatorCoverage.of(p, LISTS, List.of("inf1"))
        .orElseThrow()
        .direct("inf1")
        .orElseThrow();
  }

  /**
   * A SavedModel-like graph: inputs, variables and a call in the main graph; the called function
   * with a Conv2D, an Elu and its arguments and returns; a trace the graph never calls; and the
   * save function TensorFlow writes.
   */
  private static Graph savedModel() {
    String called = "function:__inference_call_1";
    return graph(
        "tensorflow 2.15.0",
        node("x", "Placeholder"),
        node("kernel", "VarHandleOp"),
        node("kernel/Read", "ReadVariableOp"),
        withBody("", "StatefulPartitionedCall", "StatefulPartitionedCall", "f", called),
        withBody(
            "", "saver", "StatefulPartitionedCall", "f", "function:__inference__traced_save_9"),
        in(called, "x", "_Arg"),
        in(called, "conv", "Conv2D"),
        in(called, "elu", "Elu"),
        in(called, "identity_RetVal", "_Retval"),
        in("function:__inference_layer_call_fn_2", "conv", "Conv2D"),
        in("function:__inference__traced_save_9", "save", "SaveV2"),
        in("function:__inference__traced_save_9", "pack", "Pack"));
  }

  @Test
  void countsTheCalledFunctionsOpsAndLeavesOutWhatNeuronsCheckToolLeavesOut() {
    ListCoverage c = inf1(savedModel());

    assertThat(c.list().id()).isEqualTo("neuron-cc-tensorflow");
    assertThat(c.list().asOf()).isEqualTo("2022-01-20");
    assertThat(c.countedNodes()).as("Conv2D and Elu of the called function").isEqualTo(2);
    assertThat(c.supported()).extracting(OpTally::op).containsExactly("Conv2D");
    assertThat(c.unsupported()).extracting(OpTally::op).containsExactly("Elu");
    assertThat(c.cpuShare()).hasValue(0.5);
    assertThat(c.notes())
        .anyMatch(n -> n.contains("tf_neuron_check_model.py"))
        .anyMatch(n -> n.contains("2 of 3 functions are not counted"));
  }

  @Test
  void aWhileBodyRunsOnTheCpuWithItsLoop() {
    ListCoverage c =
        inf1(
            graph(
                "tensorflow 2.15.0",
                withBody("", "while", "While", "body", "function:body"),
                in("function:body", "mm", "MatMul"),
                in("function:body", "tanh", "Tanh")));

    assertThat(c.countedNodes()).isEqualTo(3);
    assertThat(c.cpuNodes()).isEqualTo(3);
    assertThat(c.inCpuSubgraphs()).isEqualTo(2);
    assertThat(c.notes()).anyMatch(n -> n.contains("bodies of While, If and Case"));
  }

  @Test
  void aFrozenGraphIsCountedLikeNeuronsCheckToolCountsIt() {
    List<OpNode> nodes =
        List.of(
            node("x", "Placeholder"),
            node("w", "Const"),
            node("mm", "MatMul"),
            node("add", "BiasAdd"),
            node("soft", "Softmax"),
            node("out", "Identity"));
    ListCoverage c = inf1(graph("tensorflow", nodes.toArray(OpNode[]::new)));

    assertThat(c.countedNodes()).isEqualTo(3);
    assertThat(c.cpuNodes()).isZero();
  }
}
