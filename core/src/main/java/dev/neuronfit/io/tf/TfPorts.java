package dev.neuronfit.io.tf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which output of its producer a node input names. In a GraphDef an input names it by position
 * ({@code x:1}); in a function body by output argument and index ({@code x:output:1}, {@code
 * bn:batch_mean:0}), whose position needs the producer's output arguments.
 */
final class TfPorts {
  /**
   * Output arguments of the ops that have several, in order (TensorFlow's op registry): a function
   * body names an output by argument and index ({@code bn:batch_mean:0}), whose position among the
   * op's outputs needs them. Ops with one output argument (calls, Split, Unpack, While: {@code
   * output}) number their outputs by that index alone.
   */
  private static final Map<String, List<String>> OUTPUT_ARGS = outputArgs();

  private TfPorts() {}

  /** The output position an input names; 0 when it names none or names it unreadably. */
  static long port(String input, Map<String, String> opOf) {
    String[] parts = input.split(":", -1);
    if (parts.length < 2) {
      return 0;
    }
    long index;
    try {
      index = Long.parseLong(parts[parts.length - 1]);
    } catch (NumberFormatException e) {
      return 0;
    }
    if (index < 0 || index > Integer.MAX_VALUE) {
      return 0;
    }
    if (parts.length == 2) {
      return index;
    }
    List<String> args = OUTPUT_ARGS.getOrDefault(opOf.getOrDefault(parts[0], ""), List.of());
    return Math.max(0, args.indexOf(parts[1])) + index;
  }

  private static Map<String, List<String>> outputArgs() {
    Map<String, List<String>> m = new HashMap<>();
    List<String> bn2 =
        List.of("y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2");
    m.put("FusedBatchNorm", bn2);
    m.put("FusedBatchNormV2", bn2);
    List<String> bn3 = new ArrayList<>(bn2);
    bn3.add("reserve_space_3");
    m.put("FusedBatchNormV3", bn3);
    m.put("_FusedBatchNormEx", bn3);
    List<String> rnn = List.of("output", "output_h", "output_c", "reserve_space", "host_reserved");
    m.put("CudnnRNN", rnn);
    m.put("CudnnRNNV2", rnn);
    m.put("CudnnRNNV3", rnn);
    m.put("TopKV2", List.of("values", "indices"));
    m.put("TopK", List.of("values", "indices"));
    m.put("Unique", List.of("y", "idx"));
    m.put("UniqueV2", List.of("y", "idx"));
    m.put("UniqueWithCounts", List.of("y", "idx", "count"));
    List<String> lstm = List.of("i", "cs", "f", "o", "ci", "co", "h");
    m.put("LSTMBlockCell", lstm);
    m.put("BlockLSTM", lstm);
    m.put("BlockLSTMV2", lstm);
    m.put("GRUBlockCell", List.of("r", "u", "c", "h"));
    m.put("Switch", List.of("output_false", "output_true"));
    m.put("NonMaxSuppressionV4", List.of("selected_indices", "valid_outputs"));
    m.put("NonMaxSuppressionV5", List.of("selected_indices", "selected_scores", "valid_outputs"));
    m.put(
        "CombinedNonMaxSuppression",
        List.of("nmsed_boxes", "nmsed_scores", "nmsed_classes", "valid_detections"));
    return Map.copyOf(m);
  }
}
