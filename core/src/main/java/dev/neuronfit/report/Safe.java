package dev.neuronfit.report;

import dev.neuronfit.text.Controls;

/**
 * Text from a model made safe to print in text and Markdown reports: the renderers' name for {@link
 * Controls#escape}, the one escaper of control characters neuronfit has.
 */
public final class Safe {
  private Safe() {}

  /** {@link Controls#escape}: each control character written as a visible escape. */
  public static String escapeControls(String s) {
    return Controls.escape(s);
  }

  /** True for the characters {@link #escapeControls} escapes. */
  static boolean isControl(char c) {
    return Controls.isControl(c);
  }
}
