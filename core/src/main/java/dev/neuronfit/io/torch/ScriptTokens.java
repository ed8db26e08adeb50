package dev.neuronfit.io.torch;

import dev.neuronfit.io.torch.ScriptCalls.ScriptSyntax;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokens of TorchScript's printed Python subset: names, numbers, string literals, and punctuation
 * (two-character operators such as {@code ==} and {@code ->} kept whole). Comments are dropped.
 */
final class ScriptTokens {
  private static final java.util.Set<String> TWO_CHAR =
      java.util.Set.of(
          "==", "!=", "<=", ">=", "->", "**", "//", "<<", ">>", "+=", "-=", "*=", "/=");

  private ScriptTokens() {}

  static List<String> tokens(String s) throws ScriptSyntax {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        break;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (Character.isDigit(c)
          || c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
        int j = i + 1;
        while (j < n) {
          char d = s.charAt(j);
          boolean exponentSign =
              (d == '-' || d == '+') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E');
          if (!Character.isLetterOrDigit(d) && d != '.' && d != '_' && !exponentSign) {
            break;
          }
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (c == '"' || c == '\'') {
        int j = endOfString(s, i);
        out.add(s.substring(i, j));
        i = j;
      } else if (i + 1 < n && TWO_CHAR.contains(s.substring(i, i + 2))) {
        out.add(s.substring(i, i + 2));
        i += 2;
      } else {
        out.add(String.valueOf(c));
        i++;
      }
    }
    return out;
  }

  /** The index just past the string literal starting at {@code from}. */
  private static int endOfString(String s, int from) throws ScriptSyntax {
    char q = s.charAt(from);
    boolean triple = s.startsWith(String.valueOf(q).repeat(3), from);
    int i = from + (triple ? 3 : 1);
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), i))) {
        return i + (triple ? 3 : 1);
      }
      i++;
    }
    throw new ScriptSyntax("unterminated string literal");
  }

  /** Bracket depth at the end of {@code s} (0 when balanced), ignoring strings. */
  static int depth(String s) throws ScriptSyntax {
    int depth = 0;
    for (String t : tokens(s)) {
      char c = t.charAt(0);
      if (t.length() == 1 && (c == '(' || c == '[' || c == '{')) {
        depth++;
      } else if (t.length() == 1 && (c == ')' || c == ']' || c == '}')) {
        depth--;
      }
    }
    return depth;
  }

  /**
   * The index of the {@code =} of an assignment at bracket depth 0, or -1 when the statement is not
   * one (comparisons and keyword arguments do not count).
   */
  static int assignment(String s) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == '=' && depth == 0) {
        char before = i > 0 ? s.charAt(i - 1) : ' ';
        char after = i + 1 < s.length() ? s.charAt(i + 1) : ' ';
        if (after != '=' && "=!<>+-*/".indexOf(before) < 0) {
          return i;
        }
        i++;
      }
    }
    return -1;
  }

  /** Splits at commas outside brackets and strings. */
  static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
