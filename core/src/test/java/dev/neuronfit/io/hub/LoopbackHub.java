package dev.neuronfit.io.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on loopback, for tests: the model API ({@code /api/models/ORG/NAME/revision/
 * REV} with {@code sha} and {@code siblings}), {@code resolve} URLs that answer 302 to a second
 * server (the "CDN", which answers Range requests with 206 and Content-Range), gated repositories
 * (401 or 403 with {@code X-Error-Code: GatedRepo} unless the right token comes), 404s with the
 * Hub's error codes, and faults a test switches on: 429 with Retry-After, 503, slow, truncated and
 * range-ignoring answers, a lying Content-Range, redirects to places a client must refuse.
 */
public final class LoopbackHub implements AutoCloseable {
  /** What the servers do wrong, for one test. */
  public enum Fault {
    NONE,
    /** The first answers of each kind are 429 with {@code Retry-After: 0}, then all is well. */
    RATE_LIMITED_TWICE,
    /** Every answer is 503. */
    ALWAYS_503,
    /** Every file answer waits far past any test's read timeout before a byte. */
    SLOW,
    /** File answers declare their length and close the connection half way. */
    TRUNCATED,
    /** The CDN ignores Range and sends the whole file (padded to a large size). */
    IGNORES_RANGE,
    /** The CDN answers 206 with a Content-Range for other bytes than asked. */
    LYING_RANGE,
    /** resolve URLs redirect to plain http on another host name. */
    REDIRECT_TO_HTTP_ELSEWHERE,
    /** resolve URLs redirect to themselves. */
    REDIRECT_LOOP
  }

  /** How large the body of a range-ignoring answer is: far more than a client may read. */
  static final long IGNORED_RANGE_BODY = 512L * 1024 * 1024;

  /**
   * A file's bytes, served without holding them: a few known ranges over zeros, so a benchmark can
   * serve a 2 GB ONNX or 191 safetensors shards of a 405B model with a few megabytes of heap.
   */
  static final class Blob {
    private final long length;
    private final TreeMap<Long, byte[]> parts = new TreeMap<>();

    Blob(long length) {
      this.length = length;
    }

    static Blob of(byte[] bytes) {
      return new Blob(bytes.length).put(0, bytes);
    }

    /** Puts {@code bytes} at {@code offset}; parts must not overlap. */
    Blob put(long offset, byte[] bytes) {
      if (offset + bytes.length > length) {
        throw new IllegalArgumentException("past the end of the blob");
      }
      parts.put(offset, bytes);
      return this;
    }

    long length() {
      return length;
    }

    /** Writes the blob as a sparse file: its parts in place, the rest holes that read as zeros. */
    void writeTo(Path file) throws IOException {
      try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(length);
        for (Map.Entry<Long, byte[]> e : parts.entrySet()) {
          raf.seek(e.getKey());
          raf.write(e.getValue());
        }
      }
    }

    /** Bytes {@code [from, from + n)}. */
    byte[] slice(long from, int n) {
      byte[] out = new byte[n];
      Map.Entry<Long, byte[]> e = parts.floorEntry(from);
      if (e == null) {
        e = parts.ceilingEntry(from);
      }
      for (; e != null && e.getKey() < from + n; e = parts.higherEntry(e.getKey())) {
        long start = Math.max(from, e.getKey());
        long end = Math.min(from + n, e.getKey() + e.getValue().length);
        if (end > start) {
          System.arraycopy(
              e.getValue(),
              (int) (start - e.getKey()),
              out,
              (int) (start - from),
              (int) (end - start));
        }
      }
      return out;
    }
  }

  private record Repo(String commit, Map<String, Blob> files, boolean gated) {}

  private final HttpServer hub;
  private final HttpServer cdn;
  private final ExecutorService threads = Executors.newCachedThreadPool(LoopbackHub::daemon);
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger rateLimited = new AtomicInteger();
  private final AtomicLong bytesSent = new AtomicLong();
  private final List<String> authorizations = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private volatile Fault fault = Fault.NONE;
  private volatile String token = "hf_secret_test_token";
  private volatile long latencyMillis;

  public LoopbackHub() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    hub = HttpServer.create(new InetSocketAddress(lo, 0), 0);
    cdn = HttpServer.create(new InetSocketAddress(lo, 0), 0);
    hub.setExecutor(threads);
    cdn.setExecutor(threads);
    hub.createContext("/", this::hub);
    cdn.createContext("/", this::cdn);
    hub.start();
    cdn.start();
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "loopback-hub");
    t.setDaemon(true);
    return t;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
  }

  public String token() {
    return token;
  }

  /** Serves the files of a folder as repository {@code repo} at {@code commit}. */
  public LoopbackHub serveFolder(String repo, String commit, Path folder) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return serve(repo, commit, files, false);
  }

  public LoopbackHub serve(String repo, String commit, Map<String, byte[]> files, boolean gated) {
    Map<String, Blob> blobs = new TreeMap<>();
    files.forEach((k, v) -> blobs.put(k, Blob.of(v)));
    return serveBlobs(repo, commit, blobs, gated);
  }

  public LoopbackHub serveBlobs(
      String repo, String commit, Map<String, Blob> files, boolean gated) {
    repos.put(repo, new Repo(commit, new TreeMap<>(files), gated));
    return this;
  }

  /** Every answer, of the Hub and of the CDN, waits this long first (a network's round trip). */
  public void latency(long millis) {
    this.latencyMillis = millis;
  }

  public void fault(Fault f) {
    this.fault = f;
  }

  public int requests() {
    return requests.get();
  }

  public long bytesSent() {
    return bytesSent.get();
  }

  /** Each request, in order: which server, the URL and the Range asked for. */
  public synchronized List<String> log() {
    return List.copyOf(log);
  }

  synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/(.+)");
  private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  private void hub(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    if (latencyMillis > 0) {
      sleep(latencyMillis);
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    synchronized (this) {
      authorizations.add(auth == null ? "" : auth);
      log.add("hub " + ex.getRequestURI());
    }
    try (ex) {
      if (fault == Fault.ALWAYS_503) {
        send(ex, 503, "busy");
        return;
      }
      if (fault == Fault.RATE_LIMITED_TWICE && rateLimited.getAndIncrement() < 2) {
        ex.getResponseHeaders().add("Retry-After", "0");
        send(ex, 429, "slow down");
        return;
      }
      String path = URI.create(ex.getRequestURI().getRawPath()).getPath();
      Matcher api = API.matcher(path);
      Matcher res = RESOLVE.matcher(path);
      String repoId = api.matches() ? api.group(1) : res.matches() ? res.group(1) : null;
      Repo repo = repoId == null ? null : repos.get(repoId);
      if (repo == null) {
        error(ex, 401, "RepoNotFound");
        return;
      }
      if (repo.gated() && !("Bearer " + token).equals(auth)) {
        error(ex, auth == null ? 401 : 403, "GatedRepo");
        return;
      }
      String rev = api.matches() ? api.group(2) : res.group(2);
      if (!rev.equals("main") && !rev.equals(repo.commit())) {
        error(ex, 404, "RevisionNotFound");
        return;
      }
      if (api.matches()) {
        StringBuilder json =
            new StringBuilder(
                "{\"id\":\"" + repoId + "\",\"sha\":\"" + repo.commit() + "\",\"siblings\":[");
        String sep = "";
        for (String f : repo.files().keySet()) {
          json.append(sep).append("{\"rfilename\":\"").append(f).append("\"}");
          sep = ",";
        }
        json.append("]}");
        ex.getResponseHeaders().add("Content-Type", "application/json");
        send(ex, 200, json.toString());
        return;
      }
      String file = res.group(3);
      if (!repo.files().containsKey(file)) {
        error(ex, 404, "EntryNotFound");
        return;
      }
      String location =
          switch (fault) {
            case REDIRECT_TO_HTTP_ELSEWHERE ->
                "http://localhost:" + cdn.getAddress().getPort() + "/" + repoId + "/" + file;
            case REDIRECT_LOOP -> ex.getRequestURI().toString();
            default -> "http://127.0.0.1:" + cdn.getAddress().getPort() + "/" + repoId + "/" + file;
          };
      ex.getResponseHeaders().add("Location", location);
      ex.getResponseHeaders().add("X-Repo-Commit", repo.commit());
      ex.sendResponseHeaders(302, -1);
    }
  }

  private void cdn(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    if (latencyMillis > 0) {
      sleep(latencyMillis);
    }
    synchronized (this) {
      log.add("cdn " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Range"));
    }
    try (ex) {
      if (ex.getRequestHeaders().containsKey("Authorization")) {
        send(ex, 400, "the CDN must never see the token");
        return;
      }
      String path = URI.create(ex.getRequestURI().getRawPath()).getPath().substring(1);
      int slash = path.indexOf('/', path.indexOf('/') + 1);
      Repo repo = repos.get(path.substring(0, slash));
      Blob body = repo == null ? null : repo.files().get(path.substring(slash + 1));
      if (body == null) {
        send(ex, 404, "no such blob");
        return;
      }
      if (fault == Fault.SLOW) {
        sleep(60_000);
        return;
      }
      ex.getResponseHeaders().add("ETag", "\"" + Integer.toHexString(body.hashCode()) + "\"");
      String range = ex.getRequestHeaders().getFirst("Range");
      Matcher m = range == null ? null : RANGE.matcher(range);
      if (fault == Fault.IGNORES_RANGE || m == null || !m.matches()) {
        long length = fault == Fault.IGNORES_RANGE ? IGNORED_RANGE_BODY : body.length();
        ex.sendResponseHeaders(200, length);
        OutputStream out = ex.getResponseBody();
        writePadded(out, body, length);
        return;
      }
      long first = Long.parseLong(m.group(1));
      long last = Math.min(Long.parseLong(m.group(2)), body.length() - 1);
      if (first >= body.length()) {
        ex.getResponseHeaders().add("Content-Range", "bytes */" + body.length());
        ex.sendResponseHeaders(416, -1);
        return;
      }
      int n = (int) (last - first + 1);
      long shownFirst = fault == Fault.LYING_RANGE ? first + 1 : first;
      ex.getResponseHeaders()
          .add(
              "Content-Range",
              "bytes " + shownFirst + "-" + (shownFirst + n - 1) + "/" + body.length());
      ex.sendResponseHeaders(206, n);
      OutputStream out = ex.getResponseBody();
      if (fault == Fault.TRUNCATED) {
        out.write(body.slice(first, n / 2));
        bytesSent.addAndGet(n / 2);
        out.flush();
        // closing now leaves the answer short of its Content-Length
        throw new IOException("truncated on purpose");
      }
      out.write(body.slice(first, n));
      bytesSent.addAndGet(n);
    }
  }

  /** The file, then zeros up to {@code length}, until the client hangs up. */
  private void writePadded(OutputStream out, Blob body, long length) {
    try {
      int step = 64 * 1024;
      for (long sent = 0; sent < length; sent += step) {
        int n = (int) Math.min(step, length - sent);
        // past the file's end, slice gives zeros
        out.write(body.slice(sent, n));
        bytesSent.addAndGet(n);
      }
    } catch (IOException e) {
      // the client stopped reading, as it should
    }
  }

  private static void error(HttpExchange ex, int status, String code) throws IOException {
    ex.getResponseHeaders().add("X-Error-Code", code);
    send(ex, status, code);
  }

  private static void send(HttpExchange ex, int status, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    hub.stop(0);
    cdn.stop(0);
    threads.shutdownNow();
  }
}
