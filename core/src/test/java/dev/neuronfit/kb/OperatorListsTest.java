package dev.neuronfit.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorListsTest {
  private final OperatorLists lists = KnowledgeBase.load().operatorLists();

  @Test
  void theNeuronCcOnnxListIsTheInf1ListFromNeuron1140() {
    OperatorList onnx = lists.list("neuron-cc-onnx").orElseThrow();

    assertThat(onnx.ops()).hasSize(68).contains("Conv", "Gather", "Upsample", "SoftPlus");
    assertThat(onnx.ops()).doesNotContain("Shape", "Erf", "Where", "RoiAlign", "Resize");
    assertThat(onnx.targets()).containsExactly("inf1");
    assertThat(onnx.naming()).isEqualTo(OpNaming.ONNX);
    assertThat(onnx.asOf()).isEqualTo("2021-05-28");
    assertThat(onnx.release()).isEqualTo("Neuron 1.14.0");
    assertThat(onnx.status()).startsWith("withdrawn");
    assertThat(onnx.source().toString())
        .isEqualTo(
            "aws-neuron/aws-neuron-sdk@1.14.0:release-notes/neuron-cc-ops/neuron-cc-ops-onnx.rst");
    assertThat(onnx.supports("Softplus")).isTrue();
  }

  @Test
  void theTorchNeuronListHas167OperatorsAndItsLimitedOnes() {
    OperatorList torch = lists.list("torch-neuron").orElseThrow();

    assertThat(torch.ops()).hasSize(167).contains("aten::_convolution", "prim::Constant");
    assertThat(torch.asOf()).isEqualTo("2023-08-28");
    assertThat(torch.naming()).isEqualTo(OpNaming.TORCHSCRIPT);
    assertThat(torch.supports("aten::lstm")).isFalse();
    assertThat(torch.limited("aten::lstm")).isTrue();
    assertThat(torch.limited("aten::where")).isTrue();
    assertThat(torch.supports("aten::embedding")).isFalse();
    assertThat(torch.modelCheck())
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("torch.neuron.analyze_model (torch-neuron; shown in"));
  }

  @Test
  void shipsTheListsOfLaterFormatsToo() {
    assertThat(lists.lists())
        .extracting(OperatorList::id)
        .containsExactly(
            "neuron-cc-onnx",
            "torch-neuron",
            "neuron-cc-tensorflow",
            "neuron-cc-mxnet",
            "torch-neuronx",
            "neuronx-cc-xla");
    assertThat(lists.list("neuron-cc-tensorflow").orElseThrow().ops()).hasSize(116);
    assertThat(lists.list("neuron-cc-mxnet").orElseThrow().ops())
        .hasSize(122)
        .contains("Convolution", "batch_dot", "_contrib_interleaved_matmul_selfatt_qk")
        .doesNotContain("log", "Embedding", "_contrib_ROIAlign");
    assertThat(lists.exhaustiveLists("inf1", OpNaming.MXNET))
        .extracting(OperatorList::id)
        .containsExactly("neuron-cc-mxnet");
    assertThat(lists.exhaustiveLists("inf2", OpNaming.MXNET)).isEmpty();
    assertThat(lists.list("torch-neuronx").orElseThrow().exhaustive()).isFalse();
    assertThat(lists.list("neuronx-cc-xla").orElseThrow().ops()).hasSize(62);
    assertThat(lists.exhaustiveLists("inf2", OpNaming.TORCHSCRIPT)).isEmpty();
    assertThat(lists.exhaustiveLists("inf1", OpNaming.ONNX))
        .extracting(OperatorList::id)
        .containsExactly("neuron-cc-onnx");
  }

  @Test
  void roiAlignIsPlacedOnTheCpuOnInf1Only() {
    assertThat(lists.cpuPlacement("inf1", "RoiAlign")).isPresent();
    assertThat(lists.cpuPlacement("inf1", "torchvision::roi_align")).isPresent();
    assertThat(lists.cpuPlacement("inf1", "_contrib_ROIAlign")).isPresent();
    assertThat(lists.cpuPlacement("inf2", "RoiAlign")).isEmpty();
    assertThat(lists.pytorchOrigins())
        .containsOnlyKeys("GRU", "LSTM", "NonMaxSuppression", "RoiAlign");
  }

  /** Compares every list with ../shared/reference/neuron-operator-lists.json; skips without it. */
  @Test
  void everyListMatchesTheReferenceTranscription() throws IOException {
    Optional<Path> shared = TestFiles.shared();
    assumeTrue(
        shared.isPresent(),
        TestFiles.skipMessage("every operator list against an independent transcription"));
    JsonNode ref =
        new ObjectMapper()
            .readTree(shared.get().resolve("reference/neuron-operator-lists.json").toFile());
    Map<String, String> keys =
        Map.of(
            "neuron-cc-onnx", "neuron-cc ONNX (inf1, dropped after Neuron 1.14.0, 2021-05-28)",
            "torch-neuron", "torch-neuron (inf1)",
            "neuron-cc-tensorflow", "neuron-cc TENSORFLOW (tensorflow-neuron TF1.x, inf1)",
            "neuron-cc-mxnet", "neuron-cc MXNET (mxnet-neuron, inf1)",
            "torch-neuronx", "torch-neuronx aten ops page (inf2/trn1)",
            "neuronx-cc-xla",
                "neuronx-cc XLA (inf2/trn1, static list from 2022-2023 release notes)");
    keys.forEach(
        (id, key) -> {
          Set<String> expected = new HashSet<>();
          ref.get(key).get("ops").forEach(o -> expected.add(o.asText()));
          OperatorList l = lists.list(id).orElseThrow();
          assertThat(l.ops()).as(id).isEqualTo(expected);
          assertThat(l.ops()).as(id).hasSize(ref.get(key).get("count").asInt());
          assertThat(ref.get(key).get("source").asText()).as(id).contains(l.source().path());
          JsonNode limited = ref.get(key).get("limited");
          if (limited != null) {
            limited
                .fieldNames()
                .forEachRemaining(
                    op -> assertThat(l.conditions()).as(id + " " + op).containsKey(op));
          }
        });
  }
}
