package dev.neuronfit.rules;

import dev.neuronfit.estimate.SizeSource;
import dev.neuronfit.kb.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Neither the weight files nor a config layout give the model's size, so no target's sizing (and no
 * "does not fit" finding) can be computed: said on every target rather than left silent.
 */
public final class SizeUnknown extends Rule {
  public SizeUnknown() {
    super(
        new RuleInfo(
            "size-unknown",
            "The model's size is unknown, so whether a target holds it is not checked",
            Severity.WARNING,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                "AWS Neuron documentation, Generative LLM inference with Neuron (memory footprint);"
                    + " Neuron hardware pages, instance sizes"),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (SizeSource.of(ctx.weights(), Optional.empty()) != SizeSource.UNKNOWN) {
      return List.of();
    }
    List<Finding> out = new ArrayList<>();
    for (Target t : ctx.targets()) {
      out.add(
          finding(ctx)
              .target(t.id())
              .message(
                  "neuronfit could not size this model, so it does not know whether any "
                      + t.id()
                      + " instance holds it.")
              .observed("no parameter count or weight bytes: " + ctx.weights().basis())
              .guideline(
                  "The weights and the KV cache must fit in the device memory of the NeuronCores"
                      + " the model is spread over.")
              .advice(
                  "Put the weight files (or their safetensors index) next to the config, or check"
                      + " the model's size by hand against the instance's device memory.")
              .build());
    }
    return out;
  }
}
