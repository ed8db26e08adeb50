package dev.neuronfit.io.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few requests a check makes to the Hub, on the JDK's HttpClient (no library adds what this
 * needs: bounded bodies, hand-checked redirects and ranges). Every request has a connect timeout
 * and a read timeout that covers headers and body; all requests of one model share a deadline; 429
 * and 5xx answers and broken connections are retried with a doubling wait, or the wait the server
 * asks for in {@code Retry-After}. Redirects are followed by hand, at most {@value #MAX_REDIRECTS},
 * only to https or to the endpoint's own scheme and host; the token goes only to the endpoint's
 * host. No body is read past what was asked for: a server that ignores a range is cut off.
 */
final class HubClient {
  static final int MAX_REDIRECTS = 5;

  /** {@code bytes FIRST-LAST/TOTAL} (RFC 9110, section 14.4). */
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

  private final HubSettings settings;
  private final HttpClient http;
  private final Transfer transfer;
  private final long deadlineNanos;

  /**
   * Where each file's {@code resolve} URL redirected last: further ranges of the file go there
   * directly, a round trip fewer each (an ONNX graph takes one range per skipped payload).
   */
  private final java.util.Map<String, URI> located = new java.util.concurrent.ConcurrentHashMap<>();

  HubClient(HubSettings settings, HttpClient http, Transfer transfer) {
    this.settings = settings;
    this.http = http;
    this.transfer = transfer;
    this.deadlineNanos = System.nanoTime() + settings.deadline().toNanos();
  }

  static HttpClient httpClient(HubSettings settings) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    EnvProxies.of(settings.proxies()).ifPresent(b::proxy);
    return b.build();
  }

  /** A body as received: the bytes kept, and whether the server had more than the limit. */
  record Body(byte[] bytes, boolean cut) {}

  /** An answer with its status, headers and (bounded) body, after redirects. */
  record Answer(int status, HttpHeaders headers, Body body, URI uri) {}

  /** The bytes {@code [start, start + length)} of a file, and the file's whole length. */
  record Range(byte[] bytes, long total) {}

  /** {@code GET {endpoint}/api/models/{repo}/revision/{rev}}: the commit and file list. */
  byte[] revisionJson(HubId id, String revision, int maxBytes) throws IOException {
    URI uri =
        URI.create(
            settings.endpoint()
                + "/api/models/"
                + id.repo()
                + "/revision/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8));
    Answer a = send(uri, Optional.empty(), maxBytes + 1, id, "revision " + revision);
    if (a.status() != 200) {
      throw unexpected(a, id, "revision " + revision);
    }
    if (a.body().cut() || a.body().bytes().length > maxBytes) {
      throw new HubException(
          id.repo() + ": the Hub's file list is over the limit of " + maxBytes + " bytes");
    }
    return a.body().bytes();
  }

  /** A whole small file at a commit, refused when it is over {@code maxBytes}. */
  byte[] file(HubId id, String commit, String file, int maxBytes) throws IOException {
    Answer a = send(resolve(id, commit, file), Optional.empty(), maxBytes + 1, id, "file " + file);
    if (a.status() != 200) {
      throw unexpected(a, id, "file " + file);
    }
    if (a.body().cut() || a.body().bytes().length > maxBytes) {
      throw new HubException(
          id.repo() + "/" + file + ": over the limit of " + maxBytes + " bytes for a config file");
    }
    return a.body().bytes();
  }

  /**
   * The first {@code length} bytes of a file from {@code start} (fewer when the file ends first). A
   * 206 answer must say in Content-Range that it holds what was asked; a 200 answer to a range from
   * 0 (a server that ignores Range) is cut after {@code length} bytes.
   */
  Range range(HubId id, String commit, String file, long start, int length) throws IOException {
    long last = start + length - 1;
    URI resolve = resolve(id, commit, file);
    URI known = located.get(file);
    Answer a = null;
    if (known != null) {
      a = send(known, Optional.of("bytes=" + start + "-" + last), length, id, "file " + file);
      if (a.status() != 206 && a.status() != 200) {
        // the file server's link has expired, say: ask the Hub again
        located.remove(file);
        a = null;
      }
    }
    if (a == null) {
      a = send(resolve, Optional.of("bytes=" + start + "-" + last), length, id, "file " + file);
      if ((a.status() == 206 || a.status() == 200) && !a.uri().equals(resolve)) {
        located.put(file, a.uri());
      }
    }
    String where = id.repo() + "/" + file;
    if (a.status() == 200) {
      long total = a.headers().firstValueAsLong("content-length").orElse(-1);
      if (start != 0 || total < 0) {
        throw new HubException(
            where + ": the server ignored the byte range asked for (answer 200, not 206)");
      }
      return new Range(a.body().bytes(), total);
    }
    if (a.status() == 416) {
      throw new HubException(
          where
              + ": the server has no bytes "
              + start
              + "-"
              + last
              + " (answer 416): file too short");
    }
    if (a.status() != 206) {
      throw unexpected(a, id, "file " + file);
    }
    String cr = a.headers().firstValue("content-range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(cr);
    if (!m.matches()) {
      throw new HubException(
          where + ": answer 206 without a valid Content-Range (\"" + clip(cr) + "\")");
    }
    long first = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    long total = Long.parseLong(m.group(3));
    long expectedEnd = Math.min(last, total - 1);
    if (first != start || end != expectedEnd || end >= total) {
      throw new HubException(
          where
              + ": asked for bytes "
              + start
              + "-"
              + last
              + ", the server says it sent "
              + clip(cr));
    }
    int expected = (int) (end - first + 1);
    if (a.body().bytes().length != expected) {
      throw new HubException(
          where
              + ": Content-Range "
              + clip(cr)
              + " promised "
              + expected
              + " bytes, "
              + a.body().bytes().length
              + " came");
    }
    return new Range(a.body().bytes(), total);
  }

  private URI resolve(HubId id, String commit, String file) {
    StringBuilder path = new StringBuilder();
    for (String part : file.split("/")) {
      path.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(settings.endpoint() + "/" + id.repo() + "/resolve/" + commit + path);
  }

  /** Sends one GET, following redirects and retrying what may pass, within the deadline. */
  private Answer send(URI uri, Optional<String> range, int maxBody, HubId id, String what)
      throws IOException {
    int attempt = 0;
    while (true) {
      Answer a;
      try {
        a = followRedirects(uri, range, maxBody, id);
      } catch (HubException e) {
        throw e;
      } catch (IOException e) {
        String why = describe(e);
        if (attempt >= settings.retries()) {
          throw new HubException(
              id.repo() + ": " + what + ": " + why + " (after " + (attempt + 1) + " tries)");
        }
        pause(backoff(attempt), id, what, why);
        attempt++;
        continue;
      }
      if (a.status() == 429 || a.status() >= 500) {
        String why = "answer " + a.status();
        if (attempt >= settings.retries()) {
          throw new HubException(
              id.repo()
                  + ": "
                  + what
                  + ": the Hub answered "
                  + a.status()
                  + " "
                  + (attempt + 1)
                  + " times; try again later");
        }
        pause(retryAfter(a.headers()).orElse(backoff(attempt)), id, what, why);
        attempt++;
        continue;
      }
      return a;
    }
  }

  private Answer followRedirects(URI start, Optional<String> range, int maxBody, HubId id)
      throws IOException {
    URI uri = start;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder rb =
          HttpRequest.newBuilder(uri).GET().timeout(remaining(settings.readTimeout(), id));
      rb.header("User-Agent", "neuronfit");
      range.ifPresent(r -> rb.header("Range", r));
      if (settings.token().isPresent() && sameOrigin(uri, settings.endpoint())) {
        rb.header("Authorization", "Bearer " + settings.token().get());
      }
      Answer a = exchange(rb.build(), maxBody, uri, id);
      if (a.status() < 300 || a.status() >= 400 || a.status() == 304) {
        return a;
      }
      Optional<String> location = a.headers().firstValue("location");
      if (location.isEmpty()) {
        return a;
      }
      if (hop >= MAX_REDIRECTS) {
        throw new HubException(
            id.repo() + ": more than " + MAX_REDIRECTS + " redirects from " + start.getHost());
      }
      URI next;
      try {
        next = uri.resolve(location.get());
      } catch (IllegalArgumentException e) {
        throw new HubException(
            id.repo() + ": a redirect to an invalid URL (" + clip(location.get()) + ")");
      }
      if (!allowed(next)) {
        throw new HubException(
            id.repo()
                + ": refused a redirect to "
                + next.getScheme()
                + "://"
                + next.getHost()
                + " (only https or "
                + settings.endpoint().getScheme()
                + "://"
                + settings.endpoint().getHost()
                + ")");
      }
      uri = next;
    }
  }

  private boolean allowed(URI next) {
    if (next.getHost() == null) {
      return false;
    }
    return "https".equals(next.getScheme())
        || (settings.endpoint().getScheme().equals(next.getScheme())
            && settings.endpoint().getHost().equalsIgnoreCase(next.getHost()));
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equals(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort();
  }

  private Answer exchange(HttpRequest request, int maxBody, URI uri, HubId id) throws IOException {
    transfer.request();
    CompletableFuture<HttpResponse<Body>> f =
        http.sendAsync(request, info -> new BoundedBody(maxBody, transfer));
    Duration wait = remaining(settings.readTimeout(), id);
    try {
      HttpResponse<Body> r = f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      return new Answer(r.statusCode(), r.headers(), r.body(), uri);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException(
          "no complete answer from " + uri.getHost() + " within " + seconds(wait));
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
    }
  }

  /** The read timeout, or less when the deadline is nearer; fails when the deadline has passed. */
  private Duration remaining(Duration want, HubId id) throws HubException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new HubException(
          id.repo()
              + ": gave up after "
              + seconds(settings.deadline())
              + " (the deadline for one model)");
    }
    return Duration.ofNanos(Math.min(left, want.toNanos()));
  }

  private void pause(Duration wait, HubId id, String what, String why) throws IOException {
    long left = deadlineNanos - System.nanoTime();
    if (wait.toNanos() >= left) {
      throw new HubException(
          id.repo()
              + ": "
              + what
              + ": "
              + why
              + "; the next try (in "
              + seconds(wait)
              + ") would pass the deadline of "
              + seconds(settings.deadline()));
    }
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  private Duration backoff(int attempt) {
    return settings.backoff().multipliedBy(1L << Math.min(attempt, 10));
  }

  /** {@code Retry-After}: seconds or an HTTP date (RFC 9110, section 10.2.3). */
  static Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> v = headers.firstValue("retry-after");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get().strip();
    if (s.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(s)));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** A 4xx answer as a one-line message that says what is missing or how to get access. */
  private HubException unexpected(Answer a, HubId id, String what) {
    String code = a.headers().firstValue("x-error-code").orElse("");
    String page = settings.page(id);
    String tokenHint =
        settings.token().isPresent()
            ? "the token from "
                + settings.tokenSource()
                + " has no access to it: ask for access at "
                + page
            : "accept its terms at "
                + page
                + " if it is gated, then set HF_TOKEN to an access token"
                + " (or run `huggingface-cli login`)";
    if (code.equals("GatedRepo")) {
      return new HubException(
          id.repo() + " is a gated model (" + a.status() + " GatedRepo): " + tokenHint);
    }
    if (a.status() == 401 || a.status() == 403) {
      if (code.equals("RepoNotFound") && settings.token().isEmpty()) {
        return new HubException(
            id.repo()
                + ": no such model on "
                + settings.endpoint()
                + ", or it is private ("
                + a.status()
                + "): check the id, or set HF_TOKEN to a token that can read it",
            true);
      }
      return new HubException(
          id.repo()
              + ": access denied ("
              + a.status()
              + (code.isEmpty() ? "" : " " + code)
              + "): "
              + tokenHint);
    }
    if (a.status() == 404) {
      if (code.equals("RepoNotFound")) {
        return new HubException(
            id.repo() + ": no such model on " + settings.endpoint() + " (404 RepoNotFound)", true);
      }
      if (code.equals("RevisionNotFound")) {
        return new HubException(
            id.repo()
                + ": no such "
                + what
                + " (404 RevisionNotFound); see "
                + page
                + " for its branches");
      }
      return new HubException(
          id.repo() + ": no such " + what + (code.isEmpty() ? "" : " (404 " + code + ")"));
    }
    return new HubException(
        id.repo()
            + ": "
            + what
            + ": unexpected answer "
            + a.status()
            + " from "
            + a.uri().getHost());
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      return "could not connect in time";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer in time";
    }
    if (e instanceof java.net.ConnectException) {
      return "could not connect"
          + (e.getMessage() == null ? "" : " (" + clip(e.getMessage()) + ")");
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : clip(m.replaceAll("\\s+", " "));
  }

  private static String clip(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0
        ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /**
   * Keeps at most {@code limit} bytes of a body and cancels the rest: a server that sends more than
   * asked (a whole file for a range) costs one buffer, not the file.
   */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<Body> {
    private final int limit;
    private final Transfer transfer;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int limit, Transfer transfer) {
      this.limit = limit;
      this.transfer = transfer;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      boolean more = false;
      for (ByteBuffer b : items) {
        int n = b.remaining();
        transfer.received(n);
        int take = Math.min(n, limit - kept.size());
        if (take > 0) {
          byte[] chunk = new byte[take];
          b.get(chunk);
          kept.write(chunk, 0, take);
        }
        more |= n > take;
      }
      if (more) {
        subscription.cancel();
        result.complete(new Body(kept.toByteArray(), true));
      } else if (kept.size() >= limit) {
        // all asked for is here; whatever follows is not wanted
        subscription.cancel();
        result.complete(new Body(kept.toByteArray(), false));
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new Body(kept.toByteArray(), false));
    }

    @Override
    public CompletionStage<Body> getBody() {
      return result;
    }
  }
}
