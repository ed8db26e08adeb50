package dev.neuronfit.cli.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A server on a free loopback port for one test, and the requests tests send it. Test code. */
final class TestServer implements AutoCloseable {
  static final String BOUNDARY = "neuronfitTestBoundary7MA4YWxk";

  final Server server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(ServeSettings settings) throws IOException {
    this.server = Server.start(settings);
  }

  /** Settings for tests: port 0, small limits, the Hub at {@code endpoint} with caches in tmp. */
  static ServeSettings settings(Path tmp, URI endpoint, Optional<Path> models) {
    return new ServeSettings(
        "127.0.0.1",
        0,
        models,
        4L * 1024 * 1024,
        Duration.ofSeconds(20),
        2,
        2,
        64,
        Duration.ofMinutes(10),
        Duration.ofSeconds(5),
        1,
        hubEnvironment(tmp, endpoint),
        tmp.resolve("home"));
  }

  static Map<String, String> hubEnvironment(Path tmp, URI endpoint) {
    return Map.of(
        "HF_ENDPOINT", endpoint.toString(),
        "HF_HOME", tmp.resolve("hf").toString(),
        "XDG_CACHE_HOME", tmp.resolve("xdg").toString());
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, byte[] body, String contentType)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> upload(
      String path, String filename, byte[] content, Map<String, String> fields)
      throws IOException, InterruptedException {
    return post(path, multipart(filename, content, fields), multipartType());
  }

  static String multipartType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  /** A multipart/form-data body with form fields and one file part named "file". */
  static byte[] multipart(String filename, byte[] content, Map<String, String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.forEach(
        (k, v) ->
            write(
                out,
                "--"
                    + BOUNDARY
                    + "\r\nContent-Disposition: form-data; name=\""
                    + k
                    + "\"\r\n\r\n"
                    + v
                    + "\r\n"));
    write(
        out,
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    out.writeBytes(content);
    write(out, "\r\n--" + BOUNDARY + "--\r\n");
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Files and upload folders left in the server's temporary folder (its empty spool excepted). */
  List<Path> leftovers() throws IOException {
    Path root = server.temporaryFolder();
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root) && !p.equals(root.resolve("multipart"))).toList();
    }
  }

  /** Waits up to {@code seconds} for a condition; whether it became true. */
  static boolean eventually(BooleanSupplier condition, int seconds) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() {
    server.close();
  }
}
