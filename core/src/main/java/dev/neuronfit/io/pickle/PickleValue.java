package dev.neuronfit.io.pickle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A value built by {@link PickleMachine}: Python's plain data (None, bool, int, float, str, bytes,
 * tuple, list, dict, set) plus symbolic records for what a real unpickler would import or call:
 * {@link Global}, {@link Reduce} (a call, or an object made from a class, with the state BUILD gave
 * it) and {@link PersistentId}. Nothing here is ever resolved to code.
 *
 * <p>Scalars are records. Containers are final classes with identity equality, because pickles fill
 * lists and dicts after creating them (APPENDS, SETITEMS) and can make them share or contain one
 * another: structural equality or hashing could recurse without end or take exponential time. Their
 * {@code toString} is shallow for the same reason.
 */
public sealed interface PickleValue {

  /** Python's None. */
  enum Nil implements PickleValue {
    NONE
  }

  record Bool(boolean value) implements PickleValue {}

  /** An int that fits in a long. */
  record Int(long value) implements PickleValue {}

  /** An int that does not fit in a long. */
  record BigInt(BigInteger value) implements PickleValue {
    public BigInt {
      Objects.requireNonNull(value, "value");
    }
  }

  record Float(double value) implements PickleValue {}

  /** A str (Python 3) or a Python 2 str, decoded as UTF-8 with replacement. */
  record Str(String value) implements PickleValue {
    public Str {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A bytes or bytearray value.
   *
   * @param length its length in the pickle
   * @param data its content when at most {@link PickleLimits#maxStringBytes()} long, else empty
   *     (the bytes were skipped)
   */
  record Bytes(long length, Optional<byte[]> data) implements PickleValue {
    public Bytes {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
      return "bytes of length " + length;
    }
  }

  /**
   * A name a real unpickler would import: {@code module.name}. Never looked up.
   *
   * @param offset byte offset of the opcode that named it, for messages
   */
  record Global(String module, String name, long offset) implements PickleValue {
    public Global {
      Objects.requireNonNull(module, "module");
      Objects.requireNonNull(name, "name");
    }

    public String qualified() {
      return module + "." + name;
    }

    public boolean is(String qualifiedName) {
      return qualified().equals(qualifiedName);
    }
  }

  /** A persistent id (PERSID, BINPERSID): in torch files, a reference to stored tensor data. */
  record PersistentId(PickleValue id) implements PickleValue {
    public PersistentId {
      Objects.requireNonNull(id, "id");
    }
  }

  /** A tuple; its items never change after creation. */
  final class Tuple implements PickleValue {
    private final List<PickleValue> items;

    public Tuple(List<PickleValue> items) {
      this.items = List.copyOf(items);
    }

    public List<PickleValue> items() {
      return items;
    }

    public int size() {
      return items.size();
    }

    public PickleValue get(int i) {
      return items.get(i);
    }

    @Override
    public String toString() {
      return "tuple of " + items.size();
    }
  }

  /** A list, or a set or frozenset (kept as a list: sets are never hashed here). */
  final class PList implements PickleValue {
    private final List<PickleValue> items = new ArrayList<>();
    private final boolean set;

    public PList(boolean set) {
      this.set = set;
    }

    public List<PickleValue> items() {
      return items;
    }

    /** True for a set or frozenset. */
    public boolean isSet() {
      return set;
    }

    @Override
    public String toString() {
      return (set ? "set of " : "list of ") + items.size();
    }
  }

  /**
   * A dict (or an OrderedDict): entries in insertion order. Assigning a str or int key again
   * replaces its value, as in Python; other keys are appended, never hashed.
   */
  final class PDict implements PickleValue {
    private final List<Map.Entry<PickleValue, PickleValue>> entries = new ArrayList<>();
    private final java.util.HashMap<Object, Integer> index = new java.util.HashMap<>();

    public void put(PickleValue key, PickleValue value) {
      Object k = simpleKey(key);
      Integer at = k == null ? null : index.get(k);
      if (at != null) {
        entries.set(at, Map.entry(key, value));
      } else {
        if (k != null) {
          index.put(k, entries.size());
        }
        entries.add(Map.entry(key, value));
      }
    }

    public List<Map.Entry<PickleValue, PickleValue>> entries() {
      return entries;
    }

    /** The value of a str key, if present. */
    public Optional<PickleValue> get(String key) {
      Integer at = index.get(key);
      return at == null ? Optional.empty() : Optional.of(entries.get(at).getValue());
    }

    public int size() {
      return entries.size();
    }

    private static Object simpleKey(PickleValue key) {
      if (key instanceof Str s) {
        return s.value();
      }
      if (key instanceof Int i) {
        return i.value();
      }
      return null;
    }

    @Override
    public String toString() {
      return "dict of " + entries.size();
    }
  }

  /**
   * What a real unpickler would get by calling something: REDUCE ({@code callable(*args)}), NEWOBJ
   * and NEWOBJ_EX ({@code cls.__new__(cls, *args)}), INST and OBJ (old-style instances). Later
   * opcodes may give it state (BUILD) or items (APPENDS, SETITEMS) as a real object would.
   */
  final class Reduce implements PickleValue {
    /** Which opcode made it. */
    public enum Kind {
      REDUCE,
      NEWOBJ,
      INST,
      OBJ
    }

    private final PickleValue callable;
    private final PickleValue args;
    private final Kind kind;
    private PickleValue state = Nil.NONE;
    private final List<PickleValue> items = new ArrayList<>();
    private final PDict entries = new PDict();

    public Reduce(PickleValue callable, PickleValue args, Kind kind) {
      this.callable = Objects.requireNonNull(callable, "callable");
      this.args = Objects.requireNonNull(args, "args");
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    public PickleValue callable() {
      return callable;
    }

    public PickleValue args() {
      return args;
    }

    public Kind kind() {
      return kind;
    }

    /** The state BUILD gave it (None when there was no BUILD). */
    public PickleValue state() {
      return state;
    }

    void setState(PickleValue s) {
      state = Objects.requireNonNull(s, "state");
    }

    /** Items added by APPEND/APPENDS (as to a list subclass). */
    public List<PickleValue> items() {
      return items;
    }

    /** Entries added by SETITEM/SETITEMS (as to a dict subclass). */
    public PDict entries() {
      return entries;
    }

    /** The global it calls, when it calls one directly. */
    public Optional<Global> global() {
      return callable instanceof Global g ? Optional.of(g) : Optional.empty();
    }

    /** True when it calls the global {@code module.name}. */
    public boolean calls(String qualifiedName) {
      return callable instanceof Global g && g.is(qualifiedName);
    }

    /** The arguments as a tuple's items (empty when the arguments are not a tuple). */
    public List<PickleValue> argList() {
      return args instanceof Tuple t ? t.items() : List.of();
    }

    @Override
    public String toString() {
      return (callable instanceof Global g ? g.qualified() : "call") + "(...)";
    }
  }
}
