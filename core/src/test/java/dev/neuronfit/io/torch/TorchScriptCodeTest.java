package dev.neuronfit.io.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorchScriptCodeTest {
  private static final String RESNET =
      """
      class ResNet(Module):
        __parameters__ = []
        training : bool
        conv1 : __torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d
        fc : __torch__.torch.nn.modules.linear.Linear
        def forward(self: __torch__.torchvision.models.resnet.ResNet,
          x: Tensor) -> Tensor:
          fc = self.fc
          x0 = torch.relu((self.conv1).forward(x, ))
          x1 = torch.max_pool2d(x0, [3, 3], [2, 2], [1, 1], [1, 1], False)
          _0 = torch.flatten(torch.adaptive_avg_pool2d(x1, [1, 1]), 1)
          if torch.gt(torch.len(torch.size(_0)), 1):
            pass
          else:
            ops.prim.RaiseException("AssertionError: \\"(x)\\"")
          return (fc).forward(_0, )
      """;

  private static final String CONV =
      """
      class Conv2d(Module):
        weight : Tensor
        def forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d,
          input: Tensor) -> Tensor:
          weight = self.weight
          _0 = torch._convolution(input, weight, None, [16, 16], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
          return _0
        def __setstate__(self: __torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d,
          state: Tuple[Tensor]) -> NoneType:
          _1 = ops.quantized.conv2d_prepack(state)
          return None
      """;

  private static TorchScriptCode parse() throws ModelFormatException {
    TorchScriptCode code =
        new TorchScriptCode(
            Path.of("m.pt"),
            1000,
            Map.of("torchvision.models.resnet.ResNet", "", "torch.nn.modules.conv.Conv2d", "conv1"),
            "torchvision.models.resnet.ResNet");
    code.read(
        "m/code/__torch__/torchvision/models/resnet.py",
        "__torch__.torchvision.models.resnet",
        RESNET);
    code.read(
        "m/code/__torch__/torch/nn/modules/conv/___torch_mangle_3.py",
        "__torch__.torch.nn.modules.conv.___torch_mangle_3",
        CONV);
    return code;
  }

  @Test
  void namesEachOperatorCallWithItsNamespaceLineAndScope() throws ModelFormatException {
    List<OpNode> nodes = parse().nodes();

    assertThat(nodes)
        .extracting(OpNode::qualifiedOp)
        .containsExactly(
            "aten::relu",
            "aten::max_pool2d",
            "aten::adaptive_avg_pool2d",
            "aten::flatten",
            "aten::size",
            "aten::len",
            "aten::gt",
            "prim::RaiseException",
            "aten::_convolution");
    assertThat(nodes.get(0).name()).isEqualTo("ResNet.forward line 9");
    assertThat(nodes.get(0).scope()).isEmpty();
    assertThat(nodes.get(8).scope()).isEqualTo("function:torch.nn.modules.conv.Conv2d");
  }

  @Test
  void followsValuesThroughAssignmentsNestedCallsAndSubmoduleCalls() throws ModelFormatException {
    List<OpNode> nodes = parse().nodes();
    OpNode relu = nodes.get(0);
    OpNode pool = nodes.get(1);
    OpNode avg = nodes.get(2);
    OpNode flatten = nodes.get(3);

    // x0 = torch.relu((self.conv1).forward(x, )): the module call passes x through
    assertThat(relu.inputs()).singleElement().asString().endsWith(":x");
    assertThat(pool.inputs()).containsExactlyElementsOf(relu.outputs());
    assertThat(flatten.inputs()).containsExactlyElementsOf(avg.outputs());
    assertThat(avg.inputs()).containsExactlyElementsOf(pool.outputs());
  }

  @Test
  void namesWeightsByTheirPathAndKeepsLiteralArguments() throws ModelFormatException {
    OpNode conv = parse().nodes().get(8);

    assertThat(conv.inputs()).contains("conv1.weight");
    assertThat(conv.attribute("arg3")).contains(new AttributeValue.Ints(List.of(16L, 16L)));
    assertThat(conv.attribute("arg6")).contains(new AttributeValue.Int(0));
    OpNode pool = parse().nodes().get(1);
    assertThat(pool.attribute("arg5")).contains(new AttributeValue.Int(0));
  }

  @Test
  void readsTheRootForwardSignatureAndTheClassAttributes() throws ModelFormatException {
    TorchScriptCode code = parse();

    assertThat(code.inputs()).extracting(v -> v.name()).containsExactly("x");
    assertThat(code.returns()).isEqualTo("Tensor");
    assertThat(code.classes().get("torchvision.models.resnet.ResNet").attributes())
        .containsEntry("conv1", "torch.nn.modules.conv.Conv2d")
        .containsEntry("training", "bool");
  }

  private static final String SEQ2SEQ =
      """
      class Transformer(Module):
        encoder : __torch__.torch.nn.modules.transformer.TransformerEncoder
        decoder : __torch__.torch.nn.modules.transformer.___torch_mangle_4.TransformerDecoder
        def forward(self: __torch__.torch.nn.modules.transformer.Transformer,
          src: Tensor,
          tgt: Tensor) -> Tensor:
          decoder = self.decoder
          encoder = self.encoder
          _0 = (decoder).forward(tgt, (encoder).forward(src, ), )
          return _0
      class ModuleList(Module):
        __annotations__["0"] = __torch__.torch.nn.modules.transformer.___torch_mangle_2.Layer
      class TransformerEncoder(Module):
        layers : __torch__.torch.nn.modules.transformer.ModuleList
        def forward(self: __torch__.torch.nn.modules.transformer.TransformerEncoder,
          argument_1: Tensor) -> Tensor:
          layers = self.layers
          _0 = getattr(layers, "0")
          if torch.gt(torch.dim(argument_1), 2):
            out = torch.relu(argument_1)
          else:
            out = (_0).forward(argument_1, )
          return out
      """;

  @Test
  void recordsModuleCallsWithTheirArgumentsAndResultsForTheFlow() throws ModelFormatException {
    TorchScriptCode code =
        new TorchScriptCode(
            Path.of("m.pt"), 1000, Map.of(), "torch.nn.modules.transformer.Transformer");
    code.read(
        "m/code/__torch__/torch/nn/modules/transformer.py",
        "__torch__.torch.nn.modules.transformer",
        SEQ2SEQ);

    String t = "__torch__.torch.nn.modules.transformer.";
    assertThat(code.flow().text().lines())
        .containsSubsequence(
            "root\t" + t + "Transformer.forward",
            "def\t" + t + "Transformer.forward\tm0:src m0:tgt",
            // the inner call's result is a value of its own, passed on as the decoder's argument
            "call\tcall:0\t" + t + "TransformerEncoder.forward\tm0:src",
            "call\tcall:1\t" + t + "___torch_mangle_4.TransformerDecoder.forward\tm0:tgt\tcall:0",
            "return\tcall:1",
            "def\t" + t + "TransformerEncoder.forward\tm1:argument_1",
            // getattr of a ModuleList element resolves to the element's class
            "call\tcall:2\t" + t + "___torch_mangle_2.Layer.forward\tm1:argument_1",
            // both branches assign out: the return may be either
            "return\tm1:out call:2");
  }

  @Test
  void skipsSerializationMethods() throws ModelFormatException {
    assertThat(parse().nodes()).noneMatch(n -> n.opType().equals("conv2d_prepack"));
  }

  @Test
  void cleansMangledClassNames() {
    assertThat(TorchScriptCode.clean("__torch__.torch.nn.modules.rnn.___torch_mangle_177.LSTM"))
        .isEqualTo("torch.nn.modules.rnn.LSTM");
    assertThat(TorchScriptCode.clean("__torch__.___torch_mangle_9.Model")).isEqualTo("Model");
  }

  @Test
  void refusesCodeItCannotFollow() {
    String deep =
        "def f(x: Tensor) -> Tensor:\n  y = torch.add("
            + "(".repeat(300)
            + "x"
            + ")".repeat(301)
            + "\n";
    String open = "def f(x: Tensor) -> Tensor:\n  y = torch.add((x, 1)\n";
    String string = "def f(x: Tensor) -> Tensor:\n  y = torch.add(x, \"abc)\n";
    for (String[] c :
        new String[][] {
          {deep, "brackets nested more than 200 deep"},
          {open, "unbalanced brackets"},
          {string, "unterminated string literal"}
        }) {
      assertThatThrownBy(
              () ->
                  new TorchScriptCode(Path.of("m.pt"), 100, Map.of(), "")
                      .read("e.py", "__torch__", c[0]))
          .isExactlyInstanceOf(ModelFormatException.class)
          .hasMessageContaining("m.pt: e.py line 2")
          .hasMessageContaining(c[1]);
    }
  }
}
