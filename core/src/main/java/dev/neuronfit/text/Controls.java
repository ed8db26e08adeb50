package dev.neuronfit.text;

/**
 * Text from a model (file and folder names, config strings, tensor and operator names) made safe to
 * print: every control character becomes a visible escape, so a name cannot move the cursor, clear
 * the screen, recolour the terminal, overwrite a line with a carriage return, start a line of its
 * own or make a line read in another order than it is stored. The one escaper of neuronfit: the
 * text and Markdown renderers (through {@code report.Safe}), the plan renderers' comments and
 * Markdown, and {@code io.ModelFormatException}'s one-line messages all use it.
 *
 * <p>Hand-written because it is a dozen lines: the escapers of commons-text and Guava target Java,
 * JSON or HTML syntax and leave C1 controls or bidirectional overrides as they are.
 */
public final class Controls {
  private Controls() {}

  /**
   * The text with each control character written as an escape: {@code \n}, {@code \r}, {@code \t}
   * for those three, {@code \xHH} for the other C0 controls, DEL and the C1 controls (U+0080 to
   * U+009F), a backslash, {@code u} and four hex digits for the line and paragraph separators and
   * the bidirectional embedding, override and isolate marks (which can make text read in an order
   * other than stored, as in the "Trojan Source" attack, CVE-2021-42574). A backslash itself is
   * left as it is: the escapes are for people, not to be parsed back.
   */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    int i = 0;
    while (i < s.length() && !isControl(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
    for (; i < s.length(); i++) {
      append(b, s.charAt(i));
    }
    return b.toString();
  }

  /** Appends one character, escaped when it is a control character. */
  public static void append(StringBuilder b, char c) {
    if (!isControl(c)) {
      b.append(c);
    } else if (c == '\n') {
      b.append("\\n");
    } else if (c == '\r') {
      b.append("\\r");
    } else if (c == '\t') {
      b.append("\\t");
    } else if (c <= 0xff) {
      b.append(String.format("\\x%02x", (int) c));
    } else {
      b.append(String.format("\\u%04x", (int) c));
    }
  }

  /** True for the characters {@link #escape} escapes. */
  public static boolean isControl(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
