package dev.neuronfit.io.pickle;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.pickle.PickleValue.Bytes;
import dev.neuronfit.io.pickle.PickleValue.Global;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.Nil;
import dev.neuronfit.io.pickle.PickleValue.PDict;
import dev.neuronfit.io.pickle.PickleValue.PList;
import dev.neuronfit.io.pickle.PickleValue.Reduce;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls of data-building globals that {@link PickleMachine} turns into the plain values they
 * stand for ({@code collections.OrderedDict}, {@code builtins.set}, {@code torch.Size}, {@code
 * _codecs.encode}, TorchScript's list builders, copyreg's object constructors), and which argument
 * of a constructor is the class it builds rather than something it may call.
 */
final class PickleCalls {
  /**
   * The argument that names the class a constructor builds: {@code copyreg._reconstructor(cls,
   * base, state)}, {@code copyreg.__newobj__(cls, *args)}, numpy's {@code _reconstruct(subtype,
   * shape, dtype)} and {@code torch._tensor._rebuild_from_type_v2(func, new_type, args, state)}.
   * Any other global handed to a call may be called by it.
   */
  private static final Map<String, Integer> CLASS_ARGUMENT =
      Map.of(
          "copyreg._reconstructor", 0,
          "copyreg.__newobj__", 0,
          "copyreg.__newobj_ex__", 0,
          "numpy.core.multiarray._reconstruct", 0,
          "numpy._core.multiarray._reconstruct", 0,
          "torch._tensor._rebuild_from_type_v2", 1);

  private PickleCalls() {}

  /** True when argument {@code index} of a call of {@code callee} is the class it builds. */
  static boolean isClassArgument(Global callee, int index) {
    Integer at = CLASS_ARGUMENT.get(PickleGlobals.canonical(callee.module(), callee.name()));
    return at != null && at == index;
  }

  /** The value a call of a data-building global stands for; a {@link Reduce} for the others. */
  static PickleValue apply(Global g, Tuple args, Reduce.Kind kind, PickleText.Failure fail)
      throws ModelFormatException {
    List<PickleValue> a = args.items();
    PickleValue first = a.isEmpty() ? Nil.NONE : a.get(0);
    switch (PickleGlobals.canonical(g.module(), g.name())) {
      case "collections.OrderedDict", "collections.Counter", "builtins.dict" -> {
        return dict(first, fail);
      }
      case "collections.defaultdict" -> {
        return new PDict();
      }
      case "builtins.set", "builtins.frozenset" -> {
        PList s = new PList(true);
        s.items().addAll(items(first));
        return s;
      }
      case "builtins.list" -> {
        PList l = new PList(false);
        l.items().addAll(items(first));
        return l;
      }
      case "builtins.tuple", "torch.Size" -> {
        return new Tuple(items(first));
      }
      case "torch.jit._pickle.build_intlist",
          "torch.jit._pickle.build_doublelist",
          "torch.jit._pickle.build_boollist",
          "torch.jit._pickle.build_tensorlist",
          "torch.jit._pickle.restore_type_tag" -> {
        return first;
      }
      case "_codecs.encode", "codecs.encode" -> {
        return first instanceof Str s
            ? new Bytes(s.value().length(), Optional.of(PickleText.latin1(s.value())))
            : new Bytes(0, Optional.of(new byte[0]));
      }
      case "torch.device" -> {
        return new Str(
            a.size() > 1 && a.get(1) instanceof Int i
                ? PickleText.plain(first) + ":" + i.value()
                : PickleText.plain(first));
      }
      case "copyreg._reconstructor", "copyreg.__newobj__" -> {
        return new Reduce(first, new Tuple(a.isEmpty() ? a : a.subList(1, a.size())), kind);
      }
      default -> {
        return new Reduce(g, args, kind);
      }
    }
  }

  private static PDict dict(PickleValue from, PickleText.Failure fail) throws ModelFormatException {
    PDict d = new PDict();
    if (from instanceof PDict src) {
      src.entries().forEach(e -> d.put(e.getKey(), e.getValue()));
    } else {
      for (PickleValue pair : items(from)) {
        if (pair instanceof Tuple t && t.size() == 2) {
          d.put(t.get(0), t.get(1));
        } else {
          throw fail.at("a dict built from " + PickleText.kind(pair) + ", not a key-value pair");
        }
      }
    }
    return d;
  }

  private static List<PickleValue> items(PickleValue v) {
    if (v instanceof Tuple t) {
      return t.items();
    }
    if (v instanceof PList l) {
      return l.items();
    }
    return List.of();
  }

  /**
   * The globals inside a value handed to a call, looked for down to a small depth and count: enough
   * for the tuples, lists and dicts of arguments.
   */
  static List<Global> globalsIn(PickleValue v) {
    List<Global> out = new ArrayList<>();
    List<PickleValue> level = List.of(v);
    int seen = 0;
    for (int depth = 0; depth < 4 && !level.isEmpty() && seen < MAX_SEEN; depth++) {
      List<PickleValue> next = new ArrayList<>();
      for (PickleValue x : level) {
        if (++seen > MAX_SEEN) {
          break;
        }
        if (x instanceof Global g) {
          out.add(g);
        } else if (x instanceof Tuple t) {
          addSome(t.items(), next);
        } else if (x instanceof PList l) {
          addSome(l.items(), next);
        } else if (x instanceof PDict d) {
          for (Map.Entry<PickleValue, PickleValue> e : d.entries()) {
            addSome(List.of(e.getKey(), e.getValue()), next);
          }
        }
      }
      level = next;
    }
    return out;
  }

  private static void addSome(List<PickleValue> from, List<PickleValue> to) {
    for (int i = 0; i < from.size() && to.size() < MAX_SEEN; i++) {
      to.add(from.get(i));
    }
  }

  private static final int MAX_SEEN = 10_000;
}
