package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.pickle.PickleLimits;
import dev.neuronfit.io.pickle.PickleValue;
import dev.neuronfit.io.pickle.PickleValue.PDict;
import dev.neuronfit.io.pickle.PickleValue.PList;
import dev.neuronfit.io.pickle.PickleValue.Reduce;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import dev.neuronfit.io.torch.TorchTensors.TensorRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the tensors in a value read from a torch pickle and names them as a state dict would: dict
 * keys and list indices joined with dots; for pickled modules (an object whose state has {@code
 * _parameters}, {@code _buffers} and {@code _modules}, or a TorchScript object) the attribute
 * names, without the {@code _parameters}/{@code _modules} levels. Records each module's class by
 * its path. Each container is walked once (pickles can share or nest containers in loops); nesting
 * deeper than {@link PickleLimits#maxDepth()} is refused.
 */
final class TensorWalk {
  /** A tensor and the name it is stored under. */
  record Named(String name, TensorRef tensor) {}

  private static final int MAX_NAME = 1000;
  private static final List<String> MODULE_DICTS = List.of("_parameters", "_buffers", "_modules");

  private final Path file;
  private final String place;
  private final int maxDepth;
  private final int maxTensors;
  private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<Named> tensors = new ArrayList<>();
  private final Map<String, String> modules = new LinkedHashMap<>();
  private int unreadable;

  TensorWalk(Path file, String place, PickleLimits limits, int maxTensors) {
    this.file = file;
    this.place = place;
    this.maxDepth = limits.maxDepth();
    this.maxTensors = maxTensors;
  }

  /** Walks {@code v}, naming what it finds under {@code prefix}; can be called more than once. */
  TensorWalk walk(PickleValue v, String prefix) throws ModelFormatException {
    visit(v, prefix, 0);
    return this;
  }

  List<Named> tensors() {
    return tensors;
  }

  /** Module classes by path ({@code ""} for the root), e.g. {@code __main__.Net}. */
  Map<String, String> modules() {
    return modules;
  }

  /** Tensor rebuilds whose layout could not be read (sparse, nested, device-specific). */
  int unreadable() {
    return unreadable;
  }

  private void visit(PickleValue v, String name, int depth) throws ModelFormatException {
    if (depth > maxDepth) {
      throw new ModelFormatException(
          file, place, "values nested more than " + maxDepth + " deep (at " + shown(name) + ")");
    }
    if (TorchTensors.isRebuild(v)) {
      Optional<TensorRef> t = TorchTensors.decode(v);
      if (t.isEmpty()) {
        unreadable++;
        return;
      }
      if (tensors.size() >= maxTensors) {
        throw new ModelFormatException(file, place, "more than " + maxTensors + " tensors");
      }
      tensors.add(new Named(name, t.get()));
      return;
    }
    if (!(v instanceof PDict || v instanceof PList || v instanceof Tuple || v instanceof Reduce)
        || !visited.add(v)) {
      return;
    }
    if (v instanceof PDict d) {
      entries(d, name, depth);
    } else if (v instanceof PList l) {
      items(l.items(), name, depth);
    } else if (v instanceof Tuple t) {
      items(t.items(), name, depth);
    } else if (v instanceof Reduce r) {
      object(r, name, depth);
    }
  }

  private void object(Reduce r, String name, int depth) throws ModelFormatException {
    PickleValue state = r.state();
    Optional<String> cls = className(r);
    boolean module =
        state instanceof PDict d && MODULE_DICTS.stream().anyMatch(k -> d.get(k).isPresent());
    boolean script = cls.map(c -> c.startsWith("__torch__.")).orElse(false);
    if ((module || script) && cls.isPresent()) {
      modules.putIfAbsent(name, cls.get());
    }
    if (module) {
      PDict d = (PDict) state;
      for (String k : MODULE_DICTS) {
        Optional<PickleValue> inner = d.get(k);
        if (inner.isPresent()) {
          visit(inner.get(), name, depth + 1);
        }
      }
      for (Map.Entry<PickleValue, PickleValue> e : d.entries()) {
        if (e.getKey() instanceof Str s && !s.value().startsWith("_")) {
          visit(e.getValue(), join(name, s.value()), depth + 1);
        }
      }
    } else {
      visit(state, name, depth + 1);
    }
    items(r.items(), name, depth);
    entries(r.entries(), name, depth);
  }

  private void entries(PDict d, String name, int depth) throws ModelFormatException {
    for (Map.Entry<PickleValue, PickleValue> e : d.entries()) {
      String key =
          e.getKey() instanceof Str s
              ? s.value()
              : e.getKey() instanceof PickleValue.Int i ? Long.toString(i.value()) : null;
      if (key != null) {
        visit(e.getValue(), join(name, key), depth + 1);
      }
    }
  }

  private void items(List<PickleValue> items, String name, int depth) throws ModelFormatException {
    for (int i = 0; i < items.size(); i++) {
      visit(items.get(i), join(name, Integer.toString(i)), depth + 1);
    }
  }

  /** The class an object was made from: the callable of NEWOBJ/INST/OBJ or a REDUCE'd class. */
  static Optional<String> className(Reduce r) {
    return r.global().map(PickleValue.Global::qualified);
  }

  /** Joins a name; names from hostile files are cut at {@value #MAX_NAME} characters. */
  static String join(String prefix, String key) {
    String k = key.length() > MAX_NAME ? key.substring(0, MAX_NAME) : key;
    String n = prefix.isEmpty() ? k : prefix + "." + k;
    return n.length() > MAX_NAME ? n.substring(0, MAX_NAME) : n;
  }

  private static String shown(String name) {
    return name.length() > 80 ? name.substring(0, 80) + "..." : name.isEmpty() ? "the root" : name;
  }
}
