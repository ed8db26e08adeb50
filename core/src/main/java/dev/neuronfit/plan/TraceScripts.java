package dev.neuronfit.plan;

import dev.neuronfit.model.Family;
import dev.neuronfit.model.HfComponent;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.verdict.TodayPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Python plans for models no stack lists: trace with torch-neuronx on inf2 and trn1, compile with
 * TorchNeuron's {@code torch.compile(backend="neuron")} on trn2 and trn3; a diffusion pipeline is
 * compiled component by component for its image size.
 */
final class TraceScripts {
  private static final String NEURONX_TRACE = "torch_neuronx.trace";
  private static final String NEURONX_CC = "neuronx-cc";
  private static final String UNET_DOCS =
      "https://huggingface.co/docs/diffusers/api/models/overview";

  private TraceScripts() {}

  static boolean torchNeuronx(Draft d) {
    return build(d, false);
  }

  static boolean torchNeuron(Draft d, TodayPath path) {
    path.lnc().ifPresent(l -> d.assumptions.add("the runtime's default " + l));
    if (d.tensorParallel.isPresent()) {
      d.notes.add(
          "the model needs "
              + d.tensorParallel.get()
              + " NeuronCores: this script compiles it for one; split it with TorchNeuron's"
              + " DTensor or FSDP2 support before the first run");
    }
    return build(d, true);
  }

  private static boolean build(Draft d, boolean torchNeuron) {
    if (d.in.family() == Family.DIFFUSION
        && !d.in.profile().hf().map(h -> h.components()).orElse(List.of()).isEmpty()) {
      return diffusion(d, torchNeuron);
    }
    int cap = ServePlans.positions(d).orElse(Integer.MAX_VALUE);
    Optional<ModelLoad.Load> load = ModelLoad.of(d, cap);
    if (load.isEmpty()) {
      return false;
    }
    ModelLoad.Load l = load.get();
    d.notes.addAll(l.inputs().notes());
    d.assumptions.addAll(l.notes());
    Script s = new Script(d, torchNeuron);
    s.imports(l.imports());
    s.lines(l.lines());
    if (l.byName()) {
      s.byName(l.inputs());
    }
    s.line("model.eval()");
    s.inputs("example_inputs", l.inputs().inputs());
    s.compile(
        "model",
        "example_inputs",
        modelType(d.in.family()),
        ExampleInputs.stem(d.in.profile().path()));
    d.python = Optional.of(s.text());
    checks(d, torchNeuron, !l.inputs().notes().isEmpty());
    return true;
  }

  private static Optional<String> modelType(Family f) {
    return switch (f) {
      case TRANSFORMER_DECODER,
          TRANSFORMER_ENCODER,
          TRANSFORMER_ENCODER_DECODER,
          VISION_TRANSFORMER ->
          Optional.of("transformer");
      default -> Optional.empty();
    };
  }

  /** Text encoder, UNet and VAE decoder, each compiled alone for the planned image size. */
  private static boolean diffusion(Draft d, boolean torchNeuron) {
    var hf = d.in.profile().hf().get();
    int side = ExampleInputs.image(d.in.workload());
    int batch = ExampleInputs.batch(d.in.workload());
    Optional<HfConfig> unet = hf.component("unet").flatMap(HfComponent::config);
    Optional<HfConfig> vae = hf.component("vae").flatMap(HfComponent::config);
    Optional<HfConfig> text = hf.component("text_encoder").flatMap(HfComponent::config);
    if (unet.isEmpty() || vae.isEmpty() || text.isEmpty()) {
      return false;
    }
    long scale = 1L << Math.max(0, vae.get().sizeOf("block_out_channels") - 1);
    long latent = side / scale;
    long channels = unet.get().integer("in_channels").orElse(4);
    long latentChannels = vae.get().integer("latent_channels").orElse(4);
    long tokens = text.get().integer("max_position_embeddings").orElse(77);
    long hidden = unet.get().integer("cross_attention_dim").orElse(768);
    String path = Py.str(d.in.profile().path());
    Script s = new Script(d, torchNeuron);
    s.imports(List.of("import diffusers", "import transformers"));
    s.lines(
        List.of(
            "",
            "class UNetStep(torch.nn.Module):",
            "    \"\"\"One denoising step, returning the tensor alone so it can be traced.\"\"\"",
            "",
            "    def __init__(self, unet):",
            "        super().__init__()",
            "        self.unet = unet",
            "",
            "    def forward(self, sample, timestep, encoder_hidden_states):",
            "        return self.unet(sample, timestep, encoder_hidden_states).sample",
            "",
            "",
            "class VaeDecode(torch.nn.Module):",
            "    \"\"\"Latents to pixels.\"\"\"",
            "",
            "    def __init__(self, vae):",
            "        super().__init__()",
            "        self.vae = vae",
            "",
            "    def forward(self, latents):",
            "        return self.vae.decode(latents).sample",
            "",
            "",
            "text_encoder = transformers.CLIPTextModel.from_pretrained("
                + path
                + ", subfolder=\"text_encoder\", torchscript=True).eval()",
            "unet = UNetStep(diffusers.UNet2DConditionModel.from_pretrained("
                + path
                + ", subfolder=\"unet\")).eval()",
            "vae_decoder = VaeDecode(diffusers.AutoencoderKL.from_pretrained("
                + path
                + ", subfolder=\"vae\")).eval()"));
    s.inputs(
        "text_inputs",
        List.of(new ExampleInputs.Input("input_ids", "int64", List.of((long) batch, tokens), "")));
    s.inputs(
        "unet_inputs",
        List.of(
            new ExampleInputs.Input(
                "sample", "float32", List.of(2L * batch, channels, latent, latent), ""),
            new ExampleInputs.Input("timestep", "float32", List.of(1L), ""),
            new ExampleInputs.Input(
                "encoder_hidden_states", "float32", List.of(2L * batch, tokens, hidden), "")));
    s.inputs(
        "vae_inputs",
        List.of(
            new ExampleInputs.Input(
                "latents", "float32", List.of((long) batch, latentChannels, latent, latent), "")));
    String stem = ExampleInputs.stem(d.in.profile().path());
    s.compile("text_encoder", "text_inputs", Optional.of("transformer"), stem + "-text-encoder");
    s.compile("unet", "unet_inputs", Optional.of("unet-inference"), stem + "-unet");
    s.compile("vae_decoder", "vae_inputs", Optional.empty(), stem + "-vae-decoder");
    d.python = Optional.of(s.text());
    d.why.add(
        "image "
            + side
            + " x "
            + side
            + ": latents of "
            + latent
            + " x "
            + latent
            + " (the VAE scales by "
            + scale
            + ", from its "
            + vae.get().sizeOf("block_out_channels")
            + " block_out_channels); the UNet takes "
            + channels
            + " latent channels and text states of "
            + tokens
            + " x "
            + hidden
            + " (text encoder max_position_embeddings, UNet cross_attention_dim).");
    d.why.add(
        "the UNet is compiled for a batch of "
            + (2 * batch)
            + ": classifier-free guidance runs the prompt and the empty prompt together.");
    d.assumptions.add(
        "each component is compiled alone for this image size; another size needs new compiles");
    d.assumptions.add(
        "the scheduler and the guidance arithmetic stay in Python on the CPU; only the three"
            + " modules run on Neuron ("
            + UNET_DOCS
            + ")");
    checks(d, torchNeuron, false);
    return true;
  }

  private static void checks(Draft d, boolean torchNeuron, boolean dynamicInputs) {
    d.check("NCC_EVRF009", "If compilation stops on memory:");
    d.check("NCC_EUOC002", "If an operator is not supported:");
    if (torchNeuron || dynamicInputs) {
      d.check("NCC_EMOD025", "If a shape is still dynamic:");
    }
    if (torchNeuron) {
      d.check("NCC_EARG001", "If the compiler rejects the LNC:");
    }
  }

  /** Builds the Python text of a trace or compile script. */
  static final class Script {
    private final Draft d;
    private final boolean torchNeuron;
    private final List<String> imports = new ArrayList<>();
    private final List<String> body = new ArrayList<>();

    Script(Draft d, boolean torchNeuron) {
      this(d, torchNeuron, false);
    }

    /** A script for inf1 imports torch_neuron, which registers torch.neuron.trace. */
    Script(Draft d, boolean torchNeuron, boolean inf1) {
      this.d = d;
      this.torchNeuron = torchNeuron;
      imports.add("import torch");
      if (inf1) {
        imports.add("import torch_neuron");
      } else if (!torchNeuron) {
        imports.add("import torch_neuronx");
      }
    }

    void imports(List<String> more) {
      more.forEach(
          i -> {
            if (!imports.contains(i)) {
              imports.add(i);
            }
          });
    }

    void lines(List<String> more) {
      body.addAll(more);
    }

    void line(String l) {
      body.add(l);
    }

    /** Wraps {@code model} so its inputs are passed by name (Hugging Face forward signatures). */
    void byName(ExampleInputs.Inputs inputs) {
      body.addAll(
          List.of(
              "",
              "",
              "class ByName(torch.nn.Module):",
              "    \"\"\"Passes the example inputs by name, whatever the order of forward().\"\"\"",
              "",
              "    def __init__(self, inner, names):",
              "        super().__init__()",
              "        self.inner = inner",
              "        self.names = names",
              "",
              "    def forward(self, *inputs):",
              "        return self.inner(**dict(zip(self.names, inputs)))",
              "",
              "",
              "model = ByName(model, ["
                  + String.join(", ", inputs.inputs().stream().map(i -> Py.str(i.name())).toList())
                  + "])"));
    }

    void inputs(String name, List<ExampleInputs.Input> inputs) {
      body.add("");
      body.add(name + " = (");
      for (ExampleInputs.Input i : inputs) {
        body.add(
            "    torch.zeros("
                + i.shapeText()
                + ", "
                + d.flags.use("torch.zeros", "dtype")
                + "=torch."
                + i.dtype()
                + "),  # "
                + i.name().replaceAll("[^\\x20-\\x7e]", "?")
                + (i.origin().isEmpty() ? "" : ": " + i.origin()));
      }
      body.add(")");
      if (torchNeuron) {
        body.add(name + " = tuple(t.to(\"neuron\") for t in " + name + ")");
      }
    }

    void compile(String module, String inputs, Optional<String> modelType, String stem) {
      body.add("");
      if (torchNeuron) {
        body.add(module + " = " + module + ".to(\"neuron\")");
        body.add(
            "compiled_"
                + module
                + " = torch.compile("
                + module
                + ", "
                + d.flags.use("torch.compile", "backend")
                + "=\"neuron\", "
                + d.flags.use("torch.compile", "dynamic")
                + "=False)");
        body.add("with torch.no_grad():");
        body.add("    outputs = compiled_" + module + "(*" + inputs + ")");
        body.add("print(" + Py.str(module + " ran on Neuron") + ")");
        return;
      }
      List<String> args =
          new ArrayList<>(List.of(cc("--auto-cast"), "matmult", cc("--auto-cast-type"), "bf16"));
      modelType.ifPresent(m -> args.addAll(List.of(cc("--model-type"), m)));
      body.add(
          "traced_"
              + module
              + " = "
              + NEURONX_TRACE
              + "("
              + module
              + ", "
              + inputs
              + ", "
              + d.flags.use(NEURONX_TRACE, "compiler_args")
              + "=["
              + String.join(", ", args.stream().map(Py::str).toList())
              + "])");
      body.add("torch.jit.save(traced_" + module + ", " + Py.str(stem + "-neuron.pt") + ")");
      body.add("with torch.no_grad():");
      body.add("    outputs = traced_" + module + "(*" + inputs + ")");
      body.add("print(" + Py.str(module + " ran on Neuron") + ")");
    }

    private String cc(String flag) {
      return d.flags.use(NEURONX_CC, flag);
    }

    String text() {
      StringBuilder b = new StringBuilder();
      for (String i : imports) {
        b.append(i).append('\n');
      }
      if (!body.isEmpty() && !body.get(0).isEmpty()) {
        b.append('\n');
      }
      for (String l : body) {
        b.append(l).append('\n');
      }
      return b.toString();
    }
  }
}
