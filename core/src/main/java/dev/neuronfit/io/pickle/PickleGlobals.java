package dev.neuronfit.io.pickle;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sorts the globals a pickle names into three levels. neuronfit never imports any of them; the
 * level says what a real unpickler such as {@code torch.load(..., weights_only=False)} would do.
 *
 * <ul>
 *   <li>{@link Level#DATA}: the names torch itself writes for tensors, storages, dtypes and
 *       containers ({@code torch._utils._rebuild_tensor_v2}, {@code torch.FloatStorage}, {@code
 *       collections.OrderedDict}, {@code torch.Size}, {@code _codecs.encode}, ...), numpy's array
 *       and scalar rebuilders, Python's plain data types, and in TorchScript archives the {@code
 *       __torch__} classes, which TorchScript resolves to its own compiled types. No hazard.
 *   <li>{@link Level#CODE}: names known to run commands, evaluate or compile code, import modules,
 *       reach attributes by name, load further pickles, or open and remove files ({@code
 *       os.system}, {@code posix.system}, {@code subprocess.Popen}, {@code builtins.eval}, {@code
 *       __builtin__.getattr}, {@code torch.load}, ...): the file runs code when loaded.
 *   <li>{@link Level#IMPORT}: anything else, such as {@code __main__.Net} or {@code
 *       torch.nn.modules.conv.Conv2d} in a pickled whole model, or {@code argparse.Namespace} in a
 *       training checkpoint. The unpickler imports the module (running its top-level code) and
 *       builds or calls the name with arguments from the file; neuronfit cannot tell whether that
 *       is harmless. {@code torch.load(..., weights_only=True)} refuses the file.
 * </ul>
 */
public final class PickleGlobals {
  /** What a real unpickler would do with a global. */
  public enum Level {
    DATA,
    IMPORT,
    CODE
  }

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

  private static final Set<String> BUILTIN_DATA =
      Set.of(
          "set",
          "frozenset",
          "bytearray",
          "bytes",
          "dict",
          "list",
          "tuple",
          "int",
          "long",
          "float",
          "complex",
          "bool",
          "str",
          "unicode",
          "slice",
          "range",
          "object");

  private static final Set<String> TORCH_DATA =
      Set.of(
          "Size",
          "device",
          "Tensor",
          "strided",
          "sparse_coo",
          "sparse_csr",
          "_mkldnn",
          "contiguous_format",
          "channels_last",
          "channels_last_3d",
          "preserve_format",
          "per_tensor_affine",
          "per_channel_affine",
          "per_tensor_symmetric",
          "per_channel_symmetric",
          "per_channel_affine_float_qparams");

  private static final Pattern TORCH_DTYPE =
      Pattern.compile(
          "float(16|32|64)?|double|half|bfloat16|u?int(8|16|32|64)|long|short|int|bool"
              + "|complex(32|64|128)|cfloat|cdouble|q(u)?int\\d+(x\\d+)?|float8_\\w+|uint\\d+"
              + "|bits\\w+");

  private static final Set<String> DATA =
      Set.of(
          "collections.OrderedDict",
          "collections.defaultdict",
          "collections.Counter",
          "_codecs.encode",
          "codecs.encode",
          "copyreg._reconstructor",
          "copy_reg._reconstructor",
          "copyreg.__newobj__",
          "copy_reg.__newobj__",
          "torch._tensor._rebuild_from_type",
          "torch._tensor._rebuild_from_type_v2",
          "torch.nn.parameter.Parameter",
          "torch.nn.parameter.UninitializedParameter",
          "torch.nn.parameter.Buffer",
          "torch.serialization._get_layout",
          "torch.storage.TypedStorage",
          "torch.storage.UntypedStorage",
          "torch.storage._load_from_bytes",
          "torch.jit._pickle.build_intlist",
          "torch.jit._pickle.build_tensorlist",
          "torch.jit._pickle.build_doublelist",
          "torch.jit._pickle.build_boollist",
          "torch.jit._pickle.build_tensor_from_id",
          "torch.jit._pickle.restore_type_tag",
          "numpy.dtype",
          "numpy.ndarray",
          "numpy.core.multiarray._reconstruct",
          "numpy.core.multiarray.scalar",
          "numpy._core.multiarray._reconstruct",
          "numpy._core.multiarray.scalar");

  /**
   * The level of {@code module.name}.
   *
   * @param torchScript true inside a TorchScript archive, where {@code __torch__} names are
   *     TorchScript's own compiled classes
   */
  public static Level level(String module, String name, boolean torchScript) {
    String qualified = module + "." + name;
    if (DATA.contains(qualified)
        || module.equals("torch._utils") && name.startsWith("_rebuild_")
        || module.equals("torch") && isTorchData(name)
        || torchScript && (module.equals("__torch__") || module.startsWith("__torch__."))) {
      return Level.DATA;
    }
    if (module.equals("builtins") || module.equals("__builtin__")) {
      return BUILTIN_DATA.contains(name) ? Level.DATA : Level.CODE;
    }
    if (inCodeModule(module) || CODE_NAMES.matcher(name).matches()) {
      return Level.CODE;
    }
    return Level.IMPORT;
  }

  private static boolean isTorchData(String name) {
    return name.endsWith("Storage") && name.chars().allMatch(Character::isLetterOrDigit)
        || TORCH_DATA.contains(name)
        || TORCH_DTYPE.matcher(name).matches();
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
