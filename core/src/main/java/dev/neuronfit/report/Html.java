package dev.neuronfit.report;

/**
 * Escaping for HTML pages: every string that reaches a page goes through {@link #escape}, whether
 * it lands in text, in a double-quoted attribute or in inline SVG. Stateless.
 */
public final class Html {
  private Html() {}

  /**
   * The text with the five characters that can change the meaning of markup ({@code & < > " '})
   * replaced by character references, and control characters HTML does not allow replaced by
   * U+FFFD. Safe in element content and in quoted attribute values, not inside {@code <script>} or
   * {@code <style>}, which the renderers never fill from data.
   *
   * @param s any text, not null
   * @return the escaped text
   */
  public static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> disallowed(c) ? "\uFFFD" : null;
          };
      if (rep != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * A link to a web page, or just the escaped text when the address is not an {@code https} URL
   * (addresses come from the knowledge base, never from a model, but a link is the one place a
   * string could do more than display).
   */
  static String link(String url, String text) {
    if (!url.startsWith("https://")) {
      return escape(text);
    }
    return "<a href=\"" + escape(url) + "\">" + escape(text) + "</a>";
  }

  /** C0 controls other than tab, line feed and carriage return, DEL and the C1 controls. */
  private static boolean disallowed(char c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f);
  }
}
