package dev.neuronfit.plan;

import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.Framework;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.OpNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * inf1 plans on the frozen torch-neuron and tensorflow-neuron packages, with the guideline's
 * remedies made concrete: decoders compiled for 128 tokens or fewer, an encoder-decoder's two
 * halves wrapped and compiled apart, an R-CNN's backbone on Neuron with RoI Align left on the CPU,
 * a torchvision model in place of a Detectron2 one, and a TensorFlow serving graph frozen without
 * its training-only ops.
 */
final class Inf1Plans {
  /** The guideline's example decoder length on inf1 (§ Decoder models › Inferentia). */
  static final int DECODER_TOKENS = 128;

  /** Constant parameters above which torch-neuron needs separate_weights (about 1.9 GB). */
  static final long SEPARATE_WEIGHTS_BYTES = 1_900_000_000L;

  private static final String TRACE = "torch.neuron.trace";
  private static final String CC = "neuron-cc";
  private static final String FIT_PAGE =
      "https://github.com/aws-neuron/aws-neuron-sdk/blob/v2.17.0/general/arch/model-architecture-fit.rst";
  private static final String TRACE_DOCS =
      "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/_sources/archive/torch-neuron/api-compilation-python-api.rst";
  private static final Set<String> TRAINING_OPS = Set.of("SaveV2", "RestoreV2", "VariableV2");

  private Inf1Plans() {}

  static boolean build(Draft d) {
    var p = d.in.profile();
    if (p.framework() == Framework.TENSORFLOW
        || p.format() == ModelFormat.KERAS
        || p.format() == ModelFormat.TF_SAVEDMODEL
        || p.format() == ModelFormat.TF_GRAPHDEF) {
      return tensorflow(d);
    }
    Family f = d.in.family();
    int cap = f.decodesTokenByToken() ? DECODER_TOKENS : Integer.MAX_VALUE;
    cap = Math.min(cap, ServePlans.positions(d).orElse(Integer.MAX_VALUE));
    if (f == Family.TRANSFORMER_ENCODER_DECODER && p.format() == ModelFormat.HF) {
      return encoderDecoder(d, cap);
    }
    Optional<ModelLoad.Load> load = ModelLoad.of(d, cap);
    if (load.isEmpty()) {
      return false;
    }
    ModelLoad.Load l = load.get();
    d.notes.addAll(l.inputs().notes());
    d.assumptions.addAll(l.notes());
    TraceScripts.Script s = script(d);
    s.imports(l.imports());
    s.lines(l.lines());
    if (l.byName()) {
      s.byName(l.inputs());
    }
    s.line("model.eval()");
    boolean rcnnBackbone = f == Family.R_CNN && p.format() != ModelFormat.ONNX;
    if (rcnnBackbone) {
      rcnn(d, s, l);
    } else {
      s.inputs("example_inputs", l.inputs().inputs());
      trace(d, s, "model", "example_inputs", false);
      s.line("torch.jit.save(traced, " + Py.str(ExampleInputs.stem(p.path()) + "-neuron.pt") + ")");
      s.line("with torch.no_grad():");
      s.line("    outputs = traced(*example_inputs)");
      s.line("print(\"ran once on inf1\")");
    }
    if (f.decodesTokenByToken()) {
      List<Long> shape =
          l.inputs().inputs().isEmpty() ? List.of() : l.inputs().inputs().get(0).shape();
      int len =
          shape.size() > 1 ? (int) Math.min(cap, shape.get(1)) : Math.min(cap, DECODER_TOKENS);
      decoderNotes(d, len);
    }
    if (f == Family.R_CNN && p.format() == ModelFormat.ONNX) {
      d.notes.add(
          "torch-neuron partitions the graph: operators it cannot compile, RoI Align among them,"
              + " run on the CPU between the compiled parts ("
              + FIT_PAGE
              + " § R-CNNs)");
    }
    d.python = Optional.of(s.text());
    checks(d);
    return true;
  }

  private static TraceScripts.Script script(Draft d) {
    return new TraceScripts.Script(d, false, true);
  }

  private static void trace(
      Draft d, TraceScripts.Script s, String module, String inputs, boolean strictFalse) {
    List<String> kwargs = new ArrayList<>();
    TargetEstimate e = d.in.estimates().get(d.target);
    Optional<Integer> pipeline = e == null ? Optional.empty() : e.sizing().pipelineCores();
    // the rule of thumb can ask for more cores than the planned instance has: use what it has
    int instanceCores =
        d.instance
            .flatMap(
                name ->
                    d.in.hardware().target(d.target).stream()
                        .flatMap(h -> h.instances().stream())
                        .filter(i -> i.name().equals(name))
                        .findFirst())
            .map(i -> i.neuronCores())
            .orElse(0);
    if (pipeline.isPresent() && instanceCores > 0 && pipeline.get() > instanceCores) {
      addOnce(
          d.notes,
          "the NeuronCore pipeline rule of thumb asks for "
              + pipeline.get()
              + " cores; "
              + d.instance.get()
              + " has "
              + instanceCores
              + ", so the plan pipelines over "
              + instanceCores
              + " (a larger inf1 size, up to 64 cores, follows the rule more closely)");
      pipeline = Optional.of(instanceCores);
    }
    if (pipeline.isPresent() && pipeline.get() > 1) {
      kwargs.add(
          d.flags.use(TRACE, "compiler_args")
              + "=["
              + Py.str(d.flags.use(CC, "--neuroncore-pipeline-cores"))
              + ", "
              + Py.str(String.valueOf(pipeline.get()))
              + "]");
      addOnce(
          d.why,
          "--neuroncore-pipeline-cores "
              + pipeline.get()
              + ": the NeuronCore pipeline rule of thumb for this many weights (4 x round(weights /"
              + " 2e7)), within the instance's NeuronCores.");
    }
    if (d.in.weights().bytes().orElse(0) > SEPARATE_WEIGHTS_BYTES) {
      kwargs.add(d.flags.use(TRACE, "separate_weights") + "=True");
      addOnce(
          d.why,
          "separate_weights=True: the weights exceed the 2 GB protobuf limit of torch-neuron"
              + " (torch-neuron 2.6.5.0 and later).");
    }
    if (strictFalse) {
      kwargs.add(d.flags.use(TRACE, "strict") + "=False");
    }
    s.line("");
    s.line(
        "traced = "
            + TRACE
            + "("
            + module
            + ", "
            + inputs
            + (kwargs.isEmpty() ? "" : ", " + String.join(", ", kwargs))
            + ")");
  }

  private static void addOnce(List<String> list, String line) {
    if (!list.contains(line)) {
      list.add(line);
    }
  }

  private static void decoderNotes(Draft d, int len) {
    d.why.add(
        "decoder length "
            + len
            + ": the guideline's inf1 remedy is to compile the decoder for the shortest output"
            + " the task allows, 128 tokens or fewer; every generated token is one memory-bound pass.");
    d.in
        .workload()
        .ifPresent(
            w -> d.buckets.addAll(Buckets.of(w, len, ExampleInputs.batch(d.in.workload()), 0)));
  }

  /** Encoder and decoder as two wrapped modules, each compiled alone. */
  private static boolean encoderDecoder(Draft d, int cap) {
    var p = d.in.profile();
    Optional<HfConfig> c = p.hf().flatMap(h -> h.config());
    Optional<ModelLoad.Load> load = ModelLoad.of(d, cap);
    if (c.isEmpty() || load.isEmpty()) {
      return false;
    }
    ModelLoad.Load l = load.get();
    List<ExampleInputs.Input> in = l.inputs().inputs();
    boolean audio = in.get(0).name().equals("input_features");
    long batch = ExampleInputs.batch(d.in.workload());
    long hidden = c.get().firstInteger("d_model", "hidden_size").map(k -> k.value()).orElse(512L);
    long encLen =
        audio ? c.get().integer("max_source_positions").orElse(1500) : in.get(0).shape().get(1);
    long decLen = Math.min(DECODER_TOKENS, ServePlans.positions(d).orElse(DECODER_TOKENS));
    TraceScripts.Script s = script(d);
    s.imports(l.imports());
    s.lines(l.lines());
    s.line("model.eval()");
    String encArgs = audio ? "input_features" : "input_ids, attention_mask";
    String encCall = audio ? "input_features" : "input_ids, attention_mask";
    s.lines(
        List.of(
            "",
            "",
            "class Encoder(torch.nn.Module):",
            "    \"\"\"The encoder alone: runs once per input.\"\"\"",
            "",
            "    def __init__(self, seq2seq):",
            "        super().__init__()",
            "        self.encoder = seq2seq.get_encoder()",
            "",
            "    def forward(self, " + encArgs + "):",
            "        return self.encoder(" + encCall + ")[0]",
            "",
            "",
            "class Decoder(torch.nn.Module):",
            "    \"\"\"The decoder and its head: runs once per generated token, at a fixed length.\"\"\"",
            "",
            "    def __init__(self, seq2seq):",
            "        super().__init__()",
            "        self.seq2seq = seq2seq",
            "",
            "    def forward(self, decoder_input_ids, encoder_hidden_states):",
            "        step = {\"decoder_input_ids\": decoder_input_ids, \"encoder_outputs\": (encoder_hidden_states,)}",
            "        return self.seq2seq(**step)[0]"));
    List<ExampleInputs.Input> enc = audio ? List.of(in.get(0)) : List.of(in.get(0), in.get(1));
    s.inputs("encoder_inputs", enc);
    s.inputs(
        "decoder_inputs",
        List.of(
            new ExampleInputs.Input(
                "decoder_input_ids", "int64", List.of(batch, decLen), "the fixed decoder length"),
            new ExampleInputs.Input(
                "encoder_hidden_states",
                "float32",
                List.of(batch, encLen, hidden),
                "the encoder's output")));
    s.line("");
    s.line("encoder = Encoder(model).eval()");
    s.line("decoder = Decoder(model).eval()");
    trace(d, s, "encoder", "encoder_inputs", false);
    s.line(
        "torch.jit.save(traced, "
            + Py.str(ExampleInputs.stem(p.path()) + "-encoder-neuron.pt")
            + ")");
    s.line("traced_encoder = traced");
    trace(d, s, "decoder", "decoder_inputs", false);
    s.line(
        "torch.jit.save(traced, "
            + Py.str(ExampleInputs.stem(p.path()) + "-decoder-neuron.pt")
            + ")");
    s.line("with torch.no_grad():");
    s.line("    states = traced_encoder(*encoder_inputs)");
    s.line("    logits = traced(decoder_inputs[0], states)");
    s.line("print(\"encoder and decoder ran once on inf1\")");
    d.python = Optional.of(s.text());
    d.why.add(
        "encoder and decoder compiled apart: the encoder runs once per input ("
            + encLen
            + " positions), the decoder once per token at a fixed "
            + decLen
            + " positions (the guideline's 128 or fewer), padded, without a KV cache.");
    d.in.workload().ifPresent(w -> d.buckets.addAll(Buckets.of(w, (int) decLen, (int) batch, 0)));
    d.assumptions.add(
        "a generation loop feeds the decoder its own output, padded to "
            + decLen
            + " tokens; the wrappers are the unit that compiles, not generate()");
    checks(d);
    return true;
  }

  /** R-CNN: the backbone and FPN on Neuron, RoI Align and the heads on the CPU. */
  private static void rcnn(Draft d, TraceScripts.Script s, ModelLoad.Load l) {
    ExampleInputs.Input image = l.inputs().inputs().get(0);
    long side = image.shape().get(2);
    s.inputs("backbone_inputs", List.of(image));
    trace(d, s, "model.backbone", "backbone_inputs", true);
    s.line("model.backbone = traced");
    s.line(
        "torch.jit.save(traced, "
            + Py.str(ExampleInputs.stem(d.in.profile().path()) + "-backbone-neuron.pt")
            + ")");
    s.line("with torch.no_grad():");
    s.line(
        "    detections = model([torch.zeros((3, "
            + side
            + ", "
            + side
            + "), "
            + d.flags.use("torch.zeros", "dtype")
            + "=torch.float32)])");
    s.line("print(\"backbone on inf1, RoI Align and heads on the CPU:\", len(detections))");
    d.why.add(
        "only the backbone and FPN are compiled ("
            + side
            + " x "
            + side
            + ", the size torchvision's transform resizes to and the Neuron R-CNN app note uses):"
            + " RoI Align cannot run efficiently on NeuronCore-v1 and stays on the CPU with the"
            + " region proposals and box heads.");
    d.notes.add(
        "partition: Neuron runs the backbone and FPN; the CPU runs the anchor generator, RPN,"
            + " RoI Align and the box heads. Next step from the app note: compile the RPN head"
            + " into the same graph, and keep under 100 predicted boxes");
    if (d.in.findings().stream().anyMatch(f -> f.rule().equals("rcnn-detectron2-not-traceable"))) {
      d.notes.add(
          "Detectron2 models are not jit-traceable by default: this plan uses torchvision's"
              + " fasterrcnn_resnet50_fpn in its place; port the weights to it first");
    }
  }

  private static boolean tensorflow(Draft d) {
    var p = d.in.profile();
    Optional<List<dev.neuronfit.model.ValueInfo>> sig =
        p.graph().map(g -> g.inputs()).filter(x -> !x.isEmpty());
    if (sig.isEmpty()) {
      return false;
    }
    ExampleInputs.Inputs inputs =
        ExampleInputs.fromGraph(sig.get(), d.in.workload(), Integer.MAX_VALUE);
    d.notes.addAll(inputs.notes());
    List<String> lines = new ArrayList<>();
    if (d.in.weights().bytes().orElse(0) > SEPARATE_WEIGHTS_BYTES) {
      String instance = d.instance.orElse("inf1.xlarge");
      lines.add("import os");
      lines.add("");
      lines.add(
          "os.environ["
              + Py.str(d.flags.use("environment", "NEURON_CC_FLAGS"))
              + "] = "
              + Py.str(d.flags.use(CC, "--extract-weights") + " " + instance));
      d.why.add("--extract-weights " + instance + ": the weights exceed the 2 GB protobuf limit.");
    }
    lines.add("import tensorflow as tf");
    lines.add("import tensorflow.neuron as tfn");
    lines.add("");
    String path = Py.str(p.path());
    boolean training =
        p.graph().get().nodes().stream().map(OpNode::opType).anyMatch(TRAINING_OPS::contains);
    if (p.format() == ModelFormat.KERAS) {
      lines.add("model = tf.keras.models.load_model(" + path + ")");
    } else {
      lines.add("loaded = tf.saved_model.load(" + path + ")");
      lines.add("serving = loaded.signatures[\"serving_default\"]");
      if (training) {
        lines.add(
            "# freeze variables into constants: SaveV2, RestoreV2 and VariableV2 stay behind");
        lines.add(
            "from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2");
        lines.add("");
        lines.add("model = convert_variables_to_constants_v2(serving)");
        d.notes.add(
            "the graph holds training-only ops (SaveV2, RestoreV2, VariableV2): the script"
                + " freezes the serving signature into constants so they are not compiled");
      } else {
        lines.add("model = serving");
      }
    }
    lines.add("");
    lines.add("example_inputs = [");
    for (ExampleInputs.Input i : inputs.inputs()) {
      lines.add(
          "    tf.zeros("
              + i.shapeText()
              + ", "
              + d.flags.use("tf.zeros", "dtype")
              + "=tf."
              + i.dtype()
              + "),  # "
              + i.name().replaceAll("[^\\x20-\\x7e]", "?"));
    }
    lines.add("]");
    lines.add("model_neuron = tfn.trace(model, example_inputs)");
    lines.add("model_neuron.save(" + Py.str(ExampleInputs.stem(p.path()) + "-neuron") + ")");
    lines.add("outputs = model_neuron(example_inputs)");
    lines.add("print(\"ran once on inf1\")");
    d.python = Optional.of(String.join("\n", lines) + "\n");
    checks(d);
    return true;
  }

  private static void checks(Draft d) {
    d.checkLine(
        "torch.neuron.trace was unable to compile > 50% of the operators",
        "most of the model runs on the CPU: look at torch.neuron.analyze_model and the operators"
            + " neuronfit lists as CPU-bound",
        TRACE_DOCS);
    d.checkLine(
        "Percent of model sub-graphs successfully compiled",
        "below 100% means parts fell back to the CPU; each partition adds a CPU-Neuron round trip",
        TRACE_DOCS);
  }
}
