package dev.neuronfit.cli.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The request parameters that become check's options, by the option's own name without its dashes
 * ({@code batch=4} is {@code --batch 4}); they are then parsed and checked exactly as check checks
 * them. Only these names are read: {@code --hardware}, which names a local file, is not among them.
 */
final class CheckParams {
  /** Parameter names in the order their options are given. */
  static final List<String> NAMES =
      List.of(
          "edition",
          "target",
          "framework",
          "batch",
          "seq-len",
          "image-size",
          "dtype",
          "efficiency",
          "input-len",
          "output-len",
          "instance",
          "tp");

  /** Longest value accepted; option values are short words and numbers. */
  static final int MAX_VALUE_CHARS = 64;

  /** Most values of one parameter (targets are the only repeated one). */
  static final int MAX_VALUES = 8;

  private CheckParams() {}

  /**
   * The command-line options a request's parameters stand for, blank values left out.
   *
   * @param values the values of a parameter by name, empty when absent
   * @throws IllegalArgumentException when a value is too long or a parameter repeated too often
   */
  static List<String> arguments(Function<String, List<String>> values) {
    List<String> args = new ArrayList<>();
    for (String name : NAMES) {
      List<String> given = values.apply(name);
      if (given.size() > MAX_VALUES) {
        throw new IllegalArgumentException(name + " is given more than " + MAX_VALUES + " times");
      }
      for (String v : given) {
        if (v == null || v.isBlank()) {
          continue;
        }
        if (v.length() > MAX_VALUE_CHARS) {
          throw new IllegalArgumentException(
              name + " is longer than " + MAX_VALUE_CHARS + " characters");
        }
        args.add("--" + name);
        args.add(v.strip());
      }
    }
    return args;
  }

  /** The parameters of a query string, for links back to the same check. */
  static String query(List<String> arguments, Map<String, String> first) {
    StringBuilder sb = new StringBuilder();
    first.forEach((k, v) -> append(sb, k, v));
    for (int i = 0; i + 1 < arguments.size(); i += 2) {
      append(sb, arguments.get(i).substring(2), arguments.get(i + 1));
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String k, String v) {
    sb.append(sb.length() == 0 ? "" : "&")
        .append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8))
        .append('=')
        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
  }
}
