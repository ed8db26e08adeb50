package dev.neuronfit.rules;

import static dev.neuronfit.model.Quantities.bytes;

import dev.neuronfit.estimate.Sizing;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No instance size of a target holds the model: its weights plus the KV cache at the requested
 * batch and length need more device memory than the largest instance has, or more NeuronCores than
 * the largest tensor-parallel degree the runtime supports. Reads the sizing the report shows (see
 * {@link dev.neuronfit.estimate.Roofline}), so the finding and the sizing table always agree.
 */
public final class NoInstanceHoldsModel extends Rule {
  private static final String GUIDELINE =
      "The weights and the KV cache must fit in the device memory of the NeuronCores the model is"
          + " spread over, and the Neuron runtime spreads a model only over the tensor-parallel"
          + " degrees it supports (Inf2: 2, 4, 8, 12, 24; Trn1: 2, 8, 32).";

  public NoInstanceHoldsModel() {
    super(
        new RuleInfo(
            "no-instance-holds-model",
            "No instance size of the target holds the weights and KV cache",
            Severity.ERROR,
            List.of("inf1", "inf2", "trn1"),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                "AWS Neuron documentation, Generative LLM inference with Neuron (memory footprint and"
                    + " tensor-parallel degrees); Neuron hardware pages, instance sizes"
                    + " (aws-neuron-sdk: about-neuron/arch/neuron-hardware/*.rst)"),
            "0.2.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    if (ctx.workload().isEmpty()) {
      return List.of();
    }
    Workload w = ctx.workload().get();
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, TargetEstimate> e : ctx.estimates().entrySet()) {
      Sizing s = e.getValue().sizing();
      if (s.instance().isPresent()) {
        continue;
      }
      String target = e.getKey();
      boolean cache = w.kvCacheBytes() > 0;
      out.add(
          finding(ctx)
              .target(target)
              .message(
                  "No "
                      + target
                      + " instance holds this model: it needs "
                      + bytes(s.deviceMemoryBytesNeeded())
                      + " of device memory"
                      + (cache ? " for its weights and KV cache." : " for its weights."))
              .observed(observed(e.getValue().workload(), s))
              .guideline(GUIDELINE)
              .advice(advice(w, ctx.estimates()))
              .build());
    }
    return out;
  }

  private static String observed(Workload w, Sizing s) {
    StringBuilder b = new StringBuilder();
    b.append("weights ").append(bytes(w.weightBytes())).append(' ').append(w.weightsHeld());
    if (w.kvCacheBytes() > 0) {
      b.append(" + KV cache ")
          .append(bytes(w.kvCacheBytes()))
          .append(" at batch ")
          .append(w.batch());
      w.sequenceLength().ifPresent(l -> b.append(" and ").append(l).append(" tokens"));
    }
    b.append(" = ")
        .append(bytes(s.deviceMemoryBytesNeeded()))
        .append(", ")
        .append(s.neuronCores())
        .append(" NeuronCores at one core's memory");
    w.width().ifPresent(x -> b.append("; ").append(x.reason()));
    for (String n : s.notes()) {
      if (n.startsWith("the largest instance") || n.contains("tensor-parallel degree")) {
        b.append("; ").append(n);
      }
    }
    return b.toString();
  }

  private static String advice(Workload w, Map<String, TargetEstimate> estimates) {
    List<String> ways = new ArrayList<>();
    List<String> elsewhere =
        estimates.values().stream()
            .filter(t -> t.sizing().instance().isPresent())
            .map(t -> t.sizing().instance().get() + " (" + t.target() + ")")
            .toList();
    if (!elsewhere.isEmpty()) {
      ways.add("move to a target where it fits: " + String.join(", ", elsewhere));
    }
    if (w.kvCacheBytes() > 0) {
      ways.add(
          "lower the batch size or the maximum sequence length (the KV cache grows with both)");
    }
    ways.add(
        "store the weights in a smaller type where the package supports it (bf16 over fp32, or"
            + " int8/fp8 weight quantisation)");
    ways.add("or split the model over several instances (pipeline parallelism)");
    String text = String.join("; ", ways);
    return Character.toUpperCase(text.charAt(0))
        + text.substring(1)
        + ". neuronfit check --batch, --seq-len and --dtype show the sizing after such a change.";
  }
}
