package dev.neuronfit.rules;

import dev.neuronfit.coverage.ListCoverage;
import dev.neuronfit.coverage.OpStatus;
import dev.neuronfit.coverage.OpTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Nodes whose operators are missing from the Neuron operator list for inf1, or that a Neuron
 * document places on the CPU, would run on the CPU rather than a NeuronCore-v1. Severity follows
 * the share of counted nodes: {@code warning} from {@link #WARNING_SHARE}, {@code info} below.
 */
public final class CpuFallbackOnInf1 extends Rule {
  /** neuronfit's threshold, not the guideline's: from a tenth of the graph on, say it loudly. */
  static final double WARNING_SHARE = 0.10;

  private static final int SHOWN = 6;

  private static final Set<String> SHAPE_OPS =
      Set.of("Shape", "Size", "ConstantOfShape", "Expand", "Range", "NonZero");
  private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

  /** RoI Align and NMS as ONNX and MXNet name them. */
  private static final Set<String> DETECTION =
      Set.of("NonMaxSuppression", "RoiAlign", "_contrib_ROIAlign", "_contrib_box_nms");

  public CpuFallbackOnInf1() {
    super(
        new RuleInfo(
            "cpu-fallback-on-inf1",
            "Operators that are not on the Neuron operator list for inf1 would run on the CPU",
            Severity.WARNING,
            List.of("inf1"),
            List.of(),
            List.of(),
            List.of(GuidelineSections.RCNN_INF1),
            List.of("Neuron supported operator lists (release-notes/neuron-cc-ops)"),
            "0.1.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    Optional<ListCoverage> found =
        ctx.target("inf1").flatMap(t -> ctx.operators()).flatMap(o -> o.direct("inf1"));
    if (found.isEmpty() || found.get().cpuNodes() == 0 || found.get().cpuShare().isEmpty()) {
      return List.of();
    }
    ListCoverage c = found.get();
    double share = c.cpuShare().getAsDouble();
    List<OpTally> cpu = c.unsupported();
    String ops =
        cpu.stream()
                .limit(SHOWN)
                .map(t -> t.op() + " ×" + t.count() + label(t.status()))
                .collect(Collectors.joining(", "))
            + (cpu.size() > SHOWN ? " and " + (cpu.size() - SHOWN) + " more operator types" : "");
    String origin =
        ctx.operators().get().coverage().stream()
            .filter(
                x -> x.target().equals("inf1") && x.basis() == ListCoverage.Basis.EXPORT_ORIGINS)
            .flatMap(x -> x.list().modelCheck().stream())
            .findFirst()
            .map(m -> " For a model exported from PyTorch, check the PyTorch model with " + m + ".")
            .orElse("");
    return List.of(
        finding(ctx)
            .severity(share >= WARNING_SHARE ? Severity.WARNING : Severity.INFO)
            .target("inf1")
            .message(
                String.format(
                    Locale.ROOT,
                    "%d of %d counted nodes (%.1f%%) would run on the CPU on inf1: %s.",
                    c.cpuNodes(),
                    c.countedNodes(),
                    share * 100,
                    reason(c)))
            .observed(
                ops
                    + (c.inCpuSubgraphs() > 0
                        ? "; "
                            + c.inCpuSubgraphs()
                            + " more nodes inside If/Loop/Scan bodies on the CPU"
                        : "")
                    + "; checked against the "
                    + c.list().label()
                    + ", "
                    + c.list().ops().size()
                    + " operators")
            .guideline(
                "Only the operators on the compiler's list run on a NeuronCore-v1; the framework"
                    + " integrations leave the rest of the graph to the CPU, and each switch between"
                    + " CPU and NeuronCore costs a transfer. Control flow and dynamic shapes are not"
                    + " compiled, and RoI Align always runs on the CPU on inf1.")
            .advice(advice(c) + origin + " The list is " + c.list().status() + ".")
            .source(c.list().source() + " (as of " + c.list().asOf() + ")")
            .build());
  }

  private static String advice(ListCoverage c) {
    List<String> ops = c.unsupported().stream().map(OpTally::op).toList();
    List<String> out = new ArrayList<>();
    if (ops.stream().anyMatch(SHAPE_OPS::contains)) {
      out.add("Fix the input shapes so that shape arithmetic folds into constants.");
    }
    if (ops.stream().anyMatch(CONTROL_FLOW::contains)) {
      out.add("Keep control flow (If, Loop, Scan) out of the part you compile.");
    }
    if (ops.stream().anyMatch(DETECTION::contains)) {
      out.add("Expect detection steps such as RoI Align and non-maximum suppression on the CPU.");
    }
    if (ops.stream()
        .anyMatch(
            o -> !SHAPE_OPS.contains(o) && !CONTROL_FLOW.contains(o) && !DETECTION.contains(o))) {
      out.add(
          (out.isEmpty() ? "Replace the missing operators" : "Replace the other missing operators")
              + " with listed ones where the model allows, or compile the graph in parts"
              + " around them.");
    }
    return String.join(" ", out);
  }

  private static String reason(ListCoverage c) {
    List<String> why = new ArrayList<>();
    if (c.unsupported().stream().anyMatch(t -> t.status() != OpStatus.CPU_BY_GUIDELINE)) {
      why.add("their operators are not on the " + c.list().name());
    }
    if (c.unsupported().stream().anyMatch(t -> t.status() == OpStatus.CPU_BY_GUIDELINE)) {
      why.add("the guideline places them on the CPU");
    }
    if (why.isEmpty()) {
      why.add("the If, Loop or Scan around them does");
    }
    return String.join(", or ", why);
  }

  private static String label(OpStatus s) {
    return switch (s) {
      case CPU_BY_GUIDELINE -> " (CPU by guideline)";
      case OTHER_DOMAIN -> " (other domain)";
      default -> "";
    };
  }
}
