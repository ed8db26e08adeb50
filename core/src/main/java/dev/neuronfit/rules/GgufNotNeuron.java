package dev.neuronfit.rules;

import dev.neuronfit.model.DType;
import dev.neuronfit.model.HfConfig;
import dev.neuronfit.model.ModelFormat;
import java.util.List;
import java.util.Optional;

/**
 * The model is a GGUF file. The Neuron SDK's inference stacks (transformers-neuronx, NeuronX
 * Distributed Inference, optimum-neuron, torch-neuronx tracing) load Hugging Face checkpoints or
 * PyTorch modules, not llama.cpp's GGUF, whose weights are mostly block-quantized for ggml kernels.
 * Names the source model when the GGUF metadata gives it ({@code general.base_model.*}, {@code
 * general.source.*}, as llama.cpp's converter writes them).
 */
public final class GgufNotNeuron extends Rule {
  private static final List<String> SOURCE_KEYS =
      List.of(
          "general.base_model.0.repo_url",
          "general.source.huggingface.repository",
          "general.source.repo_url",
          "general.source.url",
          "general.base_model.0.url");

  public GgufNotNeuron() {
    super(
        new RuleInfo(
            "gguf-not-neuron",
            "GGUF files are for llama.cpp; Neuron compiles the Hugging Face model they came from",
            Severity.WARNING,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                "ggml docs/gguf.md (the GGUF format); AWS Neuron documentation, NxD Inference"
                    + " and transformers-neuronx model loading (Hugging Face checkpoints)"),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (ctx.profile().format() != ModelFormat.GGUF) {
      return List.of();
    }
    Optional<HfConfig> cfg = ctx.profile().hf().flatMap(h -> h.config());
    Optional<String> source = cfg.flatMap(GgufNotNeuron::source);
    long quantized =
        ctx.profile().tensors().stream().filter(t -> t.dtype() == DType.GGML_QUANT).count();
    String arch = cfg.flatMap(c -> c.string("general.architecture")).orElse("unknown");
    return List.of(
        finding(ctx)
            .message(
                "This is a GGUF file (llama.cpp); the Neuron SDK does not load GGUF: compile the"
                    + " Hugging Face model it was converted from"
                    + source.map(s -> " (" + s + ")").orElse("")
                    + ".")
            .observed(
                "general.architecture "
                    + arch
                    + "; "
                    + quantized
                    + " of "
                    + ctx.profile().tensors().size()
                    + " tensors block-quantized (ggml types)"
                    + source.map(s -> "; source named in the metadata: " + s).orElse(""))
            .guideline(
                "Neuron's inference libraries load Hugging Face checkpoints (safetensors or"
                    + " PyTorch weights with config.json) and compile them for NeuronCores.")
            .advice(
                source.isPresent()
                    ? "Download " + source.get() + " and run neuronfit on that folder."
                    : "Find the model it was converted from (general.name: "
                        + cfg.flatMap(c -> c.string("general.name")).orElse("not given")
                        + ") and run neuronfit on its Hugging Face folder.")
            .build());
  }

  private static Optional<String> source(HfConfig c) {
    for (String k : SOURCE_KEYS) {
      Optional<String> v = c.string(k);
      if (v.isPresent() && !v.get().isBlank()) {
        return v;
      }
    }
    Optional<String> org = c.string("general.base_model.0.organization");
    Optional<String> name = c.string("general.base_model.0.name");
    return name.map(n -> org.map(o -> o + "/").orElse("") + n);
  }
}
