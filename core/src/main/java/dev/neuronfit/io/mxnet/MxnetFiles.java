package dev.neuronfit.io.mxnet;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ReadLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the two files of an MXNet model find each other. MXNet names them after one prefix: {@code
 * PREFIX-symbol.json} for the graph and {@code PREFIX-EPOCH.params} for the arrays, the epoch in
 * four digits ({@code mx.model.save_checkpoint}; Gluon's {@code HybridBlock.export} writes epoch
 * {@code 0000}); arrays saved by hand are often {@code PREFIX.params}.
 */
public final class MxnetFiles {
  static final String SYMBOL_SUFFIX = "-symbol.json";
  static final String PARAMS_SUFFIX = ".params";

  private MxnetFiles() {}

  /** True when a file's first bytes are those of an NDArray list (see {@link NdArrayList}). */
  public static boolean isParamsHead(byte[] head, int n) {
    return NdArrayList.hasMagic(head, n);
  }

  /** True when a file's first bytes are those of a symbol (see {@link MxnetSymbol}). */
  public static boolean isSymbolHead(byte[] head, int n) {
    return MxnetSymbol.looksLikeSymbol(head, n);
  }

  /**
   * The arrays file of a symbol: the highest epoch of {@code PREFIX-NNNN.params}, else {@code
   * PREFIX.params}; empty when there is none or the symbol is not named {@code *-symbol.json}.
   *
   * @param others receives the names of other epochs found, which are not read
   */
  static Optional<Path> paramsFor(Path symbol, List<String> others) throws IOException {
    String name = fileName(symbol);
    if (!name.endsWith(SYMBOL_SUFFIX) || name.length() == SYMBOL_SUFFIX.length()) {
      return Optional.empty();
    }
    String prefix = name.substring(0, name.length() - SYMBOL_SUFFIX.length());
    Path dir = symbol.toAbsolutePath().getParent();
    if (dir == null) {
      return Optional.empty();
    }
    List<Path> found = ModelFiles.list(dir, "*" + PARAMS_SUFFIX);
    if (found.size() > ReadLimits.MAX_MXNET_PARAMS_FILES) {
      throw new ModelFormatException(
          symbol,
          "",
          "more than "
              + ReadLimits.MAX_MXNET_PARAMS_FILES
              + " .params files beside it; move the one of this model into its own folder");
    }
    String best = null;
    long bestEpoch = -1;
    List<String> epochs = new ArrayList<>();
    for (Path p : found) {
      String n = fileName(p);
      if (epoch(n, prefix) && Files.isRegularFile(p)) {
        epochs.add(n);
        long e =
            Long.parseLong(n.substring(prefix.length() + 1, n.length() - PARAMS_SUFFIX.length()));
        if (e > bestEpoch || (e == bestEpoch && n.compareTo(best) > 0)) {
          best = n;
          bestEpoch = e;
        }
      }
    }
    if (best != null) {
      epochs.sort(null);
      for (String e : epochs) {
        if (!e.equals(best)) {
          others.add(e);
        }
      }
      return Optional.of(symbol.resolveSibling(best));
    }
    Path plain = symbol.resolveSibling(prefix + PARAMS_SUFFIX);
    return Files.isRegularFile(plain) ? Optional.of(plain) : Optional.empty();
  }

  /**
   * The symbol of an arrays file {@code PREFIX-NNNN.params} or {@code PREFIX.params}: {@code
   * PREFIX-symbol.json} beside it, when it exists.
   */
  public static Optional<Path> symbolFor(Path params) {
    String name = fileName(params);
    if (!name.endsWith(PARAMS_SUFFIX)) {
      return Optional.empty();
    }
    String prefix = name.substring(0, name.length() - PARAMS_SUFFIX.length());
    int dash = prefix.lastIndexOf('-');
    if (dash > 0 && digits(prefix.substring(dash + 1))) {
      Path s = params.resolveSibling(prefix.substring(0, dash) + SYMBOL_SUFFIX);
      if (Files.isRegularFile(s)) {
        return Optional.of(s);
      }
    }
    Path s = params.resolveSibling(prefix + SYMBOL_SUFFIX);
    return prefix.isEmpty() || !Files.isRegularFile(s) ? Optional.empty() : Optional.of(s);
  }

  /** True for {@code PREFIX-NNNN.params} with at least four digits. */
  private static boolean epoch(String name, String prefix) {
    if (!name.startsWith(prefix + "-") || !name.endsWith(PARAMS_SUFFIX)) {
      return false;
    }
    String e = name.substring(prefix.length() + 1, name.length() - PARAMS_SUFFIX.length());
    return e.length() >= 4 && digits(e);
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.length() <= 9 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  static String fileName(Path p) {
    return p.getFileName() == null ? p.toString() : p.getFileName().toString();
  }
}
