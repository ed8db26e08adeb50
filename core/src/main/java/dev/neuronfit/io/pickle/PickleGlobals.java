package dev.neuronfit.io.pickle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sorts the globals a pickle names into three levels. neuronfit never imports any of them; the
 * level says what a real unpickler would do. The names come from a table kept as data ({@code
 * globals.tsv} beside this class, which names its sources).
 *
 * <ul>
 *   <li>{@link Level#DATA}: exactly the names {@code torch.load(..., weights_only=True)} of a
 *       current PyTorch accepts (tensor rebuilders, storages, dtypes, {@code torch.Size}, {@code
 *       collections.OrderedDict}, ...), matched by module and name, never by prefix; in TorchScript
 *       archives also the {@code __torch__} classes and TorchScript's list builders, which {@code
 *       torch.jit.load} resolves itself. No hazard.
 *   <li>{@link Level#IMPORT}: a plain class or function name ({@code __main__.Net}, {@code
 *       torch.nn.modules.conv.Conv2d}, {@code argparse.Namespace}) that the unpickler imports and
 *       builds. A hazard: {@code weights_only=True} refuses it, and the import runs the module's
 *       code. {@link PickleMachine} raises it to CODE when the pickle calls it with arguments or
 *       hands it to another call, unless the table lists it as building plain data.
 *   <li>{@link Level#CODE}: everything else: names known to run commands, evaluate code, import
 *       modules, reach attributes or load further pickles ({@code os.system}, {@code
 *       builtins.eval}, {@code torch.storage._load_from_bytes}, ...), any {@code builtins} name
 *       that is not plain data, and any name that is not a plain identifier, such as the dotted
 *       attribute chain {@code torch._utils._rebuild_tensor.__globals__}.
 * </ul>
 */
public final class PickleGlobals {
  /** What a real unpickler would do with a global. */
  public enum Level {
    DATA,
    IMPORT,
    CODE
  }

  private static final String TABLE = "globals.tsv";
  private static final Pattern MODULE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Python 2 module names, as the unpicklers map them before looking a global up. */
  private static final Map<String, String> PYTHON2_MODULES =
      Map.of("__builtin__", "builtins", "copy_reg", "copyreg");

  /** Python 2 names of builtins that map to other names. */
  private static final Map<String, String> PYTHON2_NAMES =
      Map.of("unicode", "str", "long", "int", "xrange", "range");

  private static final Map<String, Set<String>> TABLES = load();
  private static final Set<String> ALLOWED = TABLES.get("allowed");
  private static final Set<String> SCRIPT = TABLES.get("script");
  private static final Set<String> PLAIN_DATA = TABLES.get("data");

  private PickleGlobals() {}

  private static final Set<String> CODE_MODULES =
      Set.of(
          "os",
          "posix",
          "nt",
          "subprocess",
          "_posixsubprocess",
          "pty",
          "commands",
          "popen2",
          "sys",
          "imp",
          "importlib",
          "runpy",
          "code",
          "codeop",
          "pdb",
          "bdb",
          "timeit",
          "trace",
          "profile",
          "cProfile",
          "ctypes",
          "shutil",
          "socket",
          "http",
          "urllib",
          "urllib2",
          "requests",
          "ftplib",
          "smtplib",
          "telnetlib",
          "xmlrpc",
          "webbrowser",
          "asyncio",
          "multiprocessing",
          "threading",
          "_thread",
          "thread",
          "signal",
          "pickle",
          "_pickle",
          "cPickle",
          "marshal",
          "shelve",
          "dill",
          "cloudpickle",
          "joblib",
          "zipimport",
          "pkgutil",
          "site",
          "platform",
          "pydoc",
          "ensurepip",
          "venv",
          "distutils",
          "setuptools",
          "pip",
          "io",
          "_io",
          "tempfile",
          "glob",
          "fileinput",
          "yaml",
          "torch.hub",
          "torch.package",
          "torch.utils.cpp_extension",
          "numpy.f2py",
          "numpy.distutils",
          "numpy.ctypeslib",
          "numpy.testing");

  /** Names that run code, load pickles or touch files whatever module they come from. */
  private static final Pattern CODE_NAMES =
      Pattern.compile(
          "system|popen\\d?|spawn\\w*|exec\\w*|eval|compile|__import__|import_module|getattr"
              + "|setattr|delattr|load|loads|load_module|check_output|check_call|call|run|Popen"
              + "|getoutput|getstatusoutput|startfile|open|remove|unlink|rmtree|rename|fromfile"
              + "|attrgetter|methodcaller|reduce|FunctionType|CodeType|LambdaType|MethodType"
              + "|ModuleType");

  /**
   * The level of {@code module.name} by its name alone.
   *
   * @param torchScript true inside a TorchScript archive, where {@code __torch__} names are
   *     TorchScript's own compiled classes
   */
  public static Level level(String module, String name, boolean torchScript) {
    String qualified = canonical(module, name);
    if (ALLOWED.contains(qualified)
        || torchScript
            && (SCRIPT.contains(qualified)
                || module.equals("__torch__")
                || module.startsWith("__torch__."))) {
      return Level.DATA;
    }
    if (PLAIN_DATA.contains(qualified)) {
      return Level.IMPORT;
    }
    if (!MODULE.matcher(module).matches()
        || !NAME.matcher(name).matches()
        || qualified.startsWith("builtins.")
        || inCodeModule(module)
        || CODE_NAMES.matcher(name).matches()
        || qualified.equals("torch.storage._load_from_bytes")) {
      return Level.CODE;
    }
    return Level.IMPORT;
  }

  /**
   * True for a global the table lists as building plain data ({@code builtins.list}, numpy's array
   * rebuilder, {@code copyreg._reconstructor}, ...) or that torch allows: calling it with arguments
   * from the file runs no code of the file's choosing.
   */
  public static boolean buildsData(String module, String name) {
    String qualified = canonical(module, name);
    return ALLOWED.contains(qualified) || PLAIN_DATA.contains(qualified);
  }

  /** {@code module.name} with Python 2 module names mapped to Python 3 ones. */
  static String canonical(String module, String name) {
    String m = PYTHON2_MODULES.getOrDefault(module, module);
    String n = module.equals("__builtin__") ? PYTHON2_NAMES.getOrDefault(name, name) : name;
    return m + "." + n;
  }

  private static Map<String, Set<String>> load() {
    Map<String, Set<String>> out = new HashMap<>();
    for (String kind : List.of("allowed", "script", "data")) {
      out.put(kind, new HashSet<>());
    }
    try (InputStream in = PickleGlobals.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + TABLE + " is missing");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        Set<String> set = out.get(f[0]);
        if (f.length != 2 || set == null || !set.add(f[1])) {
          throw new IllegalStateException(TABLE + ": bad or repeated line: " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(out);
  }

  private static boolean inCodeModule(String module) {
    String m = module;
    while (true) {
      if (CODE_MODULES.contains(m)) {
        return true;
      }
      int dot = m.lastIndexOf('.');
      if (dot < 0) {
        return false;
      }
      m = m.substring(0, dot);
    }
  }
}
