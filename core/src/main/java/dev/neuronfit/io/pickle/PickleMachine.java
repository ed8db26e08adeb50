package dev.neuronfit.io.pickle;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.pickle.PickleGlobals.Level;
import dev.neuronfit.io.pickle.PickleValue.Bool;
import dev.neuronfit.io.pickle.PickleValue.Bytes;
import dev.neuronfit.io.pickle.PickleValue.Global;
import dev.neuronfit.io.pickle.PickleValue.Int;
import dev.neuronfit.io.pickle.PickleValue.Nil;
import dev.neuronfit.io.pickle.PickleValue.PDict;
import dev.neuronfit.io.pickle.PickleValue.PList;
import dev.neuronfit.io.pickle.PickleValue.PersistentId;
import dev.neuronfit.io.pickle.PickleValue.Reduce;
import dev.neuronfit.io.pickle.PickleValue.Str;
import dev.neuronfit.io.pickle.PickleValue.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pickle interpreter that never imports or calls anything: it executes the opcodes of protocols 0
 * to 5 (the set documented in CPython's {@code Lib/pickletools.py}) on a stack and memo of {@link
 * PickleValue}s. Globals become symbolic {@link Global} records, calls become {@link Reduce}
 * records; only a few data types torch writes ({@code collections.OrderedDict}, {@code
 * builtins.set}, {@code torch.Size}, {@code _codecs.encode}, TorchScript's list builders) are
 * turned into the plain values they stand for. Every global that is not plain data is recorded in
 * {@link PickleHazards} with where it was named and what it was called with.
 *
 * <p>Opcodes, stack, memo and string lengths are bounded by {@link PickleLimits}; the machine does
 * not recurse, so nesting costs no Java stack. An unknown opcode, a truncated pickle, a missing
 * mark or memo entry, or a type error a real unpickler would also fail on is a {@link
 * ModelFormatException} naming the byte offset. Not thread-safe.
 */
public final class PickleMachine {
  /** Python 3.11's limit on the digits of an int converted from text (CVE-2020-10735). */
  private static final int MAX_INT_DIGITS = 4300;

  private static final int MAX_LINE = 65_536;

  /** Opcodes a head must run through, to its end, to be taken for a pickle without a STOP. */
  private static final int PROBE_OPS = 3;

  /** How deep {@code torch.storage._load_from_bytes} pickles inside pickles are scanned. */
  private static final int MAX_NESTING = 2;

  private final PickleSource in;
  private final PickleLimits limits;
  private final PickleHazards hazards;
  private final boolean torchScript;
  private final int nesting;
  private final List<PickleValue> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, PickleValue> memo = new HashMap<>();
  private long ops;

  /** Values pushed so far, against {@link PickleLimits#maxObjects()}. */
  private long objects;

  private long opAt;
  private int protocol;
  private boolean limited;

  /**
   * @param torchScript true for the pickles of a TorchScript archive, whose {@code __torch__}
   *     classes are TorchScript's own
   */
  public PickleMachine(
      PickleSource in, PickleLimits limits, PickleHazards hazards, boolean torchScript) {
    this(in, limits, hazards, torchScript, 0);
  }

  private PickleMachine(
      PickleSource in, PickleLimits limits, PickleHazards hazards, boolean ts, int nesting) {
    this.in = in;
    this.limits = limits;
    this.hazards = hazards;
    this.torchScript = ts;
    this.nesting = nesting;
  }

  /**
   * True when the first {@code n} bytes of a file read as the start of a pickle: they run to a STOP
   * or to their end without an error. Protocols 0 and 1 have no header, so this is how a pickle
   * that {@code torch.load} would unpickle is told from other files.
   */
  public static boolean startsLikePickle(byte[] head, int n) {
    if (n < 2) {
      return false;
    }
    PickleLimits limits = PickleLimits.from(dev.neuronfit.io.ReadLimits.DEFAULT);
    PickleSource src = PickleSource.of(Arrays.copyOf(head, n), Path.of("head"), "head", n);
    PickleMachine m = new PickleMachine(src, limits, new PickleHazards(1), false);
    try {
      m.read();
      return true;
    } catch (ModelFormatException e) {
      // ran out of bytes, not into an error, after enough opcodes to tell it from text: a line
      // of text reads as one opcode with its argument, a GLOBAL as one with two
      return src.ranOut() && (m.ops >= PROBE_OPS || m.ops >= 2 && head[0] == Opcode.GLOBAL.code());
    } catch (IOException e) {
      return false;
    }
  }

  /** The highest protocol a PROTO opcode declared so far (0 when none did). */
  public int protocol() {
    return protocol;
  }

  /**
   * Reads one pickle, up to and including its STOP opcode, and returns the value it builds. Can be
   * called again for the next pickle of a stream; the memo starts empty each time, as {@code
   * pickle.load} does.
   */
  public PickleValue read() throws IOException {
    stack.clear();
    marks.clear();
    memo.clear();
    while (true) {
      opAt = in.position();
      if (++ops > limits.maxOps()) {
        throw limit("more than " + limits.maxOps() + " opcodes");
      }
      int b = in.u1();
      Opcode op = Opcode.of(b).orElseThrow(() -> error(String.format("unknown opcode 0x%02x", b)));
      if (op == Opcode.STOP) {
        if (stack.isEmpty()) {
          throw error("STOP with an empty stack");
        }
        return pop();
      }
      step(op);
    }
  }

  /** Executes one opcode other than STOP, by the group it belongs to. */
  private void step(Opcode op) throws IOException {
    switch (op) {
      case PROTO, FRAME, MARK, POP, POP_MARK, DUP -> control(op);
      case INT,
          LONG,
          BININT,
          BININT1,
          BININT2,
          LONG1,
          LONG4,
          NONE,
          NEWTRUE,
          NEWFALSE,
          FLOAT,
          BINFLOAT ->
          push(number(op));
      case STRING,
          BINSTRING,
          SHORT_BINSTRING,
          UNICODE,
          BINUNICODE,
          SHORT_BINUNICODE,
          BINUNICODE8,
          BINBYTES,
          SHORT_BINBYTES,
          BINBYTES8,
          BYTEARRAY8,
          NEXT_BUFFER,
          READONLY_BUFFER ->
          text(op);
      case EMPTY_LIST,
          LIST,
          APPEND,
          APPENDS,
          EMPTY_TUPLE,
          TUPLE,
          TUPLE1,
          TUPLE2,
          TUPLE3,
          EMPTY_DICT,
          DICT,
          SETITEM,
          SETITEMS,
          EMPTY_SET,
          ADDITEMS,
          FROZENSET ->
          container(op);
      case GET, BINGET, LONG_BINGET, PUT, BINPUT, LONG_BINPUT, MEMOIZE -> memo(op);
      case GLOBAL,
          STACK_GLOBAL,
          EXT1,
          EXT2,
          EXT4,
          INST,
          OBJ,
          NEWOBJ,
          NEWOBJ_EX,
          REDUCE,
          BUILD,
          PERSID,
          BINPERSID ->
          object(op);
      case STOP -> throw new IllegalStateException("STOP is handled by read()");
    }
  }

  /** The protocol header, framing, marks and plain stack moves. */
  private void control(Opcode op) throws IOException {
    switch (op) {
      case PROTO -> {
        int p = in.u1();
        if (p > Opcode.HIGHEST_PROTOCOL) {
          throw error("unsupported pickle protocol " + p + " (known: 0 to 5)");
        }
        protocol = Math.max(protocol, p);
      }
      case FRAME -> in.uLE(8); // a length hint only
      case MARK -> marks.add(stack.size());
      case POP -> {
        if (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size()) {
          marks.remove(marks.size() - 1);
        } else {
          pop();
        }
      }
      case POP_MARK -> popMark();
      case DUP -> push(top());
      default -> throw new IllegalStateException(op + " is not a control opcode");
    }
  }

  /** Numbers, None and the booleans. */
  private PickleValue number(Opcode op) throws IOException {
    return switch (op) {
      case INT -> textInt(in.line(MAX_LINE), true);
      case LONG -> textInt(in.line(MAX_LINE), false);
      case BININT -> new Int((int) in.uLE(4));
      case BININT1 -> new Int(in.u1());
      case BININT2 -> new Int(in.uLE(2));
      case LONG1 -> PickleText.longLE(in.bytes(in.u1()));
      case LONG4 -> PickleText.longLE(in.bytes((int) length(signed4(), "LONG4")));
      case NONE -> Nil.NONE;
      case NEWTRUE -> new Bool(true);
      case NEWFALSE -> new Bool(false);
      case FLOAT -> PickleText.textFloat(in.line(MAX_LINE), this::error);
      case BINFLOAT -> new PickleValue.Float(Double.longBitsToDouble(bigEndian8()));
      default -> throw new IllegalStateException(op + " is not a number opcode");
    };
  }

  /** Strings, bytes and buffers. */
  private void text(Opcode op) throws IOException {
    switch (op) {
      case STRING -> push(new Str(PickleText.quoted(in.line(MAX_LINE), this::error)));
      case BINSTRING -> push(str(length(signed4(), "BINSTRING")));
      case SHORT_BINSTRING -> push(str(length(in.u1(), "SHORT_BINSTRING")));
      case UNICODE -> push(new Str(PickleText.rawUnicodeEscape(in.line(limits.maxStringBytes()))));
      case BINUNICODE -> push(str(length(in.uLE(4), "BINUNICODE")));
      case SHORT_BINUNICODE -> push(str(length(in.u1(), "SHORT_BINUNICODE")));
      case BINUNICODE8 -> push(str(length(in.uLE(8), "BINUNICODE8")));
      case SHORT_BINBYTES -> push(bytes(in.u1()));
      case BINBYTES -> push(bytes(in.uLE(4)));
      case BINBYTES8, BYTEARRAY8 -> push(bytes(in.uLE(8)));
      case NEXT_BUFFER ->
          throw error("NEXT_BUFFER: out-of-band buffers, which a file cannot carry");
      case READONLY_BUFFER -> top();
      default -> throw new IllegalStateException(op + " is not a text opcode");
    }
  }

  /** Lists, tuples, dicts and sets. */
  private void container(Opcode op) throws IOException {
    switch (op) {
      case EMPTY_LIST -> push(new PList(false));
      case LIST -> {
        PList l = new PList(false);
        l.items().addAll(popMark());
        push(l);
      }
      case APPEND -> {
        PickleValue v = pop();
        append(top(), List.of(v));
      }
      case APPENDS -> {
        List<PickleValue> items = popMark();
        append(top(), items);
      }
      case EMPTY_TUPLE -> push(new Tuple(List.of()));
      case TUPLE -> push(new Tuple(popMark()));
      case TUPLE1, TUPLE2, TUPLE3 -> {
        int n = op.code() - Opcode.TUPLE1.code() + 1;
        List<PickleValue> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(0, pop());
        }
        push(new Tuple(items));
      }
      case EMPTY_DICT -> push(new PDict());
      case DICT -> {
        PDict d = new PDict();
        putAll(d, popMark());
        push(d);
      }
      case SETITEM -> {
        PickleValue v = pop();
        PickleValue k = pop();
        setItems(top(), List.of(k, v));
      }
      case SETITEMS -> {
        List<PickleValue> kv = popMark();
        setItems(top(), kv);
      }
      case EMPTY_SET -> push(new PList(true));
      case ADDITEMS -> {
        List<PickleValue> items = popMark();
        if (!(top() instanceof PList l && l.isSet()) && !(top() instanceof Reduce)) {
          throw error("ADDITEMS to " + kind(top()) + ", not a set");
        }
        append(top(), items);
      }
      case FROZENSET -> {
        PList s = new PList(true);
        s.items().addAll(popMark());
        push(s);
      }
      default -> throw new IllegalStateException(op + " is not a container opcode");
    }
  }

  /** The memo: GET pushes a stored value, PUT stores the top of the stack. */
  private void memo(Opcode op) throws IOException {
    switch (op) {
      case GET -> push(memoGet(PickleText.textIndex(in.line(MAX_LINE), this::error)));
      case BINGET -> push(memoGet(in.u1()));
      case LONG_BINGET -> push(memoGet(in.uLE(4)));
      case PUT -> memoPut(PickleText.textIndex(in.line(MAX_LINE), this::error));
      case BINPUT -> memoPut(in.u1());
      case LONG_BINPUT -> memoPut(in.uLE(4));
      case MEMOIZE -> memoPut(memo.size());
      default -> throw new IllegalStateException(op + " is not a memo opcode");
    }
  }

  /** Globals, calls, object state and persistent ids: what a real unpickler imports or runs. */
  private void object(Opcode op) throws IOException {
    switch (op) {
      case GLOBAL -> push(global(in.line(MAX_LINE), in.line(MAX_LINE)));
      case STACK_GLOBAL -> {
        PickleValue name = pop();
        PickleValue module = pop();
        if (!(module instanceof Str m) || !(name instanceof Str n)) {
          throw error("STACK_GLOBAL needs two strs, got " + kind(module) + " and " + kind(name));
        }
        push(global(m.value(), n.value()));
      }
      case EXT1, EXT2, EXT4 -> {
        long code = op == Opcode.EXT1 ? in.u1() : op == Opcode.EXT2 ? in.uLE(2) : signed4();
        throw error("extension code " + code + ": not registered in a standard Python");
      }
      case INST -> {
        Global cls = global(in.line(MAX_LINE), in.line(MAX_LINE));
        push(call(cls, new Tuple(popMark()), Reduce.Kind.INST));
      }
      case OBJ -> {
        List<PickleValue> items = popMark();
        if (items.isEmpty()) {
          throw error("OBJ without a class");
        }
        Tuple args = new Tuple(items.subList(1, items.size()));
        push(call(items.get(0), args, Reduce.Kind.OBJ));
      }
      case NEWOBJ -> {
        PickleValue args = pop();
        push(call(pop(), args, Reduce.Kind.NEWOBJ));
      }
      case NEWOBJ_EX -> {
        PickleValue kwargs = pop();
        PickleValue args = pop();
        push(call(pop(), new Tuple(List.of(args, kwargs)), Reduce.Kind.NEWOBJ));
      }
      case REDUCE -> {
        PickleValue args = pop();
        push(call(pop(), args, Reduce.Kind.REDUCE));
      }
      case BUILD -> build(pop(), top());
      case PERSID -> push(new PersistentId(new Str(in.line(MAX_LINE))));
      case BINPERSID -> {
        PickleValue id = pop();
        for (Global g : PickleCalls.globalsIn(id)) {
          if (PickleGlobals.level(g.module(), g.name(), torchScript) != Level.DATA) {
            hazards.code(
                g.qualified(), "in a persistent id, whose attributes torch reads", where());
          }
        }
        push(new PersistentId(id));
      }
      default -> throw new IllegalStateException(op + " is not an object opcode");
    }
  }

  private Global global(String module, String name) {
    Global g = new Global(module, name, opAt);
    hazards.named(g.qualified(), PickleGlobals.level(module, name, torchScript), where());
    return g;
  }

  /**
   * Applies a callable to arguments symbolically. A global that is not allowed becomes code-running
   * when it is called, with or without arguments (unless it only builds data or the call is a
   * NEWOBJ), and so does every such global handed to the call, which may call it in turn, and the
   * global behind any object the pickle calls.
   */
  private PickleValue call(PickleValue callable, PickleValue args, Reduce.Kind kind)
      throws IOException {
    if (!(callable instanceof Global) && !(callable instanceof Reduce)) {
      throw error("a call of " + kind(callable) + ", which is not callable");
    }
    if (!(args instanceof Tuple t)) {
      throw error(kind + " arguments must be a tuple, got " + kind(args));
    }
    if (!(callable instanceof Global g)) {
      // calling an object the pickle built runs its class's __call__, with arguments from the
      // file; torch.load(weights_only=True) calls nothing but the globals it allows
      Reduce r = (Reduce) callable;
      String built = r.global().map(Global::qualified).orElse("an object the pickle built");
      hazards.code(built, "whose result is called with " + PickleHazards.describe(args), where());
      handedTo("a call", t, null);
      return new Reduce(callable, args, kind);
    }
    handedTo(g.qualified(), t, g);
    boolean data = PickleGlobals.buildsData(g.module(), g.name());
    if (PickleGlobals.level(g.module(), g.name(), torchScript) != Level.DATA) {
      String use = "called with " + PickleHazards.describe(args);
      // a call runs the callable's code even without arguments (a main() reads sys.argv); only
      // NEWOBJ, cls.__new__(cls, ...), which a pickled whole model uses for each class, stays
      // an import
      if (kind != Reduce.Kind.NEWOBJ && !data) {
        hazards.code(g.qualified(), use, where());
      } else {
        hazards.used(g.qualified(), use);
      }
    } else {
      data = true;
    }
    if (g.is("torch.storage._load_from_bytes")) {
      scanNested(t.items().isEmpty() ? Nil.NONE : t.items().get(0));
    }
    return data ? PickleCalls.apply(g, t, kind, this::error) : new Reduce(g, args, kind);
  }

  private void handedTo(String callee, Tuple args, Global g) {
    List<PickleValue> a = args.items();
    for (int i = 0; i < a.size(); i++) {
      if (g != null && PickleCalls.isClassArgument(g, i)) {
        continue;
      }
      for (Global passed : PickleCalls.globalsIn(a.get(i))) {
        if (PickleGlobals.level(passed.module(), passed.name(), torchScript) != Level.DATA
            && !PickleGlobals.buildsData(passed.module(), passed.name())) {
          hazards.code(passed.qualified(), "handed to " + callee + ", which may call it", where());
        }
      }
    }
  }

  /**
   * {@code torch.storage._load_from_bytes} runs {@code torch.load} on bytes inside the pickle: a
   * legacy torch.save stream of up to five pickles. They are read for their hazards only.
   */
  private void scanNested(PickleValue b) throws IOException {
    String name = "torch.storage._load_from_bytes";
    if (!(b instanceof Bytes bytes) || bytes.data().isEmpty() || nesting >= MAX_NESTING) {
      hazards.code(name, "loads a nested pickle that was not scanned", where());
      return;
    }
    PickleSource nested =
        PickleSource.of(
            bytes.data().get(),
            in.file(),
            in.place() + ", nested pickle at byte " + opAt,
            bytes.data().get().length);
    PickleMachine m = new PickleMachine(nested, limits, hazards, false, nesting + 1);
    try {
      for (int i = 0; i < 5 && !nested.atEnd(); i++) {
        m.read();
      }
    } catch (ModelFormatException e) {
      // torch.load also takes zip bytes here; the call itself is already a code-running hazard
      hazards.code(name, "loads nested bytes neuronfit could not read as pickles", where());
    }
  }

  private void build(PickleValue state, PickleValue target) throws ModelFormatException {
    if (target instanceof Reduce r) {
      r.global().ifPresent(g -> hazards.used(g.qualified(), "given state by BUILD"));
      r.setState(state);
    } else if (target instanceof Global g) {
      // setting attributes of a module or class monkey-patches code for the rest of the load
      hazards.code(g.qualified(), "has its attributes set by BUILD", where());
    } else if (!(target instanceof PDict) && !(target instanceof PList)) {
      throw error("BUILD on " + kind(target) + ", which has no state to set");
    }
  }

  private void append(PickleValue target, List<PickleValue> items) throws ModelFormatException {
    if (target instanceof PList l) {
      l.items().addAll(items);
    } else if (target instanceof Reduce r) {
      r.items().addAll(items);
    } else {
      throw error("APPEND to " + kind(target) + ", not a list");
    }
  }

  private void setItems(PickleValue target, List<PickleValue> kv) throws ModelFormatException {
    if (target instanceof PDict d) {
      putAll(d, kv);
    } else if (target instanceof Reduce r) {
      putAll(r.entries(), kv);
    } else {
      throw error("SETITEM on " + kind(target) + ", not a dict");
    }
  }

  private void putAll(PDict d, List<PickleValue> kv) throws ModelFormatException {
    if (kv.size() % 2 != 0) {
      throw error("an odd number of items (" + kv.size() + ") for a dict's keys and values");
    }
    for (int i = 0; i < kv.size(); i += 2) {
      PickleValue key = kv.get(i);
      if (key instanceof PList || key instanceof PDict) {
        throw error("a dict key of an unhashable " + kind(key));
      }
      d.put(key, kv.get(i + 1));
    }
  }

  private PickleValue textInt(String text, boolean boolCodes) throws ModelFormatException {
    if (boolCodes && text.equals("00")) {
      return new Bool(false);
    }
    if (boolCodes && text.equals("01")) {
      return new Bool(true);
    }
    String t = text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
    if (t.length() > MAX_INT_DIGITS) {
      throw error("an integer of " + t.length() + " digits, over the limit of " + MAX_INT_DIGITS);
    }
    return PickleText.parseInt(t, this::error);
  }

  private Str str(long n) throws IOException {
    return new Str(PickleText.utf8(in.bytes((int) n)));
  }

  private Bytes bytes(long n) throws IOException {
    if (n < 0) {
      throw error("a bytes value of negative length " + n);
    }
    if (n > limits.maxStringBytes()) {
      in.skip(n);
      return new Bytes(n, Optional.empty());
    }
    return new Bytes(n, Optional.of(in.bytes((int) n)));
  }

  /** Checks a declared str length against the limit. */
  private long length(long n, String op) throws ModelFormatException {
    if (n < 0) {
      throw error(op + " declares a negative length " + n);
    }
    if (n > limits.maxStringBytes()) {
      throw limit(op + " declares " + n + " bytes, over the limit of " + limits.maxStringBytes());
    }
    return n;
  }

  private long signed4() throws IOException {
    return (int) in.uLE(4);
  }

  private long bigEndian8() throws IOException {
    return Long.reverseBytes(in.uLE(8));
  }

  private PickleValue memoGet(long index) throws ModelFormatException {
    PickleValue v = memo.get(index);
    if (v == null) {
      throw error("memo index " + index + " was never stored");
    }
    return v;
  }

  private void memoPut(long index) throws ModelFormatException {
    if (index < 0) {
      throw error("negative memo index " + index);
    }
    PickleValue v = top();
    if (memo.put(index, v) == null && memo.size() > limits.maxMemo()) {
      throw limit("more than " + limits.maxMemo() + " memo entries");
    }
  }

  private void push(PickleValue v) throws ModelFormatException {
    if (stack.size() >= limits.maxStack()) {
      throw limit("more than " + limits.maxStack() + " values on the stack");
    }
    if (++objects > limits.maxObjects()) {
      throw limit("more than " + limits.maxObjects() + " values built");
    }
    stack.add(v);
  }

  private PickleValue top() throws ModelFormatException {
    int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    if (stack.size() <= floor) {
      throw error("stack underflow: no value above the " + (floor == 0 ? "bottom" : "mark"));
    }
    return stack.get(stack.size() - 1);
  }

  private PickleValue pop() throws ModelFormatException {
    PickleValue v = top();
    stack.remove(stack.size() - 1);
    return v;
  }

  private List<PickleValue> popMark() throws ModelFormatException {
    if (marks.isEmpty()) {
      throw error("no MARK to pop to");
    }
    int at = marks.remove(marks.size() - 1);
    List<PickleValue> sub = stack.subList(at, stack.size());
    List<PickleValue> items = new ArrayList<>(sub);
    sub.clear();
    return items;
  }

  private String where() {
    return in.place() + ", byte " + opAt;
  }

  private ModelFormatException error(String problem) {
    return in.error(opAt, problem);
  }

  /** An error for a limit of neuronfit's, where Python's unpickler would have read on. */
  private ModelFormatException limit(String problem) {
    limited = true;
    return in.error(opAt, problem);
  }

  /**
   * True when reading stopped at one of neuronfit's limits (opcodes, stack, memo, values, string or
   * pickle length) rather than at an error Python's unpickler raises too: what follows was not
   * read, so nothing is known about it.
   */
  public boolean stoppedAtALimit() {
    return limited || in.overLimit();
  }

  private static String kind(PickleValue v) {
    return PickleText.kind(v);
  }
}
