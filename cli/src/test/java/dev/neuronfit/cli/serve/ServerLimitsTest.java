package dev.neuronfit.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.io.hub.LoopbackHub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every limit of the server, each proved by a request that meets it: upload size, deadline, checks
 * in flight and queue, read timeouts, malformed multipart, clients that leave, a stalled Hub.
 */
class ServerLimitsTest {
  static final String COMMIT = ServerTest.COMMIT;
  static final long MAX_UPLOAD = 256 * 1024;

  @TempDir Path tmp;
  private LoopbackHub hub;

  @BeforeEach
  void start() throws IOException {
    hub = new LoopbackHub();
    for (String repo : List.of("t/a", "t/b", "t/c", "t/d")) {
      hub.serveFolder(repo, COMMIT, ServerTest.EXAMPLES.resolve("gpt2"));
    }
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private ServeSettings settings(Duration deadline, int inFlight, int queue, Duration read) {
    return new ServeSettings(
        "127.0.0.1",
        0,
        Optional.empty(),
        MAX_UPLOAD,
        deadline,
        inFlight,
        queue,
        64,
        Duration.ofMinutes(10),
        read,
        1,
        TestServer.hubEnvironment(tmp, hub.endpoint()),
        tmp.resolve("home"));
  }

  private TestServer server() throws IOException {
    return new TestServer(settings(Duration.ofSeconds(20), 2, 2, Duration.ofSeconds(2)));
  }

  /** The status line of the answer on a raw connection, or empty when it was closed. */
  private static String statusLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
      sb.append((char) c);
    }
    return sb.toString().strip();
  }

  private static String multipartHead(long contentLength, boolean chunked) {
    return "POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: "
        + TestServer.multipartType()
        + "\r\n"
        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + contentLength + "\r\n")
        + "\r\n"
        + "--"
        + TestServer.BOUNDARY
        + "\r\nContent-Disposition: form-data; name=\"file\";"
        + " filename=\"big.onnx\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  }

  @Test
  void anOversizeUploadIs413BeforeItIsAllRead() throws Exception {
    try (TestServer s = server();
        Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(10_000);
      long declared = 1024L * 1024 * 1024;
      OutputStream out = socket.getOutputStream();
      out.write(multipartHead(declared, false).getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[16 * 1024]);
      out.flush();
      // the answer comes after 16 KiB of a declared 1 GiB
      assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 413");
      assertThat(s.leftovers()).isEmpty();
    }
  }

  @Test
  void anOversizeUploadWithoutALengthIs413WhenItPassesTheLimit() throws Exception {
    try (TestServer s = server();
        Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String head = multipartHead(0, true);
      int split = head.indexOf("\r\n\r\n") + 4;
      out.write(head.substring(0, split).getBytes(StandardCharsets.US_ASCII));
      byte[] first = head.substring(split).getBytes(StandardCharsets.US_ASCII);
      out.write((Integer.toHexString(first.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(first);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      long sent = 0;
      byte[] chunk = new byte[8192];
      CompletableFuture<String> answer =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return statusLine(socket.getInputStream());
                } catch (IOException e) {
                  return "closed: " + e;
                }
              });
      try {
        while (!answer.isDone() && sent < 64L * 1024 * 1024) {
          out.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          sent += chunk.length;
        }
      } catch (SocketException e) {
        // the server closed the connection after answering
      }
      assertThat(answer.get()).startsWith("HTTP/1.1 413");
      // the client had not finished (loopback socket buffers hold a few MiB it could still write)
      assertThat(sent).isLessThan(32L * 1024 * 1024);
      assertThat(TestServer.eventually(() -> leftoversEmpty(s), 10)).isTrue();
    }
  }

  private static boolean leftoversEmpty(TestServer s) {
    try {
      return s.leftovers().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void malformedMultipartIsA400AndLeavesNothing() throws Exception {
    try (TestServer s = server()) {
      HttpResponse<String> r =
          s.post(
              "/api/v1/check",
              ("--"
                      + TestServer.BOUNDARY
                      + "\r\nthis is not a part header\r\n\r\ndata\r\n--"
                      + TestServer.BOUNDARY
                      + "--\r\n")
                  .getBytes(),
              TestServer.multipartType());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      HttpResponse<String> noBoundary =
          s.post("/api/v1/check", "garbage".getBytes(), "multipart/form-data");
      assertThat(noBoundary.statusCode()).as(noBoundary.body()).isEqualTo(400);
      assertThat(s.leftovers()).isEmpty();
    }
  }

  @Test
  void aStalledHubIsAnsweredByTheDeadlineAndTheCheckStops() throws Exception {
    hub.fault(LoopbackHub.Fault.SLOW);
    try (TestServer s =
        new TestServer(settings(Duration.ofSeconds(2), 2, 2, Duration.ofSeconds(5)))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = s.get("/api/v1/check?model=t/a");
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
      assertThat(r.body()).contains("deadline");
      assertThat(seconds).isLessThan(30);
      assertThat(TestServer.eventually(() -> s.server.activeChecks() == 0, 10)).isTrue();
    }
  }

  @Test
  void checksBeyondTheInFlightLimitAndTheQueueAre503WithRetryAfter() throws Exception {
    hub.fault(LoopbackHub.Fault.SLOW);
    try (TestServer s =
        new TestServer(settings(Duration.ofSeconds(4), 1, 1, Duration.ofSeconds(5)))) {
      CompletableFuture<HttpResponse<String>> running = async(s, "/api/v1/check?model=t/a");
      assertThat(TestServer.eventually(() -> s.server.activeChecks() == 1, 10)).isTrue();
      CompletableFuture<HttpResponse<String>> queued = async(s, "/api/v1/check?model=t/b");
      Thread.sleep(300);
      HttpResponse<String> refused = s.get("/api/v1/check?model=t/c");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      // the two accepted ones end by their deadline, not by refusal
      assertThat(running.get().statusCode()).isEqualTo(504);
      assertThat(queued.get().statusCode()).as(queued.get().body()).isEqualTo(504);
      assertThat(s.get("/metrics").body()).contains("neuronfit_checks_rejected_total 1");
    }
  }

  private static CompletableFuture<HttpResponse<String>> async(TestServer s, String path) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return s.get(path);
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void identicalRequestsInFlightShareOneCheck() throws Exception {
    try (TestServer s = server()) {
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(async(s, "/api/v1/check?model=t/d&batch=2"));
      }
      List<String> bodies = new ArrayList<>();
      for (var f : all) {
        assertThat(f.get().statusCode()).isEqualTo(200);
        bodies.add(f.get().body());
      }
      assertThat(bodies).allMatch(b -> b.equals(bodies.get(0)));
      String metrics = s.get("/metrics").body();
      // one check ran; the other five joined it or read its cached result
      assertThat(metrics)
          .contains("neuronfit_cache_misses_total 1")
          .contains("neuronfit_cache_hits_total 5");
      // other options are another check
      assertThat(s.get("/api/v1/check?model=t/d&batch=4").statusCode()).isEqualTo(200);
      assertThat(s.get("/metrics").body()).contains("neuronfit_cache_misses_total 2");
    }
  }

  @Test
  void aClientThatStallsInItsHeadersIsCutOffByTheReadTimeout() throws Exception {
    try (TestServer s = server();
        Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0".getBytes());
      socket.getOutputStream().flush();
      long t0 = System.nanoTime();
      InputStream in = socket.getInputStream();
      // the server gives up on the request: it answers 408 or just closes
      String line = statusLine(in);
      while (in.read() != -1) {
        // drain to the close
      }
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertThat(line)
          .satisfiesAnyOf(l -> assertThat(l).isEmpty(), l -> assertThat(l).contains("408"));
      assertThat(waited).isLessThan(12_000);
    }
  }

  @Test
  void aClientThatStallsInItsBodyIsCutOffAndLeavesNothing() throws Exception {
    try (TestServer s = server();
        Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(multipartHead(100_000, false).getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1000]);
      out.flush();
      InputStream in = socket.getInputStream();
      long t0 = System.nanoTime();
      String line = statusLine(in);
      while (in.read() != -1) {
        // drain to the close
      }
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertThat(line)
          .satisfiesAnyOf(
              l -> assertThat(l).isEmpty(), l -> assertThat(l).matches("HTTP/1.1 (400|408|500).*"));
      assertThat(waited).isLessThan(12_000);
      assertThat(TestServer.eventually(() -> leftoversEmpty(s), 10)).isTrue();
    }
  }

  @Test
  void aClientThatLeavesMidUploadLeavesNoTemporaryFile() throws Exception {
    try (TestServer s = server()) {
      try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(multipartHead(200_000, false).getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[100_000]);
        out.flush();
        Thread.sleep(300);
      }
      assertThat(TestServer.eventually(() -> leftoversEmpty(s), 10)).isTrue();
      assertThat(s.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aClientThatLeavesMidCheckStopsTheCheck() throws Exception {
    hub.fault(LoopbackHub.Fault.SLOW);
    Duration deadline = Duration.ofSeconds(60);
    try (TestServer s = new TestServer(settings(deadline, 2, 2, Duration.ofSeconds(30)))) {
      try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
        socket
            .getOutputStream()
            .write("GET /api/v1/check?model=t/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
        socket.getOutputStream().flush();
        assertThat(TestServer.eventually(() -> s.server.activeChecks() == 1, 10)).isTrue();
      }
      // far sooner than the deadline
      assertThat(TestServer.eventually(() -> s.server.activeChecks() == 0, 10)).isTrue();
      assertThat(s.leftovers()).isEmpty();
    }
  }

  @Test
  void anUploadThatLeavesMidCheckLeavesNoFile() throws Exception {
    try (TestServer s = server()) {
      byte[] onnx = Files.readAllBytes(ServerTest.EXAMPLES.resolve("onnx/gpt_tiny.onnx"));
      byte[] body = TestServer.multipart("gpt_tiny.onnx", onnx, Map.of());
      try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    + TestServer.multipartType()
                    + "\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      }
      assertThat(TestServer.eventually(() -> leftoversEmpty(s) && s.server.activeChecks() == 0, 10))
          .isTrue();
    }
  }
}
