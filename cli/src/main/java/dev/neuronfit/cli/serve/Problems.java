package dev.neuronfit.cli.serve;

import dev.neuronfit.cli.Errors;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.hub.HubException;
import dev.neuronfit.report.Safe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The one mapping from failures to HTTP status codes and one-line messages. */
final class Problems {
  private Problems() {}

  /** What the API's JSON errors and the page's error panels are made of. */
  record Problem(int status, String message) {}

  /** A failure that is already an HTTP answer. */
  static final class HttpProblem extends RuntimeException {
    final int status;

    HttpProblem(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** The one mapping from failures to status codes and one-line messages. */
  static Problem of(Throwable e, UnaryOperator<String> scrub) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && chain.size() < 8; t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      // Jetty's multipart parser says so in an IllegalStateException under a BadMessageException
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (t instanceof IllegalStateException && m.contains("exceeded")) {
        return new Problem(413, "the upload is larger than the limit of the server");
      }
    }
    for (Throwable t : chain) {
      Problem p = known(t, scrub);
      if (p != null) {
        return p;
      }
    }
    for (Throwable t : chain) {
      if (t instanceof jakarta.servlet.ServletException
          || t instanceof org.eclipse.jetty.io.EofException) {
        // a multipart body that is malformed or ends before its closing boundary
        return new Problem(400, "bad request: " + line(t, scrub));
      }
    }
    if (e instanceof IOException) {
      return new Problem(422, line(e, scrub));
    }
    return new Problem(500, "internal error: " + line(e, scrub));
  }

  private static Problem known(Throwable t, UnaryOperator<String> scrub) {
    if (t instanceof HttpProblem h) {
      return new Problem(h.status, h.getMessage());
    }
    if (t instanceof Upload.TooLarge) {
      return new Problem(413, t.getMessage());
    }
    if (t instanceof CheckService.Busy) {
      return new Problem(503, t.getMessage());
    }
    if (t instanceof CheckService.DeadlineExceeded) {
      return new Problem(504, t.getMessage());
    }
    if (t instanceof CheckService.ClientGone || t instanceof InterruptedException) {
      return new Problem(499, "the client closed the connection");
    }
    if (t instanceof HubException h) {
      return new Problem(h.noSuchModel() ? 404 : 502, line(t, scrub));
    }
    if (t instanceof ModelFormatException) {
      return new Problem(422, line(t, scrub));
    }
    String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (message.contains("exceeds")
        || message.contains("exceeded")
        || message.contains("too large")) {
      return new Problem(413, "the upload is larger than the limit of the server");
    }
    if (t instanceof org.eclipse.jetty.http.BadMessageException b) {
      return new Problem(b.getCode(), "bad request: " + line(t, scrub));
    }
    if (t instanceof IllegalArgumentException) {
      return new Problem(400, line(t, scrub));
    }
    return null;
  }

  private static String line(Throwable t, UnaryOperator<String> scrub) {
    return Safe.escapeControls(Errors.oneLine(scrub.apply(Errors.describe(t))));
  }
}
