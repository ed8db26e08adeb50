package dev.neuronfit.io.torch;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.torch.ScriptCalls.ScriptSyntax;
import dev.neuronfit.model.AttributeValue;
import dev.neuronfit.model.OpNode;
import dev.neuronfit.model.ValueInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the TorchScript source files of an archive ({@code <root>/code/__torch__/...py}, the
 * Python-like code {@code torch.jit.save} prints) into operator nodes. Each file is a module of
 * classes ({@code class ResNet(Module):} with attribute annotations and methods) and functions;
 * each statement of a method body is scanned by {@link ScriptCalls}. A node is named {@code
 * Class.method line N}; its scope is empty for the root module's class and {@code function:<class>}
 * (or {@code function:<module>} for free functions) otherwise: like an ONNX model-local function, a
 * submodule's methods are compiled once per class, however often the module is used. Methods that
 * only serialize ({@code __setstate__}, {@code __getstate__}) are skipped. Value names are made
 * unique per method; attributes of {@code self} that hold tensors are named by the tensor's path in
 * the module tree, so nodes that read a weight or buffer name it as the profile's tensors do.
 *
 * <p>Class names are cleaned for people: {@code
 * __torch__.torch.nn.modules.rnn.___torch_mangle_7.LSTM} becomes {@code torch.nn.modules.rnn.LSTM}.
 * Not thread-safe.
 */
final class TorchScriptCode {
  private static final Pattern CLASS = Pattern.compile("^class\\s+(\\w+)\\s*(\\((.*)\\))?\\s*:");
  private static final Pattern DEF = Pattern.compile("^\\s*def\\s+(\\w+)\\s*\\(");
  private static final Pattern ANNOTATION =
      Pattern.compile("^\\s+(\\w+)\\s*:\\s*([\\w.\\[\\], ]+)$");

  /** A ModuleList's or Sequential's element: {@code __annotations__["0"] = __torch__...}. */
  private static final Pattern ELEMENT =
      Pattern.compile("^\\s+__annotations__\\[\"(\\w+)\"\\]\\s*=\\s*([\\w.]+)$");

  private static final Pattern MANGLE = Pattern.compile("\\.___torch_mangle_\\d+");
  private static final int MAX_BRACKETS = 200;

  /** Most events of the call-aware flow kept in the graph's metadata (a few megabytes). */
  private static final int MAX_FLOW_EVENTS = 200_000;

  /** Most values one name may stand for in the call-aware flow, however often it is assigned. */
  private static final int MAX_ALIASES = 64;

  private static final int MAX_STATEMENT_LINES = 1000;

  /** A class defined in the code: its cleaned name and the types of its annotated attributes. */
  record ClassInfo(String name, Map<String, String> attributes) {}

  private final Path file;
  private final int maxNodes;
  private final Map<String, String> pathOfClass;
  private final String rootClass;
  private final List<OpNode> nodes = new ArrayList<>();
  private final Map<String, ClassInfo> classes = new LinkedHashMap<>();
  private final ScriptFlow flow;
  private List<ValueInfo> inputs = List.of();
  private String returns = "";
  private int methodIds;
  private int temps;

  /**
   * @param pathOfClass the module path of each (cleaned) class, from data.pkl, to name attributes
   * @param rootClass the cleaned class of the root module, or empty when unknown
   */
  TorchScriptCode(Path file, int maxNodes, Map<String, String> pathOfClass, String rootClass) {
    this.file = file;
    this.maxNodes = maxNodes;
    this.pathOfClass = pathOfClass;
    this.rootClass = rootClass;
    this.flow = new ScriptFlow((int) Math.min(4L * maxNodes, MAX_FLOW_EVENTS));
  }

  /** The call-aware dataflow, for the graph's metadata. */
  ScriptFlow flow() {
    return flow;
  }

  List<OpNode> nodes() {
    return nodes;
  }

  Map<String, ClassInfo> classes() {
    return classes;
  }

  /** The root module's forward inputs (names only: TorchScript keeps no shapes), self left out. */
  List<ValueInfo> inputs() {
    return inputs;
  }

  /** The root module's forward return type as printed, e.g. {@code Tuple[Tensor, Tensor]}. */
  String returns() {
    return returns;
  }

  /** {@code __torch__.a.___torch_mangle_3.B} to {@code a.B}. */
  static String clean(String qualified) {
    String s = MANGLE.matcher(qualified).replaceAll("");
    return s.startsWith("__torch__.") ? s.substring("__torch__.".length()) : s;
  }

  /**
   * Reads one code file.
   *
   * @param entry the zip entry, for messages
   * @param module the file's module, e.g. {@code __torch__.torchvision.models.resnet}
   */
  void read(String entry, String module, String text) throws ModelFormatException {
    String[] lines = text.split("\n", -1);
    String cls = null;
    String rawCls = null;
    String method = null;
    int bodyIndent = -1;
    Map<String, String> alias = new HashMap<>();
    Map<String, List<String>> flowAlias = new HashMap<>();
    String methodKey = "";
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      int indent = line.length() - line.stripLeading().length();
      Matcher c = CLASS.matcher(line);
      if (indent == 0 && c.find()) {
        rawCls = module + "." + c.group(1);
        cls = clean(rawCls);
        classes.putIfAbsent(cls, new ClassInfo(cls, new LinkedHashMap<>()));
        method = null;
        continue;
      }
      if (indent == 0 && !stripped.startsWith("def ")) {
        cls = null; // imports, op_version_set and other module-level statements
        method = null;
        continue;
      }
      Matcher d = DEF.matcher(line);
      if (d.find() && (method == null || indent < bodyIndent)) {
        int first = n;
        StringBuilder sig = new StringBuilder(stripped);
        while (!balanced(sig) || !sig.toString().endsWith(":")) {
          if (++n >= lines.length || n - first > MAX_STATEMENT_LINES) {
            throw new ModelFormatException(file, entry + " line " + (first + 1), "unfinished def");
          }
          sig.append(' ').append(lines[n].strip());
        }
        if (indent == 0) {
          cls = null;
          rawCls = null;
        }
        method = d.group(1);
        bodyIndent = indent + 1;
        alias.clear();
        flowAlias.clear();
        methodKey = "m" + (methodIds++) + ":";
        String owner = cls != null ? rawCls : module;
        if (cls != null && cls.equals(rootClass) && method.equals("forward")) {
          signature(sig.toString());
          flow.root(owner + "." + method);
        }
        String key = methodKey;
        flow.def(
            owner + "." + method,
            params(sig.toString()).stream().map(p -> key + (p.isEmpty() ? "?" : p)).toList());
        continue;
      }
      if (method == null || indent < bodyIndent) {
        Matcher a = ANNOTATION.matcher(line);
        if (cls != null && method == null && a.matches()) {
          classes.get(cls).attributes().put(a.group(1), clean(a.group(2).strip()));
          flow.attribute(rawCls, a.group(1), a.group(2).strip());
        }
        Matcher el = ELEMENT.matcher(line);
        if (cls != null && method == null && el.matches()) {
          flow.attribute(rawCls, el.group(1), el.group(2));
        }
        if (method != null && indent < bodyIndent) {
          method = null;
          n--; // re-read the line outside the method
        }
        continue;
      }
      int first = n;
      StringBuilder stmt = new StringBuilder(stripped);
      while (!balanced(stmt)) {
        if (++n >= lines.length || n - first > MAX_STATEMENT_LINES) {
          throw new ModelFormatException(
              file, entry + " line " + (first + 1), "unbalanced brackets");
        }
        stmt.append(' ').append(lines[n].strip());
      }
      if (method.equals("__setstate__") || method.equals("__getstate__")) {
        continue; // serialization helpers run when loading, not in inference
      }
      String owner = cls != null ? cls : clean(module);
      String scope = owner.equals(rootClass) ? "" : "function:" + owner;
      String label = shortName(owner) + "." + method + " line " + (first + 1);
      statement(
          stmt.toString(),
          new Context(entry, first + 1, scope, label, cls, rawCls, methodKey, alias, flowAlias));
    }
  }

  private record Context(
      String entry,
      int line,
      String scope,
      String label,
      String cls,
      String rawCls,
      String methodKey,
      Map<String, String> alias,
      Map<String, List<String>> flowAlias) {}

  private void statement(String s, Context ctx) throws ModelFormatException {
    String expr = s;
    boolean plain = true;
    List<String> targets = List.of();
    for (String kw : List.of("if ", "elif ", "while ", "return ", "with ", "raise ", "assert ")) {
      if (s.startsWith(kw)) {
        expr = s.substring(kw.length());
        plain = false;
      }
    }
    if (s.startsWith("for ") && s.contains(" in ")) {
      expr = s.substring(s.indexOf(" in ") + 4);
      plain = false;
    }
    if (expr.endsWith(":")) {
      expr = expr.substring(0, expr.length() - 1);
    }
    int eq = ScriptTokens.assignment(expr);
    if (eq > 0 && plain) {
      List<String> names = new ArrayList<>();
      for (String t : expr.substring(0, eq).split(",")) {
        String name = t.strip();
        if (!name.isEmpty()) {
          names.add(name.matches("\\w+") ? ctx.methodKey() + name : name);
        }
      }
      targets = names;
      expr = expr.substring(eq + 1);
    }
    List<String> tokens;
    try {
      tokens = ScriptTokens.tokens(expr);
    } catch (ScriptSyntax e) {
      throw new ModelFormatException(file, ctx.entry() + " line " + ctx.line(), e.getMessage());
    }
    if (tokens.isEmpty()) {
      return;
    }
    ScriptCalls.Scan scan;
    try {
      scan = ScriptCalls.scan(tokens, targets, sink(ctx), MAX_BRACKETS);
    } catch (ScriptSyntax e) {
      throw new ModelFormatException(file, ctx.entry() + " line " + ctx.line(), e.getMessage());
    }
    if (!scan.singleCall() && targets.size() == 1 && !scan.values().isEmpty()) {
      ctx.alias().put(targets.get(0), scan.values().get(0));
    }
    // the branches of an if assign the same name: the value may come from either, so a name
    // stands for all it was assigned (an operator's output under its own name)
    for (String target : targets) {
      List<String> value = scan.singleCall() ? List.of(target) : scan.flow();
      List<String> before = ctx.flowAlias().get(target);
      ctx.flowAlias()
          .put(
              target,
              before == null
                  ? value
                  : Stream.concat(before.stream(), value.stream())
                      .distinct()
                      .limit(MAX_ALIASES)
                      .toList());
    }
    if (s.startsWith("return ")) {
      flow.ret(scan.flow());
    }
  }

  private ScriptCalls.Sink sink(Context ctx) {
    return new ScriptCalls.Sink() {
      @Override
      public List<String> call(
          String domain,
          String op,
          List<String> in,
          List<ScriptCalls.Arg> args,
          Map<String, AttributeValue> attrs,
          List<String> outputs) {
        List<String> out = outputs.isEmpty() ? List.of(ctx.methodKey() + "%" + (temps++)) : outputs;
        flow.node(nodes.size(), args);
        nodes.add(new OpNode(ctx.label(), op, domain, in, out, attrs, ctx.scope()));
        return out;
      }

      @Override
      public List<String> resolveFlow(String ref) {
        if (ref.equals("self")) {
          return ctx.rawCls() == null ? List.of() : List.of(ScriptFlow.TYPE + ctx.rawCls());
        }
        if (ref.startsWith("self.") && ctx.rawCls() != null && ref.indexOf('.', 5) < 0) {
          String type = flow.attributeType(ctx.rawCls(), ref.substring(5));
          if (type != null) {
            return List.of(ScriptFlow.TYPE + type);
          }
        }
        if (ref.startsWith("__torch__.")) {
          return List.of(ScriptFlow.FUNCTION + ref);
        }
        if (ref.startsWith("CONSTANTS.") || ref.contains(".")) {
          return List.of(resolve(ref));
        }
        String local = ctx.methodKey() + ref;
        return ctx.flowAlias().getOrDefault(local, List.of(local));
      }

      @Override
      public List<String> invoke(
          List<String> receiver,
          String callee,
          List<ScriptCalls.Arg> args,
          Map<String, AttributeValue> literals) {
        if (callee.startsWith(".")) {
          for (String r : receiver) {
            if (r.startsWith(ScriptFlow.TYPE)) {
              return List.of(flow.call(r.substring(ScriptFlow.TYPE.length()) + callee, args));
            }
          }
          return List.of();
        }
        if (callee.equals("getattr")
            && !args.isEmpty()
            && literals.get("arg1") instanceof AttributeValue.Text element) {
          for (String r : args.get(0).values()) {
            String type =
                r.startsWith(ScriptFlow.TYPE)
                    ? flow.attributeType(r.substring(ScriptFlow.TYPE.length()), element.value())
                    : null;
            if (type != null) {
              return List.of(ScriptFlow.TYPE + type);
            }
          }
          return List.of();
        }
        for (String f : resolveFlow(callee)) {
          if (f.startsWith(ScriptFlow.FUNCTION)) {
            return List.of(flow.call(f.substring(ScriptFlow.FUNCTION.length()), args));
          }
        }
        return List.of();
      }

      @Override
      public String resolve(String ref) {
        if (ref.startsWith("self.") && ctx.cls() != null) {
          String path = pathOfClass.get(ctx.cls());
          return path == null ? ref : TensorWalk.join(path, ref.substring(5));
        }
        if (ref.startsWith("CONSTANTS.") || ref.contains(".")) {
          return ref;
        }
        String local = ctx.methodKey() + ref;
        return ctx.alias().getOrDefault(local, local);
      }
    };
  }

  /** Checks the node count after each file; the limit is the graph node limit. */
  void checkSize(String entry) throws ModelFormatException {
    if (nodes.size() > maxNodes) {
      throw new ModelFormatException(file, entry, "more than " + maxNodes + " operator calls");
    }
  }

  /** The parameter names of a def, self left out; "" for one that is not a plain name. */
  private static List<String> params(String sig) {
    int open = sig.indexOf('(');
    int close = sig.lastIndexOf(')');
    if (open < 0 || close < open) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String p : ScriptTokens.splitTopLevel(sig.substring(open + 1, close))) {
      String name = p.contains(":") ? p.substring(0, p.indexOf(':')).strip() : p.strip();
      if (!name.isEmpty() && !name.equals("self")) {
        names.add(name.matches("\\w+") ? name : "");
      }
    }
    return names;
  }

  private void signature(String sig) {
    int open = sig.indexOf('(');
    int close = sig.lastIndexOf(')');
    if (open < 0 || close < open) {
      return;
    }
    List<ValueInfo> in = new ArrayList<>();
    for (String name : params(sig)) {
      if (!name.isEmpty()) {
        in.add(new ValueInfo(name, Optional.empty(), List.of()));
      }
    }
    inputs = in;
    int arrow = sig.indexOf("->", close);
    returns = arrow < 0 ? "" : clean(sig.substring(arrow + 2, sig.length() - 1).strip());
  }

  private static boolean balanced(CharSequence s) {
    try {
      return ScriptTokens.depth(s.toString()) <= 0;
    } catch (ScriptSyntax e) {
      return true; // let the scanner report it
    }
  }

  private static String shortName(String qualified) {
    int dot = qualified.lastIndexOf('.');
    return dot < 0 ? qualified : qualified.substring(dot + 1);
  }
}
