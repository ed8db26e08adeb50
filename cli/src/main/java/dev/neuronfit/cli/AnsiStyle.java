package dev.neuronfit.cli;

import dev.neuronfit.report.Style;
import picocli.CommandLine.Help.Ansi;

/** Colours the report's spans with picocli's ANSI styles; used only when writing to a terminal. */
final class AnsiStyle implements Style {
  @Override
  public String apply(Span span, String text) {
    Ansi.IStyle style =
        switch (span) {
          case HEADING -> Ansi.Style.bold;
          case GOOD -> Ansi.Style.fg_green;
          case LIMITED, WARNING -> Ansi.Style.fg_yellow;
          case BAD, ERROR -> Ansi.Style.fg_red;
          case UNKNOWN -> Ansi.Style.fg_magenta;
          case INFO -> Ansi.Style.fg_cyan;
          case DIM -> Ansi.Style.faint;
        };
    return style.on() + text + style.off();
  }

  /**
   * Colour when picocli's AUTO mode finds a terminal (it also honours NO_COLOR and the picocli.ansi
   * property), unless colour was turned off on the command line.
   */
  static Style forOutput(boolean noColor) {
    if (noColor || System.getenv("NO_COLOR") != null || !Ansi.AUTO.enabled()) {
      return Style.PLAIN;
    }
    return new AnsiStyle();
  }
}
