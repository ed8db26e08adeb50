package dev.neuronfit.plan;

import java.util.regex.Pattern;

/** POSIX shell quoting for the words a plan writes (model paths come from the user's files). */
final class Shell {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private Shell() {}

  /** The word as is when it needs no quoting, else in single quotes. */
  static String quote(String word) {
    if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
