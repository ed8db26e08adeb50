package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.ZipModelReader;
import dev.neuronfit.io.torch.TorchFixtures.Fact;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.Graph;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.ModelProfile;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reads every PyTorch fixture and checks it against what torch said when writing it. */
class TorchFixturesTest {
  @TempDir Path tmp;

  static List<Fact> facts() {
    return TorchFixtures.facts().stream().filter(f -> !f.file().startsWith("malicious")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("facts")
  void readsNamesShapesAndSizesAsTorchDeclaresThem(Fact fact) throws IOException {
    ModelProfile p = TorchFixtures.read(fact.file());

    assertThat(p.format())
        .isEqualTo(fact.torchScript() ? ModelFormat.TORCHSCRIPT : ModelFormat.PYTORCH_CHECKPOINT);
    assertThat(p.framework()).isEqualTo(Framework.PYTORCH);
    assertThat(p.tensors()).extracting(TensorInfo::name).containsAll(fact.names());
    // TorchScript also keeps tensors outside the state dict: constants (CONSTANTS.cN) and plain
    // tensor attributes (Faster R-CNN's anchors); nn.LSTM's _flat_weights alias its parameters
    List<TensorInfo> extra =
        p.tensors().stream()
            .filter(t -> !fact.names().contains(t.name()) && !t.name().contains("_flat_weights"))
            .toList();
    if (!fact.torchScript()) {
      assertThat(extra).isEmpty();
    }
    long extraElements = extra.stream().mapToLong(TensorInfo::elements).sum();
    long extraBytes = extra.stream().mapToLong(TensorInfo::bytes).sum();
    assertThat(p.weights().parameters()).hasValue(fact.elements() + extraElements);
    assertThat(p.weights().bytes()).hasValue(fact.bytes() + extraBytes);
    assertThat(p.weights().estimated()).isFalse();
    assertThat(p.weights().dtypes()).containsKey(DType.F32);
    if (!fact.file().equals("lstm_full_model.pt")) {
      assertThat(p.hazards()).isEmpty();
    }
  }

  @Test
  void readsTheModuleTreeAndOperatorsOfATracedResNet() throws IOException {
    ModelProfile p = TorchFixtures.read("resnet_traced.pt");
    Graph g = p.graph().orElseThrow();

    assertThat(g.producer()).isEqualTo("TorchScript archive version 3");
    assertThat(g.metadata()).containsEntry("torchscript.root", "torchvision.models.resnet.ResNet");
    assertThat(g.metadata().get("torchscript.modules"))
        .contains("layer1.0\ttorchvision.models.resnet.BasicBlock");
    assertThat(g.inputs()).extracting(v -> v.name()).containsExactly("x");
    assertThat(g.nodes()).extracting(OpNode::qualifiedOp).contains("aten::_convolution");
    OpNode conv =
        g.nodes().stream().filter(n -> n.opType().equals("_convolution")).findFirst().orElseThrow();
    assertThat(conv.domain()).isEqualTo("aten");
    assertThat(conv.inputs()).contains("conv1.weight");
    assertThat(conv.scope()).isEqualTo("function:torch.nn.modules.conv.Conv2d");
    assertThat(p.tensors())
        .filteredOn(t -> t.name().equals("conv1.weight"))
        .singleElement()
        .satisfies(t -> assertThat(t.shape()).containsExactly(8L, 3L, 7L, 7L));
  }

  @Test
  void readsTheOperatorsOfAScriptedFasterRcnnIncludingTorchvisionOps() throws IOException {
    Graph g = TorchFixtures.read("faster_rcnn_scripted.pt").graph().orElseThrow();

    assertThat(g.nodes())
        .extracting(OpNode::qualifiedOp)
        .contains("torchvision::roi_align", "torchvision::nms", "aten::conv2d");
    assertThat(g.metadata().get("torchscript.root"))
        .isEqualTo("torchvision.models.detection.faster_rcnn.FasterRCNN");
  }

  @Test
  void readsAMobileArchiveAndItsBytecodeVersion() throws IOException {
    ModelProfile p = TorchFixtures.read("resnet_mobile.ptl");

    assertThat(p.graph().orElseThrow().producer()).contains("mobile bytecode version");
    assertThat(p.notes()).anyMatch(n -> n.contains("bytecode.pkl lists the same methods"));
  }

  @Test
  void takesTheOperatorsFromTheBytecodeWhenAMobileArchiveHasNoCode() throws IOException {
    Path stripped = tmp.resolve("no-code.ptl");
    copyWithout(TorchFixtures.file("resnet_mobile.ptl"), stripped, "/code/");

    Graph g = new ZipModelReader().read(stripped, ReadLimits.DEFAULT).graph().orElseThrow();

    assertThat(g.nodes()).extracting(OpNode::qualifiedOp).contains("aten::conv2d");
    assertThat(g.nodes().get(0).name()).contains("instruction");
  }

  @Test
  void countsOnlyTheModelInATrainingCheckpointAndSaysWhatWasLeftOut() throws IOException {
    ModelProfile p = TorchFixtures.read("lstm_training_checkpoint.pt");

    assertThat(p.tensors()).extracting(TensorInfo::name).contains("lstm.weight_ih_l0");
    assertThat(p.tensors()).noneMatch(t -> t.name().contains("exp_avg"));
    assertThat(p.notes())
        .contains("parameters are the tensors under \"model_state_dict\"")
        .anyMatch(n -> n.matches("\\d+ tensors under \"optimizer_state_dict\" not counted.*"));
  }

  @Test
  void readsALegacyStreamFromItsPicklesOnly() throws IOException {
    ModelProfile p = TorchFixtures.read("bert_encoder_legacy.bin");

    assertThat(p.weights().basis()).startsWith("legacy torch.save pickle bert_encoder_legacy.bin");
    assertThat(p.tensors().get(0).file()).isEqualTo("bert_encoder_legacy.bin");
  }

  @Test
  void namesTheClassesAPickledWholeModelImports() throws IOException {
    ModelProfile p = TorchFixtures.read("lstm_full_model.pt");

    assertThat(p.hazards())
        .extracting(h -> h.kind() + " " + h.detail())
        .contains(
            "pickle-import __main__.LstmTagger called with ()",
            "pickle-import torch.nn.modules.rnn.LSTM called with ()");
    assertThat(p.notes())
        .contains("a pickled whole model of class __main__.LstmTagger, not a state dict");
  }

  @Test
  void neverOpensTheStorageEntries() throws IOException {
    // every data/ entry replaced by a deflated run of zeros that inflates 10,000 times its size:
    // reading them would trip the zip-bomb check, so a clean read proves they were not read
    Path bombed = tmp.resolve("bombed.pth");
    try (ZipFile in = new ZipFile(TorchFixtures.file("resnet_state_dict.pth").toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bombed))) {
      Enumeration<? extends ZipEntry> all = in.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        out.putNextEntry(new ZipEntry(e.getName()));
        if (e.getName().contains("/data/")) {
          out.write(new byte[(int) Math.max(e.getSize(), 1) * 100]);
        } else {
          out.write(in.getInputStream(e).readAllBytes());
        }
        out.closeEntry();
      }
    }

    ModelProfile p = new ZipModelReader().read(bombed, ReadLimits.DEFAULT);

    assertThat(p.weights().parameters()).hasValue(79694);
  }

  private static void copyWithout(Path from, Path to, String part) throws IOException {
    try (ZipFile in = new ZipFile(from.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      Enumeration<? extends ZipEntry> all = in.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (!e.getName().contains(part)) {
          out.putNextEntry(new ZipEntry(e.getName()));
          out.write(in.getInputStream(e).readAllBytes());
          out.closeEntry();
        }
      }
    }
  }
}
