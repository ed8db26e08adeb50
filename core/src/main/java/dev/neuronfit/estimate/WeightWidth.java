package dev.neuronfit.estimate;

import dev.neuronfit.kb.SupportNow;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Quantization;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The width a quantized checkpoint's weights are held and moved at on one target, with the reason:
 * their stored width where a stack of today's support data runs the checkpoint's method on the
 * target (for its architecture), else the device type, because a path that does not run the method
 * serves the model unquantized (rejected, unsupported, or dequantized on load). This is the one
 * place that decides it; sizing, the roofline, plans and rules read the workload it selects.
 * Immutable.
 *
 * @param target the target id
 * @param stored true when the weights are held at their stored width
 * @param reason why, in one clause, e.g. {@code held at BF16: no current trn2 stack runs MXFP4}
 */
public record WeightWidth(String target, boolean stored, String reason) {
  public WeightWidth {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Decides the width for {@code target} from the support data.
   *
   * @param classes the model's Hugging Face architecture classes (some entries name them)
   * @param dtype the device type the weights fall back to
   */
  public static WeightWidth of(
      SupportNow now, Quantization q, List<String> classes, String target, DType dtype) {
    String method = q.method().toUpperCase(java.util.Locale.ROOT);
    Optional<SupportNow.QuantizationRun> run = now.runs(q.method(), classes, target);
    if (run.isPresent()) {
      return new WeightWidth(
          target,
          true,
          "weights held at their stored "
              + method
              + " width: "
              + run.get().stack().name()
              + " runs "
              + method
              + " on "
              + target);
    }
    return new WeightWidth(
        target,
        false,
        "weights held at "
            + dtype
            + ": no current "
            + target
            + " stack runs "
            + method
            + " for this model");
  }
}
