package dev.neuronfit.report;

/**
 * How the text renderer marks up spans: plain for files and pipes, colour for a terminal. The
 * renderer only names what a span is; the caller decides how it looks.
 */
@FunctionalInterface
public interface Style {
  /** What a span of text is. */
  enum Span {
    HEADING,
    GOOD,
    LIMITED,
    BAD,
    UNKNOWN,
    ERROR,
    WARNING,
    INFO,
    DIM
  }

  String apply(Span span, String text);

  /** No markup at all. */
  Style PLAIN = (span, text) -> text;
}
