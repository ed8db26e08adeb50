package dev.neuronfit.io.pickle;

import dev.neuronfit.io.pickle.PickleGlobals.Level;
import dev.neuronfit.model.Hazard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hazardous globals found in the pickles of one model file, each listed once (at its first
 * place) with how a real unpickler would use it. Kinds: {@value #CODE_KIND} for a global that runs
 * code ({@link Level#CODE}), {@value #IMPORT_KIND} for one that would be imported and built or
 * called ({@link Level#IMPORT}).
 *
 * <p>Capped at {@link PickleLimits#maxHazards()} entries, and the cap never hides the worst: when
 * the list is full, a code-running global takes the place of the latest import-only one, and only
 * what finds no place is counted in {@link #dropped()}. Not thread-safe.
 */
public final class PickleHazards {
  public static final String CODE_KIND = "pickle-global";
  public static final String IMPORT_KIND = "pickle-import";
  private static final int MAX_ARGS_CHARS = 160;

  private final int max;
  private final Map<String, Entry> byName = new LinkedHashMap<>();
  private int dropped;

  private static final class Entry {
    Level level;
    final String place;
    String use = "";

    Entry(Level level, String place) {
      this.level = level;
      this.place = place;
    }
  }

  public PickleHazards(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive");
    }
    this.max = max;
  }

  /** Records that a pickle names a global of this level (DATA globals are not recorded). */
  void named(String qualified, Level level, String place) {
    if (level == Level.DATA) {
      return;
    }
    Entry e = byName.get(qualified);
    if (e == null) {
      add(qualified, new Entry(level, place));
    } else if (level == Level.CODE) {
      e.level = Level.CODE;
    }
  }

  /** Records how a named global is used the first time it is called or given state. */
  void used(String qualified, String use) {
    Entry e = byName.get(qualified);
    if (e != null && e.use.isEmpty()) {
      e.use = use;
    }
  }

  /**
   * Records a use that runs code, such as a call with arguments or BUILD setting attributes of a
   * module: the global becomes code-running, whatever its name said.
   */
  void code(String qualified, String use, String place) {
    Entry e = byName.get(qualified);
    if (e == null) {
      e = new Entry(Level.CODE, place);
      if (!add(qualified, e)) {
        return;
      }
    }
    if (e.level != Level.CODE) {
      e.level = Level.CODE;
      e.use = "";
    }
    used(qualified, use);
  }

  /** Adds an entry within the cap; false when it found no place. */
  private boolean add(String qualified, Entry e) {
    if (byName.size() >= max) {
      String evict = null;
      if (e.level == Level.CODE) {
        for (Map.Entry<String, Entry> old : byName.entrySet()) {
          if (old.getValue().level != Level.CODE) {
            evict = old.getKey();
          }
        }
      }
      dropped++;
      if (evict == null) {
        return false;
      }
      byName.remove(evict);
    }
    byName.put(qualified, e);
    return true;
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /** How many hazardous globals were found beyond the cap. */
  public int dropped() {
    return dropped;
  }

  /** The hazards, code-running ones first, each in the order first found. */
  public List<Hazard> hazards() {
    List<Hazard> out = new ArrayList<>();
    for (Level level : List.of(Level.CODE, Level.IMPORT)) {
      byName.forEach(
          (name, e) -> {
            if (e.level == level) {
              out.add(
                  new Hazard(
                      level == Level.CODE ? CODE_KIND : IMPORT_KIND,
                      e.use.isEmpty() ? name : name + " " + e.use,
                      e.place));
            }
          });
    }
    return out;
  }

  /** A short, bounded Python-like rendering of call arguments, e.g. {@code ('touch x',)}. */
  static String describe(PickleValue v) {
    StringBuilder b = new StringBuilder();
    describe(v, b, 0);
    String s = b.toString();
    return s.length() > MAX_ARGS_CHARS ? s.substring(0, MAX_ARGS_CHARS) + "..." : s;
  }

  private static void describe(PickleValue v, StringBuilder b, int depth) {
    if (b.length() > MAX_ARGS_CHARS) {
      return;
    }
    if (depth > 3) {
      b.append("...");
      return;
    }
    if (v instanceof PickleValue.Str s) {
      String t =
          s.value().length() > MAX_ARGS_CHARS ? s.value().substring(0, MAX_ARGS_CHARS) : s.value();
      b.append('\'').append(t.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
    } else if (v instanceof PickleValue.Int i) {
      b.append(i.value());
    } else if (v instanceof PickleValue.Float f) {
      b.append(f.value());
    } else if (v instanceof PickleValue.Bool x) {
      b.append(x.value() ? "True" : "False");
    } else if (v instanceof PickleValue.Bytes x) {
      b.append('<').append(x.length()).append(" bytes>");
    } else if (v instanceof PickleValue.Global g) {
      b.append(g.qualified());
    } else if (v instanceof PickleValue.Tuple t) {
      b.append('(');
      items(t.items(), b, depth);
      b.append(t.size() == 1 ? ",)" : ")");
    } else if (v instanceof PickleValue.PList l) {
      b.append('[');
      items(l.items(), b, depth);
      b.append(']');
    } else if (v == PickleValue.Nil.NONE) {
      b.append("None");
    } else if (v instanceof PickleValue.BigInt) {
      b.append("<big int>");
    } else if (v instanceof PickleValue.PersistentId) {
      b.append("<persistent id>");
    } else {
      b.append(v);
    }
  }

  private static void items(List<PickleValue> items, StringBuilder b, int depth) {
    for (int i = 0; i < items.size() && b.length() <= MAX_ARGS_CHARS; i++) {
      if (i > 0) {
        b.append(", ");
      }
      describe(items.get(i), b, depth + 1);
    }
  }
}
