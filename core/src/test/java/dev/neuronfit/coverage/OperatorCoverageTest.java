package dev.neuronfit.coverage;

import static dev.neuronfit.testing.Graphs.domain;
import static dev.neuronfit.testing.Graphs.graph;
import static dev.neuronfit.testing.Graphs.in;
import static dev.neuronfit.testing.Graphs.node;
import static dev.neuronfit.testing.Graphs.withBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.onnx.OnnxReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.OpNaming;
import dev.neuronfit.kb.OperatorList;
import dev.neuronfit.kb.OperatorLists;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorCoverageTest {
  private static final OperatorLists LISTS = KnowledgeBase.load().operatorLists();
  private static final List<String> ALL = List.of("inf1", "trn1", "inf2");

  private static ModelProfile onnx(Framework framework, Graph g) {
    return new ModelProfile(
        "m.onnx",
        ModelFormat.ONNX,
        framework,
        WeightSummary.unknown("none"),
        List.of(),
        Optional.empty(),
        Optional.of(g),
        List.of(),
        List.of());
  }

  private static OperatorSummary summary(OpNode... nodes) {
    return OperatorCoverage.of(onnx(Framework.UNKNOWN, graph("", nodes)), LISTS, ALL).orElseThrow();
  }

  private static ListCoverage inf1(OperatorSummary s) {
    return s.direct("inf1").orElseThrow();
  }

  private static OpTally tally(ListCoverage c, String op) {
    return c.ops().stream().filter(t -> t.op().equals(op)).findFirst().orElseThrow();
  }

  @Test
  void constantAndIdentityAreCountedInTheTotalButNotInTheCoverage() {
    OperatorSummary s =
        summary(
            node("c", "Constant"), node("conv", "Conv"), node("id", "Identity"), node("r", "Relu"));

    assertThat(s.total()).isEqualTo(4);
    assertThat(s.byType()).hasSize(4);
    assertThat(s.notCounted())
        .containsExactly(new OpCount("Constant", 1), new OpCount("Identity", 1));
    ListCoverage c = inf1(s);
    assertThat(c.list().id()).isEqualTo("neuron-cc-onnx");
    assertThat(c.countedNodes()).isEqualTo(2);
    assertThat(c.cpuNodes()).isZero();
    assertThat(c.cpuShare()).hasValue(0.0);
    assertThat(c.supported()).extracting(OpTally::op).containsExactly("Conv", "Relu");
  }

  @Test
  void operatorsMissingFromTheListOrFromAnotherDomainRunOnTheCpu() {
    ListCoverage c =
        inf1(
            summary(
                node("conv", "Conv"),
                node("s1", "Shape"),
                node("s2", "Shape"),
                domain("com.microsoft", "att", "Attention")));

    assertThat(c.cpuNodes()).isEqualTo(3);
    assertThat(c.cpuShare().getAsDouble()).isEqualTo(0.75);
    assertThat(c.unsupported())
        .extracting(OpTally::op, OpTally::count, OpTally::status)
        .containsExactly(
            tuple("com.microsoft::Attention", 1, OpStatus.OTHER_DOMAIN),
            tuple("Shape", 2, OpStatus.NOT_LISTED));
    assertThat(tally(c, "Shape").examples()).containsExactly("s1", "s2");
  }

  @Test
  void examplesAreAtMostThreeAndNameTheirSubgraph() {
    ListCoverage c =
        inf1(
            summary(
                node("a", "Shape"),
                node("b", "Shape"),
                node("c", "Shape"),
                node("d", "Shape"),
                withBody("", "loop", "Loop", "body", "loop.body"),
                in("loop.body", "e", "Shape")));

    assertThat(tally(c, "Shape").count()).isEqualTo(5);
    assertThat(tally(c, "Shape").examples()).containsExactly("a", "b", "c");
    assertThat(OperatorCoverage.example(in("loop.body", "e", "Shape"))).isEqualTo("e in loop.body");
    assertThat(
            OperatorCoverage.example(
                new OpNode("", "Relu", "", List.of(), List.of("y"), Map.of(), "")))
        .isEqualTo("(output y)");
  }

  @Test
  void roiAlignIsOnTheCpuOnInf1EvenWhereTheListHasIt() {
    OperatorList onnx = LISTS.list("neuron-cc-onnx").orElseThrow();
    OperatorList withRoiAlign =
        new OperatorList(
            "test",
            "test list",
            "neuron-cc",
            OpNaming.ONNX,
            List.of("inf1"),
            onnx.source(),
            onnx.asOf(),
            onnx.release(),
            onnx.status(),
            onnx.authoritative(),
            Optional.empty(),
            true,
            Set.of("RoiAlign", "Conv"),
            Map.of(),
            Map.of());
    OperatorLists lists =
        new OperatorLists(List.of(withRoiAlign), LISTS.cpuPlacements(), LISTS.pytorchOrigins());

    ListCoverage c =
        OperatorCoverage.of(
                onnx(Framework.UNKNOWN, graph("", node("conv", "Conv"), node("roi", "RoiAlign"))),
                lists,
                List.of("inf1"))
            .orElseThrow()
            .direct("inf1")
            .orElseThrow();

    OpTally roi = tally(c, "RoiAlign");
    assertThat(roi.status()).isEqualTo(OpStatus.CPU_BY_GUIDELINE);
    assertThat(roi.note()).hasValueSatisfying(n -> assertThat(n).contains("rcnn_limitations_inf1"));
    assertThat(c.cpuNodes()).isEqualTo(1);
  }

  @Test
  void aSubgraphRunsWhereItsIfRuns() {
    ListCoverage c =
        inf1(
            summary(
                withBody("", "if", "If", "then_branch", "if.then_branch"),
                in("if.then_branch", "conv", "Conv"),
                withBody("if.then_branch", "loop", "Loop", "body", "if.then_branch/loop.body"),
                in("if.then_branch/loop.body", "relu", "Relu"),
                node("add", "Add")));

    // If and Loop are not on the list; Conv and Relu are, but run inside them
    assertThat(c.countedNodes()).isEqualTo(5);
    assertThat(c.cpuNodes()).isEqualTo(4);
    assertThat(c.inCpuSubgraphs()).isEqualTo(2);
    assertThat(tally(c, "Conv").status()).isEqualTo(OpStatus.SUPPORTED);
    assertThat(c.notes()).anySatisfy(n -> assertThat(n).startsWith("2 nodes whose operators"));
  }

  @Test
  void softplusMatchesTheListsSpellingSoftPlus() {
    assertThat(tally(inf1(summary(node("sp", "Softplus"))), "Softplus").status())
        .isEqualTo(OpStatus.SUPPORTED);
  }

  @Test
  void callsOfModelLocalFunctionsAreNotCountedButTheirBodiesAre() {
    OperatorSummary s =
        summary(
            new OpNode("call", "Block", "local", List.of(), List.of("y"), Map.of(), ""),
            in("function:local.Block", "r", "Relu"),
            in("function:local.Block", "s", "Shape"));

    assertThat(s.notCounted()).containsExactly(new OpCount("local::Block", 1));
    ListCoverage c = inf1(s);
    assertThat(c.countedNodes()).isEqualTo(2);
    assertThat(c.unsupported()).extracting(OpTally::op).containsExactly("Shape");
    assertThat(c.notes()).anySatisfy(n -> assertThat(n).contains("model-local functions"));
  }

  @Test
  void onlyInf1HasAListForOnnxNames() {
    OperatorSummary s =
        OperatorCoverage.of(
                onnx(Framework.UNKNOWN, graph("", node("conv", "Conv"))),
                LISTS,
                List.of("trn1", "inf2"))
            .orElseThrow();

    assertThat(s.total()).isEqualTo(1);
    assertThat(s.coverage()).isEmpty();
  }

  @Test
  void modelsWithoutAGraphHaveNoOperatorSection() {
    ModelProfile hf =
        new ModelProfile(
            "m",
            ModelFormat.HF,
            Framework.PYTORCH,
            WeightSummary.unknown("none"),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            List.of());
    assertThat(OperatorCoverage.of(hf, LISTS, ALL)).isEmpty();
  }

  @Test
  void anExportFromPyTorchIsCheckedAgainstTorchNeuronOnlyByExportOrigin() {
    OperatorSummary s =
        OperatorCoverage.of(
                onnx(
                    Framework.PYTORCH,
                    graph(
                        "pytorch 1.13.0",
                        node("lstm", "LSTM"),
                        node("gru", "GRU"),
                        node("roi", "RoiAlign"),
                        node("conv", "Conv"))),
                LISTS,
                ALL)
            .orElseThrow();

    ListCoverage torch =
        s.coverage().stream()
            .filter(c -> c.basis() == ListCoverage.Basis.EXPORT_ORIGINS)
            .findFirst()
            .orElseThrow();
    assertThat(torch.target()).isEqualTo("inf1");
    assertThat(torch.list().id()).isEqualTo("torch-neuron");
    assertThat(torch.checkedNodes()).isEqualTo(3);
    assertThat(torch.countedNodes()).isEqualTo(4);
    assertThat(torch.cpuShare()).isEmpty();
    assertThat(tally(torch, "LSTM").status()).isEqualTo(OpStatus.LIMITED);
    assertThat(tally(torch, "LSTM").origins()).containsExactly("aten::lstm", "aten::lstm_cell");
    assertThat(tally(torch, "LSTM").note())
        .hasValueSatisfying(n -> assertThat(n).contains("aten::lstm_cell: not on the list"));
    assertThat(tally(torch, "GRU").status()).isEqualTo(OpStatus.NOT_LISTED);
    assertThat(tally(torch, "RoiAlign").status()).isEqualTo(OpStatus.CPU_BY_GUIDELINE);
    assertThat(torch.ops()).extracting(OpTally::op).doesNotContain("Conv");
    assertThat(torch.notes().get(0)).contains("torch.neuron.analyze_model");
    // torch-neuronx's list is not exhaustive, so it is not used to call anything unsupported
    assertThat(s.coverage()).extracting(ListCoverage::target).containsOnly("inf1");
  }

  @Test
  void fasterRcnnFixtureHasRoiAlignOnTheCpuAndNmsInsideAnIf() throws IOException {
    ListCoverage c = inf1(summaryOf("fasterrcnn_tiny.onnx"));

    OpTally roi = tally(c, "RoiAlign");
    assertThat(roi.status()).isEqualTo(OpStatus.CPU_BY_GUIDELINE);
    assertThat(roi.examples()).containsExactly("/roi_heads/box_roi_pool/RoiAlign");
    OpTally nms = tally(c, "NonMaxSuppression");
    assertThat(nms.status()).isEqualTo(OpStatus.NOT_LISTED);
    assertThat(nms.examples()).allSatisfy(e -> assertThat(e).contains(".else_branch"));
    assertThat(c.unsupported().get(0).op()).isEqualTo("RoiAlign");
    assertThat(c.unsupported()).extracting(OpTally::op).contains("If", "Shape", "TopK");
    assertThat(c.inCpuSubgraphs()).isPositive();
    assertThat(c.cpuShare().getAsDouble()).isBetween(0.10, 0.50);
  }

  @Test
  void gptFixtureMissesOnlyErfNotTriluAndWhere() throws IOException {
    assertThat(inf1(summaryOf("gpt_tiny.onnx")).unsupported())
        .extracting(OpTally::op)
        .containsExactlyInAnyOrder("Erf", "Not", "Trilu", "Where");
  }

  @Test
  void resnetFixtureIsFullyOnTheListOnceIdentityIsLeftOut() throws IOException {
    OperatorSummary s = summaryOf("resnet18_tiny.onnx");

    assertThat(s.notCounted()).containsExactly(new OpCount("Identity", 16));
    assertThat(inf1(s).cpuShare()).hasValue(0.0);
  }

  @Test
  void groupNormExportedAsInstanceNormalizationIsNotOnTheList() throws IOException {
    OpTally t = tally(inf1(summaryOf("unet_conditional_tiny.onnx")), "InstanceNormalization");
    assertThat(t.status()).isEqualTo(OpStatus.NOT_LISTED);
    assertThat(t.count()).isEqualTo(12);
  }

  private static OperatorSummary summaryOf(String name) throws IOException {
    ModelProfile p = new OnnxReader().read(TestFiles.onnxFixture(name), ReadLimits.DEFAULT);
    return OperatorCoverage.of(p, LISTS, ALL).orElseThrow();
  }
}
