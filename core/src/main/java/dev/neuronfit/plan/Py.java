package dev.neuronfit.plan;

import java.util.Set;
import java.util.regex.Pattern;

/** Python source fragments built from values read from model files, which are never trusted. */
final class Py {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");

  // Python 3 keywords and soft keywords that cannot name a variable
  private static final Set<String> KEYWORDS =
      Set.of(
          "False",
          "None",
          "True",
          "and",
          "as",
          "assert",
          "async",
          "await",
          "break",
          "class",
          "continue",
          "def",
          "del",
          "elif",
          "else",
          "except",
          "finally",
          "for",
          "from",
          "global",
          "if",
          "import",
          "in",
          "is",
          "lambda",
          "nonlocal",
          "not",
          "or",
          "pass",
          "raise",
          "return",
          "try",
          "while",
          "with",
          "yield",
          "torch",
          "tf",
          "model",
          "example_inputs");

  private Py() {}

  /**
   * A Python string literal of any text: printable ASCII as is, everything else escaped, so a
   * model's strings can neither end the literal nor the line.
   */
  static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                b.append('\\').append((char) c);
              } else if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
              } else if (c <= 0xffff) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.append(String.format("\\U%08x", c));
              }
            });
    return b.append('"').toString();
  }

  /** True for a plain Python identifier (a class name a script may import). */
  static boolean identifier(String s) {
    return IDENTIFIER.matcher(s).matches() && !KEYWORDS.contains(s);
  }

  /** A Python identifier made from any text (input names become variable names). */
  static String variable(String s, int index) {
    String v = s.replaceAll("[^A-Za-z0-9_]", "_");
    if (v.isEmpty()
        || !Character.isLetter(v.charAt(0))
        || v.length() > 60
        || KEYWORDS.contains(v)) {
      v = "input_" + index;
    }
    return v;
  }
}
