package dev.neuronfit.io.torch;

import dev.neuronfit.io.torch.TensorWalk.Named;
import dev.neuronfit.io.torch.TorchTensors.TensorRef;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.TensorInfo;
import dev.neuronfit.model.WeightSummary;
import dev.neuronfit.model.WeightSummary.DTypeTally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the tensors found in torch pickles into the profile's tensors and weight figures. Every
 * name becomes a {@link TensorInfo} (its elements and the bytes of those elements), but the totals
 * count what is stored once: tensors that share a storage at the same offset and shape (tied
 * weights, such as an embedding reused as the output layer) count once as parameters, and bytes are
 * those of each distinct storage, which is what the file holds.
 */
final class TorchWeights {
  private TorchWeights() {}

  static List<TensorInfo> infos(List<Named> tensors, String file) {
    List<TensorInfo> out = new ArrayList<>(tensors.size());
    for (Named n : tensors) {
      TensorRef t = n.tensor();
      long elements = t.elements();
      out.add(
          new TensorInfo(
              n.name(), t.dtype(), t.shape(), elements, bytes(t.dtype(), elements), file));
    }
    return out;
  }

  /**
   * The totals.
   *
   * @param basis where the figures come from, e.g. {@code torch.save pickle archive/data.pkl}
   */
  static WeightSummary summary(List<Named> tensors, String basis) {
    Map<DType, long[]> byType = new TreeMap<>();
    Set<List<Object>> views = new HashSet<>();
    Map<String, Long> storages = new HashMap<>();
    long elements = 0;
    long bytes = 0;
    int shared = 0;
    for (Named n : tensors) {
      TensorRef t = n.tensor();
      long[] tally = byType.computeIfAbsent(t.dtype(), k -> new long[2]);
      boolean stored = !t.storageKey().isEmpty();
      if (stored && !views.add(List.of(t.storageKey(), t.offset(), t.shape(), t.dtype()))) {
        shared++;
        continue;
      }
      long e = t.elements();
      elements = Math.addExact(elements, e);
      tally[0] = Math.addExact(tally[0], e);
      long b;
      if (!stored) {
        b = 0;
      } else if (storages.containsKey(t.storageKey())) {
        b = 0;
        shared++;
      } else {
        b = bytes(t.dtype(), Math.max(t.storageElements(), e));
        storages.put(t.storageKey(), b);
      }
      bytes = Math.addExact(bytes, b);
      tally[1] = Math.addExact(tally[1], b);
    }
    Map<DType, DTypeTally> dtypes = new TreeMap<>();
    byType.forEach((d, v) -> dtypes.put(d, new DTypeTally(v[0], v[1])));
    String detail =
        basis
            + ": "
            + tensors.size()
            + " tensor"
            + (tensors.size() == 1 ? "" : "s")
            + " in "
            + storages.size()
            + " storage"
            + (storages.size() == 1 ? "" : "s")
            + (shared > 0 ? ", " + shared + " sharing storage with another (counted once)" : "");
    return new WeightSummary(
        OptionalLong.of(elements), OptionalLong.of(bytes), dtypes, false, detail);
  }

  private static long bytes(DType d, long elements) {
    return d.bytesFor(elements);
  }
}
