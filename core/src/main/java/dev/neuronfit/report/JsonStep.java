package dev.neuronfit.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One piece of a JSON document that a streaming renderer writes as it goes (a scan's rows, a SARIF
 * run's results): written, then flushed so the reader sees it, with a write failure thrown as the
 * {@link UncheckedIOException} the renderer interfaces promise.
 */
@FunctionalInterface
interface JsonStep {
  void write() throws IOException;

  /** Writes {@code step} to {@code g} and flushes it. */
  static void run(JsonGenerator g, JsonStep step) {
    try {
      step.write();
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
