package dev.neuronfit.estimate.graph;

import dev.neuronfit.estimate.Phase;
import dev.neuronfit.estimate.Workload;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * What the three graph workloads (ONNX, TensorFlow, Keras) do alike once their shapes are
 * propagated: the bytes of the graph's inputs and outputs, the count of nodes left cost unknown,
 * the breakdown of multiply-accumulates, and the {@link Workload} built from the totals. Stateless.
 */
public final class GraphTotals {
  private GraphTotals() {}

  /** Whether a stored type is floating point, so it is counted at the device type. */
  public static boolean floating(DType t) {
    return t.name().startsWith("F") || t == DType.BF16;
  }

  /** The declared dimensions of a graph output, its symbolic ones unknown. */
  public static TensorValue declared(ValueInfo v) {
    long[] d = v.shape().stream().mapToLong(ValueInfo.Dim::value).toArray();
    return v.shape().isEmpty() ? TensorValue.UNKNOWN : TensorValue.of(d, false);
  }

  /** Bytes of a graph input or output (floating-point at the device type), -1 when unknown. */
  public static long bytes(TensorValue v, ValueInfo info, DType device) {
    long n = v == null ? -1 : v.elements();
    if (n < 0) {
      return -1;
    }
    DType t = info.elementType().filter(e -> !floating(e) && e != DType.STRING).orElse(device);
    try {
      return t.bytesFor(n);
    } catch (ArithmeticException e) {
      return -1; // more bytes than a long holds: a hostile shape, not a size
    }
  }

  /** Bytes of the inputs that {@code which} accepts, at their bound shapes (unknown ones as 0). */
  public static long inputBytes(
      List<ValueInfo> inputs, InputBinding.Bound bound, DType device, Predicate<ValueInfo> which) {
    long sum = 0;
    for (ValueInfo in : inputs) {
      if (which.test(in)) {
        sum =
            Quantities.saturatedSum(
                sum, Math.max(0, bytes(bound.values().get(in.name()), in, device)));
      }
    }
    return sum;
  }

  /**
   * Bytes of the outputs at their propagated shapes, else at their declared ones; the names of
   * those with neither are added to {@code unsized}.
   */
  public static long outputBytes(
      List<ValueInfo> outputs,
      Map<String, TensorValue> propagated,
      DType device,
      List<String> unsized) {
    long sum = 0;
    for (ValueInfo out : outputs) {
      long b = bytes(propagated.getOrDefault(out.name(), TensorValue.UNKNOWN), out, device);
      if (b < 0) {
        b = bytes(declared(out), out, device);
      }
      if (b < 0) {
        unsized.add(out.name());
      }
      sum = Quantities.saturatedSum(sum, Math.max(0, b));
    }
    return sum;
  }

  /** How many nodes the propagation left cost unknown, over all their operators. */
  public static int unknownNodes(Map<String, Integer> costUnknown) {
    return costUnknown.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** e.g. {@code Conv 4.09 G (99.9%), Gemm 2.05 M (0.1%)}, largest first. */
  public static String breakdown(Map<String, Double> byOp, double total) {
    List<String> parts = new ArrayList<>();
    byOp.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e ->
                parts.add(
                    e.getKey()
                        + " "
                        + si(e.getValue())
                        + String.format(Locale.ROOT, " (%.1f%%)", 100 * e.getValue() / total)));
    return String.join(", ", parts);
  }

  private static String si(double x) {
    String[] units = {"", " k", " M", " G", " T", " P"};
    int i = 0;
    while (x >= 1000 && i < units.length - 1) {
      x /= 1000;
      i++;
    }
    return String.format(Locale.ROOT, i == 0 ? "%.0f%s" : "%.3g%s", x, units[i]);
  }

  /**
   * The bytes one pass moves: the weights once, the graph's inputs and outputs; the KV cache is
   * among the inputs (0 when the graph takes none).
   */
  public record Bytes(long weights, long inputs, long outputs, long kvCache) {
    /** Everything read or written once, saturating at {@code Long.MAX_VALUE}. */
    public long moved() {
      return Quantities.saturatedSum(weights, inputs, outputs);
    }
  }

  /**
   * The workload of one pass: a single phase of {@code 2 * macs} FLOPs over {@code batch} items (at
   * least one), moving {@code bytes.moved()}.
   */
  public static Workload onePass(
      InputBinding.Bound bound,
      int batch,
      String phase,
      double macs,
      Map<String, Integer> costUnknown,
      DType dtype,
      Bytes bytes,
      String method,
      List<String> assumptions) {
    return new Workload(
        batch,
        boxed(bound.sequenceLength()),
        boxed(bound.imageSize()),
        dtype,
        List.of(new Phase(phase, 2 * macs, bytes.moved(), Math.max(1, batch))),
        costUnknown,
        bytes.weights(),
        Quantities.saturatedSum(bytes.inputs(), bytes.outputs()),
        bytes.kvCache(),
        method,
        assumptions);
  }

  private static java.util.Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? java.util.Optional.of(v.getAsInt()) : java.util.Optional.empty();
  }
}
