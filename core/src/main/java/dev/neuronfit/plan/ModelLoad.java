package dev.neuronfit.plan;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.ModelFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Python lines that load a model as a torch module, by format, and the example inputs that go
 * with it. Never unpickles: checkpoints are read with {@code weights_only=True}.
 */
final class ModelLoad {
  /**
   * How to load one model.
   *
   * @param imports modules to import
   * @param lines the lines that bind {@code model}
   * @param inputs the example inputs, in the order the loaded module takes them
   * @param byName whether the module takes its inputs by name (Hugging Face models)
   * @param notes what the loading assumes
   */
  record Load(
      List<String> imports,
      List<String> lines,
      ExampleInputs.Inputs inputs,
      boolean byName,
      List<String> notes) {}

  private ModelLoad() {}

  /** The load for a single (non-pipeline) model, or empty when it is not a torch model. */
  static Optional<Load> of(Draft d, int tokenCap) {
    var p = d.in.profile();
    String path = Py.str(p.path());
    List<String> notes = new ArrayList<>();
    Family f = d.in.family();
    if (p.format() == ModelFormat.ONNX) {
      var g = p.graph().orElseThrow();
      notes.add(
          "onnx2torch turns the ONNX graph back into a torch module; an operator it does not"
              + " convert stops the script, and then the original PyTorch model is the way in");
      return Optional.of(
          new Load(
              List.of("from onnx2torch import convert"),
              List.of("model = convert(" + path + ")"),
              ExampleInputs.fromGraph(g.inputs(), d.in.workload(), tokenCap),
              false,
              notes));
    }
    if (p.format() == ModelFormat.TORCHSCRIPT) {
      notes.add(
          "TorchScript keeps input names but no shapes: the example inputs follow the family");
      return Optional.of(
          new Load(
              List.of(),
              List.of("model = torch.jit.load(" + path + ")"),
              defaultInputs(d, tokenCap),
              false,
              notes));
    }
    if (f == Family.R_CNN) {
      notes.add(
          "assumes a torchvision Faster R-CNN (ResNet-50 FPN) state dict; load_state_dict names"
              + " every key that does not match");
      return Optional.of(
          new Load(
              List.of("import torchvision", "from safetensors.torch import load_file"),
              List.of(
                  "model = torchvision.models.detection.fasterrcnn_resnet50_fpn()",
                  "model.load_state_dict(load_file("
                      + (p.format() == ModelFormat.HF
                          ? Py.str(p.path() + "/model.safetensors")
                          : path)
                      + "))"),
              new ExampleInputs.Inputs(
                  List.of(
                      new ExampleInputs.Input(
                          "images",
                          "float32",
                          List.of(
                              (long) ExampleInputs.batch(d.in.workload()),
                              3L,
                              (long) RcnnSide.side(d),
                              (long) RcnnSide.side(d)),
                          "one fixed image size; resize every image to it")),
                  List.of()),
              false,
              notes));
    }
    if (p.format() == ModelFormat.PYTORCH_CHECKPOINT) {
      notes.add(
          "a checkpoint holds tensors, not the code of its module: write build_model() to return"
              + " the module, then the script loads the tensors into it (weights_only=True never"
              + " runs code from the file)");
      return Optional.of(
          new Load(
              List.of(),
              List.of(
                  "",
                  "def build_model():",
                  "    # the checkpoint has no module code: construct the nn.Module it was saved from",
                  "    raise NotImplementedError(\"construct the module this checkpoint was saved from\")",
                  "",
                  "",
                  "model = build_model()",
                  "model.load_state_dict(torch.load(" + path + ", weights_only=True))"),
              defaultInputs(d, tokenCap),
              false,
              notes));
    }
    Optional<HfConfig> c = p.hf().flatMap(h -> h.config());
    if (p.format() == ModelFormat.HF && c.isPresent()) {
      List<String> classes = c.get().strings("architectures");
      String cls =
          classes.isEmpty() || !Py.identifier(classes.get(0))
              ? switch (f) {
                case TRANSFORMER_DECODER -> "AutoModelForCausalLM";
                case TRANSFORMER_ENCODER_DECODER -> "AutoModelForSeq2SeqLM";
                default -> "AutoModel";
              }
              : classes.get(0);
      return Optional.of(
          new Load(
              List.of("import transformers"),
              List.of(
                  "model = transformers."
                      + cls
                      + ".from_pretrained("
                      + path
                      + ", torchscript=True)"),
              ExampleInputs.fromConfig(p, f, d.in.workload(), tokenCap),
              true,
              notes));
    }
    return Optional.empty();
  }

  private static ExampleInputs.Inputs defaultInputs(Draft d, int tokenCap) {
    var w = d.in.workload();
    long b = ExampleInputs.batch(w);
    return switch (d.in.family()) {
      case CNN, VISION_TRANSFORMER, R_CNN ->
          new ExampleInputs.Inputs(
              List.of(
                  new ExampleInputs.Input(
                      "image",
                      "float32",
                      List.of(b, 3L, (long) ExampleInputs.image(w), (long) ExampleInputs.image(w)),
                      "the planned image size (--image-size)")),
              List.of());
      default ->
          new ExampleInputs.Inputs(
              List.of(
                  new ExampleInputs.Input(
                      "tokens",
                      "int64",
                      List.of(b, (long) ExampleInputs.tokens(w, tokenCap)),
                      "the planned sequence length (--seq-len)")),
              List.of(
                  "the file gives no input signature: check the example input against forward()"));
    };
  }

  /** The R-CNN image side: the workload's, else the 800 x 800 of the Neuron R-CNN app note. */
  static final class RcnnSide {
    static final int APP_NOTE_SIDE = 800;

    private RcnnSide() {}

    static int side(Draft d) {
      return d.in.workload().flatMap(w -> w.imageSize()).orElse(APP_NOTE_SIDE);
    }
  }
}
