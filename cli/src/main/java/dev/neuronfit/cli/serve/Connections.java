package dev.neuronfit.cli.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/** What the server asks of a request's connection beyond Javalin: whether its client is gone. */
final class Connections {
  private Connections() {}

  /**
   * Whether the client has closed its connection. Jetty does not read from a connection while its
   * request is handled, so a waiting request looks itself: a non-blocking read that finds the end
   * of the stream (or a reset) means the client is gone. The request's body has been read by then;
   * an HTTP/1.1 client sends nothing more before the answer, and if one does (pipelining) the bytes
   * are dropped and the connection is closed after the answer.
   */
  static BooleanSupplier clientGone(Context ctx) {
    ServletContextRequest r = ServletContextRequest.getServletContextRequest(ctx.req());
    if (r == null) {
      return () -> false;
    }
    AtomicBoolean failed = new AtomicBoolean();
    r.addFailureListener(t -> failed.set(true));
    EndPoint ep = r.getConnectionMetaData().getConnection().getEndPoint();
    return () -> {
      if (failed.get() || !ep.isOpen()) {
        return true;
      }
      try {
        java.nio.ByteBuffer probe = org.eclipse.jetty.util.BufferUtil.allocate(64);
        int n = ep.fill(probe);
        if (n > 0) {
          ctx.header("Connection", "close");
        }
        return n < 0;
      } catch (IOException | RuntimeException e) {
        return true;
      }
    };
  }

  static void discardParts(Context ctx) {
    try {
      for (jakarta.servlet.http.Part p : ctx.req().getParts()) {
        p.delete();
      }
    } catch (IOException | jakarta.servlet.ServletException | RuntimeException e) {
      // the parts are deleted by Jetty at the end of the request as well
    }
  }
}
