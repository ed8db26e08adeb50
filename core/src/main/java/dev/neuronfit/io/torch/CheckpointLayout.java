package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.PDict;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.torch.TensorWalk.Named;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which tensors of a torch.save checkpoint are the model's parameters. A checkpoint is
 * either a state dict, a pickled module, or a dict holding one of them beside training state.
 *
 * <ul>
 *   <li>Under a top-level key that names the model ({@code state_dict}, {@code model_state_dict},
 *       {@code model}, {@code module}, {@code net}, {@code network}, {@code model_state}, {@code
 *       params}, {@code weights}, first match with tensors): those tensors, named relative to it.
 *   <li>Otherwise every tensor except those under training-state keys (optimizer, scheduler,
 *       gradient scaler, random-number state) and exponential-moving-average copies.
 *   <li>A {@code module.} (DataParallel) or {@code _orig_mod.} (torch.compile) prefix shared by
 *       every name is dropped.
 * </ul>
 *
 * Tensors left out are reported in a note with their count, never added to the parameters:
 * optimizer moments are as large as the model but are not part of it.
 */
final class CheckpointLayout {
  private static final List<String> MODEL_KEYS =
      List.of(
          "state_dict",
          "model_state_dict",
          "model",
          "module",
          "net",
          "network",
          "model_state",
          "params",
          "weights");

  private static final Set<String> TRAINING_KEYS =
      Set.of(
          "optimizer",
          "optimizer_state_dict",
          "optimizer_state",
          "optimizers",
          "optimizer_states",
          "optim",
          "opt",
          "scheduler",
          "lr_scheduler",
          "schedulers",
          "lr_schedulers",
          "scaler",
          "grad_scaler",
          "amp",
          "rng_state",
          "rng_states",
          "random_state",
          "cuda_rng_state",
          "torch_rng_state",
          "loops",
          "callbacks");

  private static final Set<String> EMA_KEYS =
      Set.of("ema", "model_ema", "ema_model", "ema_state_dict", "ema_state", "shadow");

  private CheckpointLayout() {}

  /** The parameters, module classes and notes on what was left out. */
  record Selection(
      List<Named> tensors, Map<String, String> modules, int unreadable, List<String> notes) {}

  static Selection select(
      PickleValue root, Path file, String place, PickleLimits limits, int maxTensors)
      throws ModelFormatException {
    List<String> notes = new ArrayList<>();
    TensorWalk counted = new TensorWalk(file, place, limits, maxTensors);
    if (root instanceof PDict d) {
      Map.Entry<String, PickleValue> model = null;
      for (String key : MODEL_KEYS) {
        PickleValue v = d.get(key).orElse(null);
        if (v != null
            && !TorchTensors.isRebuild(v)
            && !new TensorWalk(file, place, limits, maxTensors).walk(v, "").tensors().isEmpty()) {
          model = Map.entry(key, v);
          break;
        }
      }
      for (Map.Entry<PickleValue, PickleValue> e : d.entries()) {
        String key = keyText(e.getKey());
        boolean training = key != null && TRAINING_KEYS.contains(key);
        boolean ema = key != null && EMA_KEYS.contains(key);
        if (model != null ? key != null && key.equals(model.getKey()) : !training && !ema) {
          continue;
        }
        int n =
            new TensorWalk(file, place, limits, maxTensors).walk(e.getValue(), "").tensors().size();
        if (n > 0) {
          notes.add(
              n
                  + " tensor"
                  + (n == 1 ? "" : "s")
                  + " under \""
                  + key
                  + "\" not counted as parameters ("
                  + (training
                      ? "training state"
                      : ema ? "a moving-average copy" : "beside the model")
                  + ")");
        }
      }
      if (model != null) {
        counted.walk(model.getValue(), "");
        notes.add(0, "parameters are the tensors under \"" + model.getKey() + "\"");
      } else {
        for (Map.Entry<PickleValue, PickleValue> e : d.entries()) {
          String key = keyText(e.getKey());
          if (key != null && !TRAINING_KEYS.contains(key) && !EMA_KEYS.contains(key)) {
            counted.walk(e.getValue(), key);
          }
        }
      }
    } else {
      counted.walk(root, "");
    }
    return new Selection(
        stripPrefix(counted.tensors()), counted.modules(), counted.unreadable(), notes);
  }

  private static String keyText(PickleValue key) {
    return key instanceof Str s
        ? s.value()
        : key instanceof PickleValue.Int i ? Long.toString(i.value()) : null;
  }

  private static List<Named> stripPrefix(List<Named> tensors) {
    for (String prefix : List.of("module.", "_orig_mod.")) {
      if (!tensors.isEmpty() && tensors.stream().allMatch(t -> t.name().startsWith(prefix))) {
        return stripPrefix(
            tensors.stream()
                .map(t -> new Named(t.name().substring(prefix.length()), t.tensor()))
                .toList());
      }
    }
    return tensors;
  }
}
