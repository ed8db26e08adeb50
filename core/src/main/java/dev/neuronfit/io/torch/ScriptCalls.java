package dev.neuronfit.io.torch;

import dev.neuronfit.model.AttributeValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the operator calls in one TorchScript statement, as {@code torch.jit.save} prints them:
 * {@code torch.conv2d(...)} is {@code aten::conv2d}, {@code ops.torchvision.roi_align(...)} is
 * {@code torchvision::roi_align}, {@code ops.prim.NumToTensor(...)} is {@code prim::NumToTensor},
 * and the builtins {@code int}, {@code float}, {@code bool}, {@code len} and {@code str} are {@code
 * aten::Int} and so on. Method calls on submodules ({@code (self.fc).forward(x)}) and calls of
 * other compiled functions are not operators; their arguments flow through to their result, so
 * dataflow survives a dropout or a linear layer called as a module.
 *
 * <p>Beside that flow-through view, the scan keeps a call-aware one for {@link ScriptFlow}: there a
 * module method call or a call of a compiled function has a result of its own (named by the sink),
 * each argument's values are kept apart, and {@code self} and submodules stand for their classes.
 *
 * <p>A single pass over tokens with a stack of open brackets; no recursion. Literal arguments
 * (numbers, strings, booleans, lists of ints) are kept as node attributes: positional ones as
 * {@code argN}, keyword ones by name.
 */
final class ScriptCalls {
  /** Receives each operator call found, innermost first, and names its output. */
  interface Sink {
    /**
     * @param args the call-aware values of each argument, in order
     * @param outputs the statement's targets when the call is the whole right-hand side, else empty
     *     (the sink makes a name)
     * @return the names of the call's outputs
     */
    List<String> call(
        String domain,
        String op,
        List<String> inputs,
        List<Arg> args,
        Map<String, AttributeValue> attributes,
        List<String> outputs);

    /** The value a name in the source stands for (a local, an attribute, a constant). */
    String resolve(String reference);

    /** The call-aware values a name stands for ({@code self} and submodules as their classes). */
    List<String> resolveFlow(String reference);

    /**
     * A call that is not an operator: a module's method ({@code callee} is {@code .forward} and
     * {@code receiver} holds what it is called on), a compiled function, or a builtin such as
     * {@code getattr}.
     *
     * @return the call-aware values of its result, or empty to let the arguments flow through
     */
    List<String> invoke(
        List<String> receiver, String callee, List<Arg> args, Map<String, AttributeValue> literals);
  }

  /**
   * One argument of a call in the call-aware view.
   *
   * @param keyword the keyword, or empty for a positional argument
   * @param values what the argument depends on
   */
  record Arg(String keyword, List<String> values) {}

  /**
   * The result of scanning an expression: the values it depends on, flowing through module calls
   * ({@code values}) and call-aware ({@code flow}).
   */
  record Scan(List<String> values, List<String> flow, boolean singleCall, boolean anyCall) {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "if", "else", "elif", "and", "or", "not", "is", "in", "None", "True", "False", "for",
          "lambda", "self", "return", "while", "pass", "raise", "assert");

  private static final Map<String, String> BUILTIN_OPS =
      Map.of("int", "Int", "float", "Float", "bool", "Bool", "len", "len", "str", "str");

  /** Calls printed as {@code torch.X} that are constants or types, not operators. */
  private static final Set<String> NOT_OPS = Set.of("device", "dtype", "jit", "Tensor");

  private static final class Frame {
    final char kind; // '(' call, 'g' group, '[' list or subscript, '{' dict, 'r' root
    final String callee;
    final Set<String> values = new LinkedHashSet<>();
    final Set<String> flow = new LinkedHashSet<>();
    final List<int[]> args = new ArrayList<>();
    final List<Set<String>> argFlows = new ArrayList<>();
    Set<String> argFlow = new LinkedHashSet<>();
    List<String> receiver = List.of();
    final int begin;
    int argStart;

    Frame(char kind, String callee, int argStart, int begin) {
      this.kind = kind;
      this.callee = callee;
      this.argStart = argStart;
      this.begin = begin;
    }

    void addFlow(List<String> v) {
      flow.addAll(v);
      argFlow.addAll(v);
    }

    void endArg(int end) {
      args.add(new int[] {argStart, end});
      argFlows.add(argFlow);
      argFlow = new LinkedHashSet<>();
      argStart = end + 1;
    }
  }

  private ScriptCalls() {}

  /**
   * The operator of a printed callee, as {domain, op}, or empty for a call that is not one.
   *
   * @param callee e.g. {@code torch.conv2d}, {@code ops.aten.add}, {@code torch.ops.quantized.add}
   */
  static Optional<String[]> operator(String callee) {
    String[] p = callee.split("\\.", -1);
    if (p.length == 2 && p[0].equals("torch") && !NOT_OPS.contains(p[1])) {
      return Optional.of(new String[] {"aten", p[1]});
    }
    if (p.length == 3 && p[0].equals("ops")) {
      return Optional.of(new String[] {p[1], p[2]});
    }
    if (p.length == 4 && p[0].equals("torch") && p[1].equals("ops")) {
      return Optional.of(new String[] {p[2], p[3]});
    }
    if (p.length == 1 && BUILTIN_OPS.containsKey(p[0])) {
      return Optional.of(new String[] {"aten", BUILTIN_OPS.get(p[0])});
    }
    return Optional.empty();
  }

  /**
   * Scans the tokens of an expression.
   *
   * @param targets the assignment's targets (empty for none)
   * @throws ScriptSyntax when brackets are unbalanced or nest deeper than {@code maxDepth}
   */
  static Scan scan(List<String> t, List<String> targets, Sink sink, int maxDepth)
      throws ScriptSyntax {
    List<Frame> stack = new ArrayList<>();
    stack.add(new Frame('r', "", 0, 0));
    int calls = 0;
    boolean singleCall = false;
    for (int i = 0; i < t.size(); i++) {
      String tok = t.get(i);
      Frame top = stack.get(stack.size() - 1);
      char c = tok.charAt(0);
      if (isName(tok)) {
        int begin = i;
        int j = i;
        StringBuilder chain = new StringBuilder(tok);
        while (j + 2 < t.size() && t.get(j + 1).equals(".") && isName(t.get(j + 2))) {
          chain.append('.').append(t.get(j + 2));
          j += 2;
        }
        i = j;
        boolean keyword =
            top.kind == '('
                && i + 1 < t.size()
                && t.get(i + 1).equals("=")
                && (i == 0 || t.get(i - 1).equals("(") || t.get(i - 1).equals(","));
        if (i + 1 < t.size() && t.get(i + 1).equals("(")) {
          push(stack, new Frame('(', chain.toString(), i + 2, begin), maxDepth);
          i++;
        } else if (!keyword && !KEYWORDS.contains(chain.toString())) {
          top.values.add(sink.resolve(chain.toString()));
          top.addFlow(sink.resolveFlow(chain.toString()));
        } else if (tok.equals("self")) {
          top.addFlow(sink.resolveFlow("self")); // the receiver of (self)._sa_block(x)
        }
      } else if (c == '(' || c == '[' || c == '{') {
        boolean subscript = c == '[' && i > 0 && (isName(t.get(i - 1)) || t.get(i - 1).equals(")"));
        push(stack, new Frame(c == '(' ? 'g' : c, subscript ? "[]" : "", i + 1, i), maxDepth);
      } else if (c == ')' || c == ']' || c == '}') {
        Frame f = stack.remove(stack.size() - 1);
        char want = f.kind == '(' || f.kind == 'g' ? ')' : f.kind == '[' ? ']' : '}';
        if (f.kind == 'r' || c != want) {
          throw new ScriptSyntax("unbalanced '" + c + "'");
        }
        Frame parent = stack.get(stack.size() - 1);
        List<String> result = new ArrayList<>(f.values);
        List<String> flow = new ArrayList<>(f.flow);
        if (f.kind == '(') {
          f.endArg(i);
          calls++;
          Optional<String[]> op = operator(f.callee);
          List<Arg> args = args(t, f);
          if (op.isPresent()) {
            boolean whole = parent.kind == 'r' && f.begin == 0 && i == t.size() - 1;
            singleCall |= whole;
            result =
                sink.call(
                    op.get()[0],
                    op.get()[1],
                    List.copyOf(f.values),
                    args,
                    literals(t, f.args),
                    whole ? targets : List.of());
            flow = result;
          } else {
            List<String> r = sink.invoke(f.receiver, f.callee, args, literals(t, f.args));
            flow = r.isEmpty() ? flow : r;
          }
        }
        if (i + 3 < t.size()
            && t.get(i + 1).equals(".")
            && isName(t.get(i + 2))
            && t.get(i + 3).equals("(")) {
          // a method call on this result: (self.fc).forward(x); the receiver is not data
          Frame m = new Frame('(', "." + t.get(i + 2), i + 4, f.begin);
          if (f.kind == '(') {
            m.values.addAll(result);
          }
          m.receiver = List.copyOf(flow);
          push(stack, m, maxDepth);
          i += 3;
        } else {
          parent.values.addAll(result);
          parent.addFlow(flow);
        }
      } else if (c == ',' && top.kind == '(') {
        top.endArg(i);
      }
    }
    if (stack.size() != 1) {
      throw new ScriptSyntax("unclosed '" + stack.get(stack.size() - 1).kind + "'");
    }
    Frame root = stack.get(0);
    return new Scan(
        List.copyOf(root.values), List.copyOf(root.flow), singleCall && calls >= 1, calls > 0);
  }

  private static void push(List<Frame> stack, Frame f, int maxDepth) throws ScriptSyntax {
    if (stack.size() > maxDepth) {
      throw new ScriptSyntax("brackets nested more than " + maxDepth + " deep");
    }
    stack.add(f);
  }

  /** The call-aware values of each argument, with its keyword; empty arguments left out. */
  private static List<Arg> args(List<String> t, Frame f) {
    List<Arg> out = new ArrayList<>();
    for (int k = 0; k < f.args.size(); k++) {
      int from = f.args.get(k)[0];
      int to = f.args.get(k)[1];
      if (from >= to) {
        continue;
      }
      boolean keyword = to - from >= 2 && isName(t.get(from)) && t.get(from + 1).equals("=");
      out.add(new Arg(keyword ? t.get(from) : "", List.copyOf(f.argFlows.get(k))));
    }
    return out;
  }

  /** Literal arguments of a call: positional as argN, keyword by name. */
  private static Map<String, AttributeValue> literals(List<String> t, List<int[]> args) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    int position = 0;
    for (int[] a : args) {
      int from = a[0];
      int to = a[1];
      if (from >= to) {
        continue;
      }
      String key = "arg" + position;
      if (to - from >= 2 && isName(t.get(from)) && t.get(from + 1).equals("=")) {
        key = t.get(from);
        from += 2;
      } else {
        position++;
      }
      Optional<AttributeValue> v = literal(t.subList(from, to));
      if (v.isPresent()) {
        out.put(key, v.get());
      }
    }
    return out;
  }

  private static Optional<AttributeValue> literal(List<String> t) {
    if (t.size() == 1 || t.size() == 2 && t.get(0).equals("-")) {
      String s = t.get(t.size() - 1);
      boolean neg = t.size() == 2;
      if (s.equals("True") || s.equals("False")) {
        return neg
            ? Optional.empty()
            : Optional.of(new AttributeValue.Int(s.equals("True") ? 1 : 0));
      }
      if (s.startsWith("\"") || s.startsWith("'")) {
        return neg ? Optional.empty() : Optional.of(new AttributeValue.Text(unquote(s)));
      }
      try {
        return Optional.of(new AttributeValue.Int((neg ? -1 : 1) * Long.parseLong(s)));
      } catch (NumberFormatException e) {
        try {
          return Optional.of(new AttributeValue.Float((neg ? -1 : 1) * Double.parseDouble(s)));
        } catch (NumberFormatException e2) {
          return Optional.empty();
        }
      }
    }
    if (t.size() >= 2 && t.get(0).equals("[") && t.get(t.size() - 1).equals("]")) {
      List<Long> ints = new ArrayList<>();
      for (int i = 1; i < t.size() - 1; i++) {
        String s = t.get(i);
        if (s.equals(",")) {
          continue;
        }
        if (s.equals("[") || s.equals("(")) {
          return Optional.empty();
        }
        try {
          ints.add(Long.parseLong(s));
        } catch (NumberFormatException e) {
          ints.add(-1L); // a value computed at run time, e.g. a size
        }
      }
      return Optional.of(new AttributeValue.Ints(ints));
    }
    return Optional.empty();
  }

  private static String unquote(String s) {
    return s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
  }

  static boolean isName(String tok) {
    char c = tok.charAt(0);
    return Character.isLetter(c) || c == '_';
  }

  /** A statement the scanner cannot follow. */
  static final class ScriptSyntax extends Exception {
    private static final long serialVersionUID = 1L;

    ScriptSyntax(String message) {
      super(message);
    }
  }
}
